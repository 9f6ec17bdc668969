package dev.breakwater.channel;

import dev.breakwater.channel.pki.CertificateBuilder;
import dev.breakwater.channel.pki.PemKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x509.KeyPurposeId;

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
        KeyPair caKeys = CertificateBuilder.newKeyPair();
        Instant now = Instant.now();
        X509Certificate ca = CertificateBuilder.forSubject("CN=Breakwater push channel CA,O=Breakwater", caKeys.getPublic())
                .validity(now.minus(Duration.ofHours(1)), now.plus(CA_VALIDITY))
                .certificateAuthority(0)
                .selfSigned(caKeys.getPrivate());
        return issue(PemKeys.pem(ca), PemKeys.pem(caKeys.getPrivate()), serverNames);
    }

    /**
     * A new server and client certificate from an existing CA (for instance one kept in a Secret), valid 2
     * years but never beyond the CA.
     *
     * @throws IllegalArgumentException if the CA certificate or key cannot be read, or do not belong together
     */
    public static ChannelCredentials issue(String caCertificate, String caKey, List<String> serverNames) {
        checkNames(serverNames);
        X509Certificate ca = PemKeys.certificates(caCertificate, "the CA certificate")[0];
        PrivateKey key = PemKeys.privateKey(caKey, "the CA key");
        Instant now = Instant.now();
        KeyPair serverKeys = CertificateBuilder.newKeyPair();
        X509Certificate server = CertificateBuilder.forSubject("CN=" + serverNames.get(0) + ",O=Breakwater",
                        serverKeys.getPublic())
                .validity(now.minus(Duration.ofHours(1)), now.plus(LEAF_VALIDITY))
                .purpose(KeyPurposeId.id_kp_serverAuth)
                .names(serverNames)
                .issuedBy(ca, key);
        KeyPair clientKeys = CertificateBuilder.newKeyPair();
        X509Certificate client = CertificateBuilder.forSubject("CN=" + CLIENT_COMMON_NAME + ",O=Breakwater",
                        clientKeys.getPublic())
                .validity(now.minus(Duration.ofHours(1)), now.plus(LEAF_VALIDITY))
                .purpose(KeyPurposeId.id_kp_clientAuth)
                .issuedBy(ca, key);
        try {
            server.verify(ca.getPublicKey());
        } catch (SignatureException e) {
            throw new IllegalArgumentException("the CA key does not belong to the CA certificate", e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot check the issued certificate against the CA", e);
        }
        return new ChannelCredentials(caCertificate, caKey, PemKeys.pem(server), PemKeys.pem(serverKeys.getPrivate()),
                PemKeys.pem(client), PemKeys.pem(clientKeys.getPrivate()));
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
        return "ChannelCredentials[CA " + first(caCertificate).getSubjectX500Principal() + ", server "
                + first(serverCertificate).getSubjectX500Principal() + ", client "
                + first(clientCertificate).getSubjectX500Principal() + "]";
    }

    private static X509Certificate first(String pem) {
        return PemKeys.certificates(pem)[0];
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
