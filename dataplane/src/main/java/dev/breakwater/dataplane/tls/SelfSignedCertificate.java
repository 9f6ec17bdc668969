package dev.breakwater.dataplane.tls;

import dev.breakwater.channel.pki.CertificateBuilder;
import dev.breakwater.channel.pki.PemKeys;
import dev.breakwater.routing.Certificate;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The certificate served when no SNI name matches and none was configured: self-signed ECDSA P-256,
 * generated at start with BouncyCastle ({@link CertificateBuilder}), like ingress-nginx's "Kubernetes Ingress
 * Controller Fake Certificate".
 */
public final class SelfSignedCertificate {

    public static final String NAME = "breakwater/default-self-signed";

    private SelfSignedCertificate() {
    }

    /** A new self-signed certificate for {@code commonName}, valid for a year. */
    public static Certificate generate(String commonName) {
        KeyPair pair = CertificateBuilder.newKeyPair();
        Instant now = Instant.now();
        X509Certificate cert = CertificateBuilder.forSubject("CN=" + commonName + ",O=Breakwater", pair.getPublic())
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)))
                .names(List.of(commonName))
                .selfSigned(pair.getPrivate());
        return new Certificate(NAME, List.of(), PemKeys.pem(cert), PemKeys.pem(pair.getPrivate()));
    }
}
