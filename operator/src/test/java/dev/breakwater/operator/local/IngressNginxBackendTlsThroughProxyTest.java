package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.dataplane.testing.TlsEchoServer;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's TLS towards the backends through a real data plane (local mode, {@code --also-serve-class nginx}):
 * {@code proxy-ssl-secret} with {@code proxy-ssl-verify: on} verifying a real HTTPS endpoint against the Secret's
 * {@code ca.crt} (the right CA passes, another never reaches the endpoint, a missing Secret answers 503), without
 * {@code proxy-ssl-verify} no verification; and {@code ssl-passthrough}: a real TLS client's connection to the HTTPS
 * port spliced by its SNI name to a TLS backend that terminates with its own certificate, while plain HTTP of the host
 * is still routed by the Ingress's paths.
 */
class IngressNginxBackendTlsThroughProxyTest {

    private static final TestPki PKI = TestPki.create("ingress-nginx backend TLS test CA");
    private static final TestPki OTHER = TestPki.create("another CA");

    @TempDir
    static Path dir;
    private static HttpsServer endpoint;
    private static final AtomicInteger SERVED = new AtomicInteger();
    private static TlsEchoServer passthrough;
    private static TestBackend app;
    private static DataPlane proxy;
    private static LocalMode local;
    private static LocalMode.Reload loaded;
    private static final List<String> REPORTED = new CopyOnWriteArrayList<>();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        endpoint = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setHttpsConfigurator(new HttpsConfigurator(serverContext(PKI.server("web.internal"))));
        endpoint.createContext("/", exchange -> {
            SERVED.incrementAndGet();
            List<SNIServerName> names = ((ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession())
                    .getRequestedServerNames();
            String sni = names.isEmpty() ? "(none)" : ((SNIHostName) names.get(0)).getAsciiName();
            byte[] body = ("sni=" + sni).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
        passthrough = TlsEchoServer.start("passed", PKI.server("pass.test"), PKI.ca());
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1).build()
                .start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx")),
                REPORTED::add);
        String yaml = LocalManifests.service("web", endpoint.getAddress().getPort())
                + "---\n" + LocalManifests.service("app", app.port())
                + "---\n" + LocalManifests.service("passed", passthrough.port())
                + """
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: backend-ca}
                type: Opaque
                stringData:
                  ca.crt: |
                %s
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: other-ca}
                type: Opaque
                stringData:
                  ca.crt: |
                %s
                """.formatted(PKI.caPem().strip().indent(4).stripTrailing(),
                        OTHER.caPem().strip().indent(4).stripTrailing())
                + NginxIngresses.ingress("verified", "verified.localhost", "web", Map.of("backend-protocol", "HTTPS",
                        "proxy-ssl-secret", "default/backend-ca", "proxy-ssl-verify", "on",
                        "proxy-ssl-name", "web.internal"))
                + NginxIngresses.ingress("wrongca", "wrongca.localhost", "web", Map.of("backend-protocol", "HTTPS",
                        "proxy-ssl-secret", "other-ca", "proxy-ssl-verify", "on", "proxy-ssl-name", "web.internal"))
                + NginxIngresses.ingress("unverified", "unverified.localhost", "web", Map.of("backend-protocol",
                        "HTTPS", "proxy-ssl-secret", "other-ca", "proxy-ssl-name", "web.internal"))
                + NginxIngresses.ingress("missing", "missing.localhost", "web", Map.of("backend-protocol", "HTTPS",
                        "proxy-ssl-secret", "nowhere", "proxy-ssl-verify", "on", "proxy-ssl-name", "web.internal"))
                + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: passthrough
                  annotations: {nginx.ingress.kubernetes.io/ssl-passthrough: "true"}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: pass.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: passed, port: {number: 80}}}}
                      - {path: /web, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """;
        Files.writeString(dir.resolve("world.yaml"), yaml);
        loaded = local.reload();
    }

    private static SSLContext serverContext(TestPki.Issued certificate) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", certificate.keys().getPrivate(), "x".toCharArray(),
                new X509Certificate[] {certificate.certificate(), PKI.ca()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
        proxy.close();
        endpoint.stop(0);
        passthrough.close();
        app.close();
    }

    private static HttpResponse<String> get(String host, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theFolderIsServedAndOnlyTheMissingCaIsReported() {
        assertThat(loaded.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(loaded.messages()).anySatisfy(m -> assertThat(m).contains("Ingress/default/missing")
                .contains("proxy-ssl-secret"));
        assertThat(loaded.messages()).noneMatch(m -> m.contains("Ingress/default/verified")
                || m.contains("Ingress/default/wrongca") || m.contains("Ingress/default/passthrough"));
    }

    @Test
    void proxySslVerifyOnWithTheSecretsCaReachesTheEndpointWithTheNameAsSni() throws Exception {
        HttpResponse<String> r = get("verified.localhost", "/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("sni=web.internal");
    }

    @Test
    void anEndpointTheSecretsCaDidNotSignIsNeverAsked() throws Exception {
        int before = SERVED.get();
        HttpResponse<String> r = get("wrongca.localhost", "/");

        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(SERVED.get()).isEqualTo(before);
    }

    @Test
    void withoutProxySslVerifyTheEndpointIsNotVerified() throws Exception {
        HttpResponse<String> r = get("unverified.localhost", "/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("sni=web.internal");
    }

    @Test
    void aMissingProxySslSecretFailsClosedWith503() throws Exception {
        int before = SERVED.get();

        assertThat(get("missing.localhost", "/").statusCode()).isEqualTo(503);
        assertThat(SERVED.get()).isEqualTo(before);
    }

    @Test
    void sslPassthroughSplicesTheTlsConnectionToTheBackendThatTerminatesIt() throws Exception {
        try (SSLSocket s = (SSLSocket) PKI.clientContext(null).getSocketFactory().createSocket("127.0.0.1",
                proxy.httpsPort())) {
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName("pass.test")));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.setSoTimeout(5000);
            s.getOutputStream().write("echo me\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));

            assertThat(r.readLine()).as("the backend's greeting").isEqualTo("passed");
            assertThat(r.readLine()).isEqualTo("echo me");
            X509Certificate seen = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertThat(seen.getSubjectX500Principal().getName()).as("the backend's own certificate")
                    .contains("CN=pass.test");
        }
    }

    @Test
    void plainHttpOfAPassthroughHostIsStillRoutedByItsPaths() throws Exception {
        HttpResponse<String> r = get("pass.test", "/web/page");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(r.body())).containsEntry("backend", "app").containsEntry("uri", "/web/page");
    }
}
