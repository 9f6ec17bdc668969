package dev.breakwater.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.channel.pki.PemKeys;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push channel's CA, server and client certificates, as {@link ChannelCredentials} makes them. */
class TableChannelCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void theCaIssuesAServerCertificateForTheNamesAndAClientCertificateEachForItsPurposeOnly() throws Exception {
        ChannelCredentials c = ChannelCredentials.generate(List.of("breakwater-operator.breakwater.svc", "10.0.0.7"));

        X509Certificate ca = PemKeys.certificates(c.caCertificate())[0];
        X509Certificate server = PemKeys.certificates(c.serverCertificate())[0];
        X509Certificate client = PemKeys.certificates(c.clientCertificate())[0];
        assertThat(ca.getBasicConstraints()).isZero();
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        server.verify(ca.getPublicKey());
        client.verify(ca.getPublicKey());
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(server.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactly((Object) "breakwater-operator.breakwater.svc", "10.0.0.7");
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
        assertThat(client.getSubjectX500Principal().getName()).contains("CN=breakwater-dataplane");
        assertThat(PemKeys.privateKey(c.serverKey()).getAlgorithm()).isEqualTo("EC");
        assertThat(c.toString()).doesNotContain("PRIVATE KEY").contains("CN=breakwater-dataplane");
        // both ends accept them
        assertThat(ChannelTls.server(c.serverCertificate(), c.serverKey(), c.caCertificate()).isServer()).isTrue();
        assertThat(ChannelTls.client(c.caCertificate(), c.clientCertificate(), c.clientKey()).isClient()).isTrue();
    }

    @Test
    void anExistingCaIssuesNewCertificatesButOnlyWithItsOwnKey() throws Exception {
        ChannelCredentials first = ChannelCredentials.generate(List.of("localhost"));
        ChannelCredentials other = ChannelCredentials.generate(List.of("localhost"));

        ChannelCredentials renewed = ChannelCredentials.issue(first.caCertificate(), first.caKey(), List.of("a.b"));

        assertThat(renewed.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(renewed.serverCertificate()).isNotEqualTo(first.serverCertificate());
        PemKeys.certificates(renewed.serverCertificate())[0]
                .verify(PemKeys.certificates(first.caCertificate())[0].getPublicKey());
        assertThatThrownBy(() -> ChannelCredentials.issue(first.caCertificate(), other.caKey(), List.of("a.b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong");
        assertThatThrownBy(() -> ChannelCredentials.generate(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverNames");
    }

    @Test
    void theyAreWrittenAsPemFilesWithPrivateKeysForTheOwnerOnlyAndNeverOverwritten() throws Exception {
        ChannelCredentials c = ChannelCredentials.generate(ChannelCredentials.DEFAULT_SERVER_NAMES);
        Path out = dir.resolve("channel");

        c.writeTo(out);

        assertThat(ChannelCredentials.read(out)).isEqualTo(c);
        for (String key : List.of("ca.key", "server.key", "client.key")) {
            assertThat(Files.getPosixFilePermissions(out.resolve(key)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(ChannelTls.server(out.resolve("server.crt"), out.resolve("server.key"), out.resolve("ca.crt"))
                .isServer()).isTrue();
        assertThatThrownBy(() -> ChannelCredentials.generate(List.of("x")).writeTo(out))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(ChannelCredentials.read(out)).isEqualTo(c);
        assertThatThrownBy(() -> ChannelTls.client(out.resolve("ca.crt"), out.resolve("client.crt"),
                out.resolve("ca.crt"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ca.crt").hasMessageContaining("no PEM private key");
    }
}
