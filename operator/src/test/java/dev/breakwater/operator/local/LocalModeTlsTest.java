package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.DataPlaneBuilder;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.DefaultCertificate;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode over real TLS: a folder with a TLS Ingress and its Secret, served by a real data plane, asked by
 * the JDK HttpClient (which sends the URI host as SNI; {@code secure.test} resolves to loopback through the
 * test hosts file set in operator/pom.xml).
 */
class LocalModeTlsTest {

    private static final TestPki PKI = TestPki.create("Local mode test CA");
    private static final int PUBLIC_HTTPS_PORT = 8443;

    @TempDir
    Path dir;
    private TestBackend web;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        web = TestBackend.start("web");
        Files.writeString(dir.resolve("site.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: secure
                  annotations: {breakwater.dev/hsts: "true"}
                spec:
                  tls: [{hosts: [secure.test], secretName: secure-tls}]
                  rules:
                  - host: secure.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(web.port()));
    }

    private void startProxy(DataPlaneBuilder builder) throws Exception {
        proxy = builder.bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .config(ProxyConfig.defaults().withPublicHttpsPort(PUBLIC_HTTPS_PORT)).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add);
    }

    @AfterEach
    void stop() throws Exception {
        if (local != null) {
            local.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        web.close();
    }

    private void writeSecret(String name, String certificatePem, String keyPem) throws Exception {
        Files.writeString(dir.resolve(name + ".yaml"), """
                apiVersion: v1
                kind: Secret
                metadata: {name: %s}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                """.formatted(name, indent(certificatePem), indent(keyPem)));
    }

    private static String indent(String pem) {
        return pem.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** A GET over a new connection (a new client), so that every call makes its own handshake. */
    private HttpResponse<String> httpsGet(String host, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(PKI.clientContext(null)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + proxy.httpsPort() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static BigInteger servedSerial(HttpResponse<?> response) throws Exception {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    @Test
    void servesHttpsWithTheSecretsCertificateRedirectsHttpAndPicksUpARotatedSecret() throws Exception {
        TestPki.Issued first = PKI.server("secure.test");
        writeSecret("secure-tls", first.chainPem(), first.keyPem());
        startProxy(DataPlane.builder());

        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reported).isEmpty();

        HttpResponse<String> https = httpsGet("secure.test", "/hello");
        assertThat(https.statusCode()).isEqualTo(200);
        assertThat(https.headers().firstValue("x-backend")).hasValue("web");
        assertThat(https.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000");
        assertThat(servedSerial(https)).isEqualTo(first.certificate().getSerialNumber());

        HttpResponse<String> plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create("http://secure.test:" + proxy.httpPort() + "/hello?x=1"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(308);
        assertThat(plain.headers().firstValue("location"))
                .hasValue("https://secure.test:" + PUBLIC_HTTPS_PORT + "/hello?x=1");
        assertThat(web.requests()).isEqualTo(1);

        // rotation: the new certificate reaches the next handshake
        TestPki.Issued second = PKI.issue(TestPki.KeyForm.RSA_PKCS1, java.time.Duration.ofDays(5), "secure.test",
                "secure.test");
        writeSecret("secure-tls", second.chainPem(), second.keyPem());
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(servedSerial(httpsGet("secure.test", "/"))).isEqualTo(second.certificate().getSerialNumber());

        // a Secret broken afterwards: reported, and the last good certificate keeps serving
        writeSecret("secure-tls", "garbage", second.keyPem());
        LocalMode.Reload broken = local.reload();
        assertThat(broken.outcome()).isEqualTo(LocalMode.Outcome.UNCHANGED);
        assertThat(broken.messages()).anySatisfy(m -> assertThat(m).startsWith("error: ")
                .contains("site.yaml").contains("Ingress/default/secure spec.tls[0].secretName")
                .contains("Secret default/secure-tls").contains("previous certificate keeps serving"));
        assertThat(servedSerial(httpsGet("secure.test", "/"))).isEqualTo(second.certificate().getSerialNumber());
    }

    @Test
    void theDefaultCertificateServesNamesWithoutTheirOwn() throws Exception {
        TestPki.Issued site = PKI.server("secure.test");
        TestPki.Issued fallback = PKI.server("other.test");
        writeSecret("secure-tls", site.chainPem(), site.keyPem());
        writeSecret("fallback", fallback.chainPem(), fallback.keyPem());
        var snapshot = new ManifestLoader().load(dir).snapshot();

        startProxy(DataPlane.builder()
                .defaultCertificate(DefaultCertificate.from(snapshot, "default/fallback", Instant.now())));
        local.reload();

        HttpResponse<String> other = httpsGet("other.test", "/");
        assertThat(servedSerial(other)).isEqualTo(fallback.certificate().getSerialNumber());
        assertThat(other.statusCode()).as("no route for other.test").isEqualTo(404);
        assertThat(servedSerial(httpsGet("secure.test", "/"))).isEqualTo(site.certificate().getSerialNumber());
    }

    @Test
    void aBadDefaultCertificateIsRefusedWithItsReason() throws Exception {
        writeSecret("fallback", "garbage", "garbage");
        var snapshot = new ManifestLoader().load(dir).snapshot();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DefaultCertificate.from(snapshot,
                        "default/fallback", Instant.now()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--default-certificate default/fallback")
                .hasMessageContaining("tls.crt");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DefaultCertificate.from(snapshot,
                        "default/missing", Instant.now()))
                .hasMessageContaining("Secret default/missing does not exist");
    }

    @Test
    void theTlsExampleCompilesWithoutDiagnostics() throws Exception {
        Manifests example = new ManifestLoader().load(Path.of("..", "examples", "tls"));
        var compilation = dev.breakwater.operator.compile.Compiler.compile(example.snapshot(),
                CompilerOptions.local());

        assertThat(example.errors()).isEmpty();
        assertThat(compilation.diagnostics()).isEmpty();
        assertThat(compilation.table().certificates()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("default/secure-tls");
            assertThat(c.hosts()).containsExactly("secure.localhost");
        });
        assertThat(compilation.table().virtualHosts().get(0).routes().get(0).policy().redirectsToHttps()).isTrue();
    }
}
