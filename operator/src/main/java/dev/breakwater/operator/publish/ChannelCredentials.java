package dev.breakwater.operator.publish;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The push channel's credentials, all PEM: a CA (ECDSA P-256, self-signed), the operator's server certificate
 * and a client certificate for the data planes, both issued by that CA. Made with BouncyCastle in pure Java;
 * in a cluster the operator keeps them in Secrets (the CA's key only in the operator's), elsewhere they are
 * files ({@link #writeTo}, {@link #read}; {@code breakwater credentials DIR}).
 *
 * <p>The server certificate may serve TLS servers only and the client certificate TLS clients only
 * (extended key usage), so neither can stand in for the other.
 *
 * @param caCertificate     the CA certificate, trusted by both ends
 * @param caKey             the CA's private key (PKCS#8), to issue more certificates; the ends never need it
 * @param serverCertificate the operator's certificate, for {@code serverNames}
 * @param serverKey         its key (PKCS#8)
 * @param clientCertificate the data planes' certificate (CN {@value #CLIENT_COMMON_NAME})
 * @param clientKey         its key (PKCS#8)
 */
public record ChannelCredentials(String caCertificate, String caKey, String serverCertificate, String serverKey,
                                 String clientCertificate, String clientKey) {

    /** Names the server certificate carries unless others are given: fit for tests and local use. */
    public static final List<String> DEFAULT_SERVER_NAMES = List.of("breakwater-operator", "localhost", "127.0.0.1");

    public static final String CLIENT_COMMON_NAME = "breakwater-dataplane";

    /** File names used by {@link #writeTo} and {@link #read}. */
    public static final String CA_CRT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SERVER_CRT = "server.crt";
    public static final String SERVER_KEY = "server.key";
    public static final String CLIENT_CRT = "client.crt";
    public static final String CLIENT_KEY = "client.key";

    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(730);
    private static final SecureRandom RANDOM = new SecureRandom();

    public ChannelCredentials {
        Objects.requireNonNull(caCertificate, "caCertificate");
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(serverCertificate, "serverCertificate");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(clientKey, "clientKey");
    }

    /**
     * A new CA (valid 10 years), and a server and a client certificate it issues (valid 2 years).
     *
     * @param serverNames DNS names and IP addresses the server certificate is valid for (the first is also its
     *                    CN); data planes verify the name they connect with against these
     */
    public static ChannelCredentials generate(List<String> serverNames) {
        checkNames(serverNames);
        try {
            KeyPair caKeys = keyPair();
            X500Name subject = new X500Name("CN=Breakwater push channel CA,O=Breakwater");
            Instant now = Instant.now();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), subject,
                    caKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = sign(b, caKeys.getPrivate());
            return issue(pem(ca), pem(new PemObject("PRIVATE KEY", caKeys.getPrivate().getEncoded())), serverNames);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate the push channel's CA", e);
        }
    }

    /**
     * A new server and client certificate from an existing CA (for instance one kept in a Secret), valid 2
     * years but never beyond the CA.
     *
     * @throws IllegalArgumentException if the CA certificate or key cannot be read, or do not belong together
     */
    public static ChannelCredentials issue(String caCertificate, String caKey, List<String> serverNames) {
        checkNames(serverNames);
        X509Certificate ca = certificate(caCertificate);
        PrivateKey key = privateKey(caKey);
        try {
            Instant now = Instant.now();
            Instant notAfter = now.plus(LEAF_VALIDITY);
            if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
                notAfter = ca.getNotAfter().toInstant();
            }
            KeyPair serverKeys = keyPair();
            GeneralName[] names = new GeneralName[serverNames.size()];
            for (int i = 0; i < names.length; i++) {
                String n = serverNames.get(i);
                names[i] = isIpAddress(n) ? new GeneralName(GeneralName.iPAddress, n)
                        : new GeneralName(GeneralName.dNSName, n);
            }
            X509Certificate server = sign(leaf(ca, serverKeys, "CN=" + serverNames.get(0) + ",O=Breakwater", now,
                    notAfter, KeyPurposeId.id_kp_serverAuth)
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names)), key);
            KeyPair clientKeys = keyPair();
            X509Certificate client = sign(leaf(ca, clientKeys, "CN=" + CLIENT_COMMON_NAME + ",O=Breakwater", now,
                    notAfter, KeyPurposeId.id_kp_clientAuth), key);
            try {
                server.verify(ca.getPublicKey());
            } catch (java.security.SignatureException e) {
                throw new IllegalArgumentException("the CA key does not belong to the CA certificate", e);
            }
            return new ChannelCredentials(caCertificate, caKey, pem(server), pkcs8(serverKeys), pem(client),
                    pkcs8(clientKeys));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue push channel certificates", e);
        }
    }

    /**
     * Writes the six PEM files ({@value #CA_CRT}, {@value #CA_KEY}, {@value #SERVER_CRT}, {@value #SERVER_KEY},
     * {@value #CLIENT_CRT}, {@value #CLIENT_KEY}) into {@code dir}, creating it; keys readable by their owner
     * only. Existing files are never overwritten.
     *
     * @throws FileAlreadyExistsException if one of the files exists
     */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : List.of(CA_CRT, CA_KEY, SERVER_CRT, SERVER_KEY, CLIENT_CRT, CLIENT_KEY)) {
            if (Files.exists(dir.resolve(name))) {
                throw new FileAlreadyExistsException(dir.resolve(name).toString(), null,
                        "push channel credentials are never overwritten");
            }
        }
        write(dir.resolve(CA_CRT), caCertificate, false);
        write(dir.resolve(CA_KEY), caKey, true);
        write(dir.resolve(SERVER_CRT), serverCertificate, false);
        write(dir.resolve(SERVER_KEY), serverKey, true);
        write(dir.resolve(CLIENT_CRT), clientCertificate, false);
        write(dir.resolve(CLIENT_KEY), clientKey, true);
    }

    /** Reads what {@link #writeTo} wrote. */
    public static ChannelCredentials read(Path dir) throws IOException {
        return new ChannelCredentials(Files.readString(dir.resolve(CA_CRT)), Files.readString(dir.resolve(CA_KEY)),
                Files.readString(dir.resolve(SERVER_CRT)), Files.readString(dir.resolve(SERVER_KEY)),
                Files.readString(dir.resolve(CLIENT_CRT)), Files.readString(dir.resolve(CLIENT_KEY)));
    }

    /** Names the files, never the keys. */
    @Override
    public String toString() {
        return "ChannelCredentials[CA " + certificate(caCertificate).getSubjectX500Principal() + ", server "
                + certificate(serverCertificate).getSubjectX500Principal() + ", client "
                + certificate(clientCertificate).getSubjectX500Principal() + "]";
    }

    private static JcaX509v3CertificateBuilder leaf(X509Certificate ca, KeyPair keys, String subject, Instant now,
                                                    Instant notAfter, KeyPurposeId purpose) throws Exception {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter), new X500Name(subject), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        return b;
    }

    private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static KeyPair keyPair() throws java.security.GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static void checkNames(List<String> serverNames) {
        if (serverNames.isEmpty()) {
            throw new IllegalArgumentException("serverNames: empty (expected: at least one name)");
        }
        for (String n : serverNames) {
            if (n == null || n.isBlank() || n.contains(",") || n.contains("=")) {
                throw new IllegalArgumentException("serverNames: '" + n + "' (expected: a DNS name or IP address)");
            }
        }
    }

    private static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static X509Certificate certificate(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            if (o instanceof X509CertificateHolder holder) {
                return new JcaX509CertificateConverter().getCertificate(holder);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no PEM certificate found");
    }

    private static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no PEM private key found");
    }

    private static String pkcs8(KeyPair keys) throws IOException {
        return pem(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    private static void write(Path file, String content, boolean secret) throws IOException {
        if (secret) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, content);
    }
}
