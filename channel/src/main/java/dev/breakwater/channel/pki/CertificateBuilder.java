package dev.breakwater.channel.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes X.509 certificates with BouncyCastle, in pure Java: the one place Breakwater generates keys and
 * certificates (the push channel's CA and its server and client certificates, the data plane's self-signed
 * default certificate). Keys are ECDSA P-256, signatures SHA256withECDSA, serials random.
 *
 * <pre>{@code
 * KeyPair keys = CertificateBuilder.newKeyPair();
 * X509Certificate cert = CertificateBuilder.forSubject("CN=example,O=Breakwater", keys.getPublic())
 *         .validity(now, now.plus(Duration.ofDays(365)))
 *         .names(List.of("example"))
 *         .selfSigned(keys.getPrivate());
 * }</pre>
 */
public final class CertificateBuilder {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X500Name subject;
    private final PublicKey publicKey;
    private Instant notBefore;
    private Instant notAfter;
    private int caPathLength = -1;
    private int keyUsage;
    private KeyPurposeId extendedKeyUsage;
    private final List<String> names = new ArrayList<>();

    private CertificateBuilder(String subject, PublicKey publicKey) {
        this.subject = new X500Name(Objects.requireNonNull(subject, "subject"));
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    /** A new ECDSA P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make ECDSA P-256 keys", e);
        }
    }

    /**
     * A certificate for a subject (an X.500 name such as {@code CN=name,O=Breakwater}) and its public key.
     *
     * @throws IllegalArgumentException if {@code subject} is not an X.500 name
     */
    public static CertificateBuilder forSubject(String subject, PublicKey publicKey) {
        return new CertificateBuilder(subject, publicKey);
    }

    /** The validity period; required. */
    public CertificateBuilder validity(Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter: " + notAfter + " (expected: after " + notBefore + ")");
        }
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        return this;
    }

    /**
     * Makes it a CA that may sign certificates ({@code keyCertSign}, {@code cRLSign}) and certify at most
     * {@code pathLength} CAs below it.
     */
    public CertificateBuilder certificateAuthority(int pathLength) {
        if (pathLength < 0) {
            throw new IllegalArgumentException("pathLength: " + pathLength + " (expected: >= 0)");
        }
        this.caPathLength = pathLength;
        this.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
        return this;
    }

    /** Key usage {@code digitalSignature} and this one extended key usage (server or client authentication). */
    public CertificateBuilder purpose(KeyPurposeId purpose) {
        this.keyUsage = KeyUsage.digitalSignature;
        this.extendedKeyUsage = Objects.requireNonNull(purpose, "purpose");
        return this;
    }

    /** Subject alternative names: DNS names and IP addresses (v4, or v6 with a colon). */
    public CertificateBuilder names(List<String> names) {
        for (String n : names) {
            if (n == null || n.isBlank() || n.contains(",") || n.contains("=")) {
                throw new IllegalArgumentException("names: '" + n + "' (expected: a DNS name or IP address)");
            }
        }
        this.names.addAll(names);
        return this;
    }

    /** Signs it with its own key. */
    public X509Certificate selfSigned(PrivateKey key) {
        return sign(subject, null, key);
    }

    /** Signs it with a CA's key; the validity is cut to the CA's. */
    public X509Certificate issuedBy(X509Certificate ca, PrivateKey caKey) {
        Objects.requireNonNull(ca, "ca");
        if (notAfter != null && notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant();
        }
        return sign(null, ca, caKey);
    }

    private X509Certificate sign(X500Name issuer, X509Certificate ca, PrivateKey key) {
        if (notBefore == null) {
            throw new IllegalStateException("validity: not set");
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
            JcaX509v3CertificateBuilder b = ca == null
                    ? new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore), Date.from(notAfter),
                    subject, publicKey)
                    : new JcaX509v3CertificateBuilder(ca, serial, Date.from(notBefore), Date.from(notAfter), subject,
                    publicKey);
            b.addExtension(Extension.basicConstraints, true,
                    caPathLength >= 0 ? new BasicConstraints(caPathLength) : new BasicConstraints(false));
            if (keyUsage != 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            if (extendedKeyUsage != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(extendedKeyUsage));
            }
            if (!names.isEmpty()) {
                GeneralName[] general = new GeneralName[names.size()];
                for (int i = 0; i < general.length; i++) {
                    String n = names.get(i);
                    general[i] = isIpAddress(n) ? new GeneralName(GeneralName.iPAddress, n)
                            : new GeneralName(GeneralName.dNSName, n);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(general));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            if (ca != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the certificate for " + subject, e);
        }
    }

    private static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }
}
