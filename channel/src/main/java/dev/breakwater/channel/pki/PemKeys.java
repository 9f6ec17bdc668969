package dev.breakwater.channel.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads and writes PEM certificates and private keys with BouncyCastle, for every part of Breakwater: the
 * data plane's TLS contexts, the operator's checks of {@code kubernetes.io/tls} Secrets and the push channel.
 * Certificate chains are read in order; keys in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY})
 * and SEC1 ({@code EC PRIVATE KEY}) form. Encrypted keys are refused.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message starts with what the caller says the text is
 * ({@code what}, such as {@code "Secret default/site: tls.crt"}), then what is wrong with it.
 */
public final class PemKeys {

    private static final String TEXT = "the PEM text";

    private PemKeys() {
    }

    /** Every certificate of a PEM text, in order; never empty. */
    public static X509Certificate[] certificates(String pem) {
        return certificates(pem, TEXT);
    }

    /**
     * Every certificate of a PEM text, in order; never empty.
     *
     * @param what names the text in errors
     * @throws IllegalArgumentException "{@code what} is not a PEM certificate chain: ..." or "{@code what} holds
     *                                  no PEM certificate"
     */
    public static X509Certificate[] certificates(String pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(what + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate");
        }
        return out.toArray(X509Certificate[]::new);
    }

    /** The first private key of a PEM text. */
    public static PrivateKey privateKey(String pem) {
        return privateKey(pem, TEXT);
    }

    /**
     * The first private key of a PEM text.
     *
     * @param what names the text in errors
     * @throws IllegalArgumentException "{@code what} is encrypted (it must not be)", "{@code what} is not a PEM
     *                                  private key: ..." or "{@code what} holds no PEM private key"
     */
    public static PrivateKey privateKey(String pem, String what) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        Object o;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            while ((o = parser.readObject()) != null) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + " is not a PEM private key: " + e.getMessage(), e);
        }
        if (o != null) {
            throw new IllegalArgumentException(what + " is encrypted (it must not be)");
        }
        throw new IllegalArgumentException(what + " holds no PEM private key");
    }

    /** A certificate as PEM ({@code CERTIFICATE}). */
    public static String pem(X509Certificate certificate) {
        return write(certificate);
    }

    /** A private key as unencrypted PKCS#8 PEM ({@code PRIVATE KEY}). */
    public static String pem(PrivateKey key) {
        return write(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    private static String write(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }
}
