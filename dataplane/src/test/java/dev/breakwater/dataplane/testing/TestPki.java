package dev.breakwater.dataplane.testing;

import dev.breakwater.routing.Certificate;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Certificates for tests, made with BouncyCastle: a CA, and leaf certificates it signs. */
public final class TestPki {

    /** A key type and the PEM form its private key is written in. */
    public enum KeyForm { EC_PKCS8, EC_SEC1, RSA_PKCS8, RSA_PKCS1 }

    /** A certificate with its key, in PEM and as Java objects. */
    public record Issued(X509Certificate certificate, KeyPair keys, String certificatePem, String keyPem,
                         String chainPem) {
        /** As a routing-table certificate for the given SNI names. */
        public Certificate forHosts(String name, String... hosts) {
            return new Certificate(name, List.of(hosts), chainPem, keyPem);
        }
    }

    private final X500Name caSubject;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final String caPem;

    private TestPki(String caName) {
        try {
            caKeys = keys(KeyForm.EC_PKCS8);
            X500Name subject = new X500Name("CN=" + caName);
            caSubject = subject;
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
                    caKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            caPem = pem(ca);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS context that trusts any server certificate: for tests that look at the handshake, not at trust. */
    public static javax.net.ssl.SSLContext trustAll() {
        try {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {
                }

                public void checkServerTrusted(X509Certificate[] c, String a) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestPki create(String caName) {
        return new TestPki(caName);
    }

    public X509Certificate ca() {
        return ca;
    }

    public String caPem() {
        return caPem;
    }

    /** A server certificate for the DNS names (the first is also the CN), EC key in PKCS#8. */
    public Issued server(String... dnsNames) {
        return issue(KeyForm.EC_PKCS8, Duration.ofDays(10), dnsNames[0], dnsNames);
    }

    /** A client certificate with the given CN. */
    public Issued client(String commonName) {
        return issue(KeyForm.EC_PKCS8, Duration.ofDays(10), commonName);
    }

    public Issued issue(KeyForm form, Duration validity, String commonName, String... dnsNames) {
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < dnsNames.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
        }
        return issueWithNames(form, validity, commonName, names);
    }

    /** A server certificate whose subjectAltName holds exactly {@code names} (of any kind), CN {@code commonName}. */
    public Issued issueWithNames(KeyForm form, Duration validity, String commonName, GeneralName... names) {
        try {
            KeyPair keys = keys(form);
            Instant now = Instant.now();
            Instant notAfter = now.plus(validity);
            Instant notBefore = validity.isNegative() ? notAfter.minus(Duration.ofDays(2)) : now.minus(Duration.ofHours(1));
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caSubject,
                    serial(), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName + ",O=Test"),
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            if (names.length > 0) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            String certPem = pem(cert);
            return new Issued(cert, keys, certPem, keyPem(keys, form), certPem + caPem);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSLContext that trusts this CA and presents {@code clientCert} (may be null). */
    public SSLContext clientContext(Issued clientCert) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientCert != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", clientCert.keys().getPrivate(), "x".toCharArray(),
                        new X509Certificate[] {clientCert.certificate(), ca});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, "x".toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keys(KeyForm form) throws Exception {
        if (form == KeyForm.RSA_PKCS1 || form == KeyForm.RSA_PKCS8) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String keyPem(KeyPair keys, KeyForm form) throws Exception {
        if (form == KeyForm.EC_PKCS8 || form == KeyForm.RSA_PKCS8) {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            return pem(new PemObject("PRIVATE KEY", info.getEncoded()));
        }
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        if (form == KeyForm.RSA_PKCS1) {
            return pem(new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded()));
        }
        // SEC1, with the curve named inside as openssl writes it
        org.bouncycastle.asn1.sec.ECPrivateKey ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                ec.getKey(), ec.getPublicKey(), info.getPrivateKeyAlgorithm().getParameters());
        return pem(new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom());
    }

    private static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    /** Every PEM block of a list, concatenated. */
    public static String concat(List<String> pems) {
        return String.join("", new ArrayList<>(pems));
    }
}
