package dev.breakwater.channel.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/** Certificates made by {@link CertificateBuilder}, read back through their PEM by {@link PemKeys}. */
class CertificateBuilderTest {

    private static final Instant NOW = Instant.now();

    @Test
    void aSelfSignedCertificateSurvivesItsPemWithItsNamesAndKey() throws Exception {
        KeyPair keys = CertificateBuilder.newKeyPair();
        X509Certificate cert = CertificateBuilder.forSubject("CN=site.example,O=Breakwater", keys.getPublic())
                .validity(NOW, NOW.plus(Duration.ofDays(1)))
                .names(List.of("site.example", "127.0.0.1"))
                .selfSigned(keys.getPrivate());

        X509Certificate[] read = PemKeys.certificates(PemKeys.pem(cert) + PemKeys.pem(cert));

        assertThat(read).hasSize(2);
        assertThat(read[0]).isEqualTo(cert);
        read[0].verify(keys.getPublic());
        assertThat(read[0].getBasicConstraints()).isEqualTo(-1);
        assertThat(read[0].getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactly((Object) "site.example", "127.0.0.1");
        assertThat(PemKeys.privateKey(PemKeys.pem(keys.getPrivate())).getEncoded())
                .isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void anIssuedCertificateChainsToItsCaAndEndsNoLaterThanIt() throws Exception {
        KeyPair caKeys = CertificateBuilder.newKeyPair();
        X509Certificate ca = CertificateBuilder.forSubject("CN=test CA", caKeys.getPublic())
                .validity(NOW, NOW.plus(Duration.ofDays(2))).certificateAuthority(0).selfSigned(caKeys.getPrivate());
        KeyPair leafKeys = CertificateBuilder.newKeyPair();

        X509Certificate leaf = CertificateBuilder.forSubject("CN=client", leafKeys.getPublic())
                .validity(NOW, NOW.plus(Duration.ofDays(30))).purpose(KeyPurposeId.id_kp_clientAuth)
                .issuedBy(ca, caKeys.getPrivate());

        leaf.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isZero();
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(leaf.getNotAfter()).isEqualTo(ca.getNotAfter());
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void errorsNameWhatTheCallerSaysTheTextIs() {
        assertThatThrownBy(() -> PemKeys.certificates("nothing", "Secret a/b: tls.crt"))
                .hasMessage("Secret a/b: tls.crt holds no PEM certificate");
        assertThatThrownBy(() -> PemKeys.privateKey("nothing", "client.key"))
                .hasMessage("client.key holds no PEM private key");
        assertThatThrownBy(() -> CertificateBuilder.forSubject("CN=x", CertificateBuilder.newKeyPair().getPublic())
                .names(List.of("a,b"))).hasMessageContaining("names: 'a,b'");
        assertThatThrownBy(() -> CertificateBuilder.forSubject("CN=x", CertificateBuilder.newKeyPair().getPublic())
                .validity(NOW, NOW)).hasMessageContaining("notAfter");
    }
}
