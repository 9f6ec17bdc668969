package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.IOException;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's client certificates through a real data plane (local mode, {@code --also-serve-class nginx}) and
 * real TLS clients, with or without a certificate of the CA of {@code auth-tls-secret} or of another:
 * {@code auth-tls-verify-client} {@code on} (the default) refuses a client without one, {@code optional} and
 * {@code optional_no_ca} serve it, {@code off} asks for none; a certificate of another CA is refused in every mode
 * that asks; the backend receives {@code ssl-client-verify}, the subject and the issuer, and with
 * {@code auth-tls-pass-certificate-to-upstream} the certificate in {@code ssl-client-cert}, a client's own
 * {@code ssl-client-cert} never.
 */
class IngressNginxClientTlsThroughProxyTest {

    private static final TestPki PKI = TestPki.create("ingress-nginx client TLS server CA");
    private static final TestPki CLIENTS = TestPki.create("ingress-nginx client CA");
    private static final TestPki STRANGERS = TestPki.create("a CA nobody trusts");
    private static final TestPki.Issued ALICE = CLIENTS.client("alice");
    private static final TestPki.Issued MALLORY = STRANGERS.client("mallory");

    @TempDir
    static Path dir;
    private static TestBackend app;
    private static DataPlane proxy;
    private static LocalMode local;
    private static LocalMode.Reload loaded;

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1).build()
                .start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx")), m -> { });
        TestPki.Issued server = PKI.server("mtls.test", "optional.test", "noca.test", "off.test");
        StringBuilder yaml = new StringBuilder(LocalManifests.service("app", app.port()));
        yaml.append("""
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: site-tls}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: clients}
                type: Opaque
                stringData:
                  ca.crt: |
                %s
                """.formatted(indent(server.chainPem()), indent(server.keyPem()), indent(CLIENTS.caPem())));
        yaml.append(site("mtls", Map.of("auth-tls-secret", "default/clients",
                "auth-tls-pass-certificate-to-upstream", "true")));
        yaml.append(site("optional", Map.of("auth-tls-secret", "default/clients", "auth-tls-verify-client",
                "optional")));
        yaml.append(site("noca", Map.of("auth-tls-secret", "default/clients", "auth-tls-verify-client",
                "optional_no_ca")));
        yaml.append(site("off", Map.of("auth-tls-secret", "default/clients", "auth-tls-verify-client", "off")));
        Files.writeString(dir.resolve("world.yaml"), yaml.toString());
        loaded = local.reload();
    }

    private static String site(String name, Map<String, String> annotations) {
        return NginxIngresses.ingress(name, name + ".test", "app", annotations,
                "tls: [{hosts: [" + name + ".test], secretName: site-tls}]\n");
    }

    private static String indent(String pem) {
        return pem.strip().indent(4).stripTrailing();
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
        proxy.close();
        app.close();
    }

    /** A context trusting the server's CA and presenting {@code certificate} (null: none) whatever CAs it is asked for. */
    private static SSLContext client(TestPki.Issued certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PKI.ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keys = certificate == null ? null : new KeyManager[] {new X509ExtendedKeyManager() {
            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "client";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "client";
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[] {certificate.certificate()};
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return certificate.keys().getPrivate();
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }
        }};
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** What one request over a new TLS connection for {@code host} got, and whether the server asked a certificate. */
    private record Outcome(int status, Map<String, String> backend, boolean certificateSent) {
    }

    private static Outcome get(String host, TestPki.Issued certificate, String... headers) throws Exception {
        SSLSocket s = (SSLSocket) client(certificate).getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort());
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setApplicationProtocols(new String[] {"http/1.1"});
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        StringBuilder request = new StringBuilder("GET /account HTTP/1.1\r\nHost: " + host + "\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        try (RawHttp http = new RawHttp(s)) {
            s.startHandshake();
            RawHttp.Response r = http.send(request.append("Connection: close\r\n\r\n").toString()).read();
            return new Outcome(r.status(), r.status() == 200 ? TestBackend.parse(r.bodyText()) : Map.of(),
                    s.getSession().getLocalCertificates() != null);
        } catch (IOException refused) {
            return new Outcome(-1, Map.of(), certificate != null);
        }
    }

    @Test
    void theFolderIsServedWithoutAWord() {
        assertThat(loaded.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(loaded.messages()).noneMatch(m -> m.contains("auth-tls"));
    }

    @Test
    void onRequiresACertificateOfTheSecretsCaAndPassesItToTheBackend() throws Exception {
        int before = app.requests();
        Outcome none = get("mtls.test", null);
        Outcome stranger = get("mtls.test", MALLORY);
        assertThat(none.status()).as("no certificate: refused").isNotEqualTo(200);
        assertThat(stranger.status()).as("another CA: refused").isNotEqualTo(200);
        assertThat(app.requests()).as("neither reached the backend").isEqualTo(before);

        Outcome alice = get("mtls.test", ALICE, "ssl-client-cert", "forged");
        assertThat(alice.status()).isEqualTo(200);
        assertThat(alice.backend()).containsEntry("header.ssl-client-verify", "SUCCESS")
                .hasEntrySatisfying("header.ssl-client-subject-dn", dn -> assertThat(dn).contains("CN=alice"))
                .hasEntrySatisfying("header.ssl-client-issuer-dn", dn -> assertThat(dn)
                        .contains("ingress-nginx client CA"));
        String pem = URLDecoder.decode(alice.backend().get("header.ssl-client-cert"), StandardCharsets.UTF_8);
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        byte[] der = Base64.getMimeDecoder().decode(pem.replace("-----BEGIN CERTIFICATE-----", "")
                .replace("-----END CERTIFICATE-----", ""));
        assertThat(der).as("the certificate alice presented").isEqualTo(ALICE.certificate().getEncoded());
    }

    @Test
    void optionalServesAClientWithoutACertificateAndVerifiesOneThatIsSent() throws Exception {
        Outcome none = get("optional.test", null, "ssl-client-verify", "SUCCESS", "ssl-client-cert", "forged");
        Outcome alice = get("optional.test", ALICE, "ssl-client-cert", "forged");
        Outcome stranger = get("optional.test", MALLORY);

        assertThat(none.status()).isEqualTo(200);
        assertThat(none.backend()).containsEntry("header.ssl-client-verify", "NONE")
                .doesNotContainKey("header.ssl-client-cert");
        assertThat(alice.status()).isEqualTo(200);
        assertThat(alice.backend()).containsEntry("header.ssl-client-verify", "SUCCESS")
                .as("not passed without auth-tls-pass-certificate-to-upstream, the client's removed")
                .doesNotContainKey("header.ssl-client-cert");
        assertThat(stranger.status()).as("a certificate that does not verify is refused").isNotEqualTo(200);
    }

    @Test
    void optionalNoCaWorksAsOptional() throws Exception {
        Outcome none = get("noca.test", null);
        Outcome alice = get("noca.test", ALICE);
        Outcome stranger = get("noca.test", MALLORY);

        assertThat(none.status()).isEqualTo(200);
        assertThat(none.backend()).containsEntry("header.ssl-client-verify", "NONE");
        assertThat(alice.backend()).containsEntry("header.ssl-client-verify", "SUCCESS");
        assertThat(stranger.status()).as("refused in the handshake, unlike nginx's optional_no_ca")
                .isNotEqualTo(200);
    }

    @Test
    void offAsksForNoCertificate() throws Exception {
        Outcome alice = get("off.test", ALICE);
        Outcome stranger = get("off.test", MALLORY);

        assertThat(alice.status()).isEqualTo(200);
        assertThat(alice.certificateSent()).as("not asked, so not sent").isFalse();
        assertThat(alice.backend()).doesNotContainKey("header.ssl-client-verify");
        assertThat(stranger.status()).isEqualTo(200);

        Outcome forged = get("off.test", null, "ssl-client-verify", "SUCCESS", "ssl-client-subject-dn", "CN=admin",
                "ssl-client-cert", "forged");
        assertThat(forged.status()).isEqualTo(200);
        assertThat(forged.backend()).as("a client's own claims are never forwarded")
                .doesNotContainKeys("header.ssl-client-verify", "header.ssl-client-subject-dn", "header.ssl-client-cert");
    }
}
