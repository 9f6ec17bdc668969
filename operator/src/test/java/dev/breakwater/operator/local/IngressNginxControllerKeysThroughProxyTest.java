package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.Blackhole;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys of ingress-nginx's controller ConfigMap through a real data plane (local mode with {@code --configmap}) and
 * real clients, each warned where Breakwater does otherwise and then doing what the warning says:
 * {@code gzip-level} (gzip at level 6 all the same), {@code brotli-types} (brotli for the types of
 * {@code gzip-types}), {@code client-body-timeout} and {@code proxy-request-buffering} (a body that pauses is
 * streamed to the backend as it arrives, never timed out), {@code ssl-session-cache-size} (sessions resume from the
 * cache), {@code ssl-session-ticket-key} (no tickets issued, sessions resume from the cache; a bad key an error),
 * and the defaults of every
 * Ingress {@code force-ssl-redirect}, {@code load-balance} and {@code proxy-connect-timeout}.
 */
class IngressNginxControllerKeysThroughProxyTest {

    private static final TestPki PKI = TestPki.create("ingress-nginx controller keys test CA");
    private static final String REF = "ingress-nginx/ingress-nginx-controller";

    @TempDir
    Path dir;
    private TestBackend app;
    private AuthServer counter;
    private TestBackend app2;
    private Blackhole hole;
    private DataPlane proxy;
    private LocalMode local;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        counter = AuthServer.start(); // answers 202 to the cookie below, and counts connections
        app2 = TestBackend.start("app-2");
        hole = Blackhole.open();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1).build()
                .start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), m -> { });
        TestPki.Issued cert = PKI.server("secure.test");
        Files.writeString(dir.resolve("app.yaml"), LocalManifests.service("app", app.port())
                + "---\n" + LocalManifests.service("counter", counter.port())
                + """
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: secure-tls}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                """.formatted(cert.chainPem().strip().indent(4).stripTrailing(),
                        cert.keyPem().strip().indent(4).stripTrailing())
                + NginxIngresses.ingress("secure", "secure.test", "app", Map.of("ssl-redirect", "false"),
                        "tls: [{hosts: [secure.test], secretName: secure-tls}]\n")
                + NginxIngresses.ingress("shop", "shop.localhost", "app", Map.of())
                + NginxIngresses.ingress("pooled", "pooled.localhost", "counter", Map.of("force-ssl-redirect", "false"))
                + "---\n" + LocalManifests.service("hole", hole.port())
                + NginxIngresses.ingress("hole", "hole.localhost", "hole", Map.of())
                + """
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-2, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(app2.port()));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        counter.close();
        app.close();
        app2.close();
        hole.close();
    }

    /** Writes the controller ConfigMap, reads the folder again and gives what it reported of the ConfigMap. */
    private List<String> configMap(String data) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                """ + data.indent(2));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isIn(LocalMode.Outcome.APPLIED, LocalMode.Outcome.UNCHANGED);
        return reload.messages().stream().filter(m -> m.contains("ConfigMap/" + REF)).toList();
    }

    private HttpResponse<byte[]> get(String host, String acceptEncoding) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/page"))
                .header("Host", host).header("X-Pad", "p".repeat(600)).header("Accept-Encoding", acceptEncoding)
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertThat(condition.getAsBoolean()).as("within 5 s").isTrue();
    }

    @Test
    void gzipLevelOtherThan6IsAWarningAndResponsesAreGzippedAllTheSame() throws Exception {
        assertThat(configMap("use-gzip: \"true\"\ngzip-level: \"6\"\n")).noneMatch(m -> m.contains("gzip-level"));
        List<String> warned = configMap("use-gzip: \"true\"\ngzip-level: \"9\"\n");
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("data['gzip-level']").contains("6"));

        HttpResponse<byte[]> r = get("shop.localhost", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(TestBackend.parse(body)).containsKey("backend").containsEntry("uri", "/page");
        assertThat(r.body().length).as("compressed").isLessThan(body.length());
    }

    @Test
    void brotliTypesOtherThanGzipTypesIsAWarningAndBrotliFollowsGzipTypes() throws Exception {
        List<String> warned = configMap("""
                enable-brotli: "true"
                gzip-types: text/plain
                brotli-types: application/json
                """);
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("data['brotli-types']")
                .contains("for the types gzip-types gives"));
        assertThat(get("shop.localhost", "br").headers().firstValue("content-encoding"))
                .as("text/plain is in gzip-types: brotli, whatever brotli-types says").hasValue("br");

        warned = configMap("""
                enable-brotli: "true"
                gzip-types: application/json
                brotli-types: text/plain
                """);
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("data['brotli-types']"));
        HttpResponse<byte[]> plain = get("shop.localhost", "br");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("content-encoding")).as("text/plain is not in gzip-types").isEmpty();
        assertThat(TestBackend.parse(new String(plain.body(), StandardCharsets.UTF_8))).containsKey("backend");
    }

    @Test
    void clientBodyTimeoutAndProxyRequestBufferingAreWarnedAndAPausingBodyStreamsToTheBackend() throws Exception {
        List<String> warned = configMap("client-body-timeout: \"1\"\nproxy-request-buffering: \"on\"\n");
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("data['client-body-timeout']")
                .contains("no timeout of its own"));
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("data['proxy-request-buffering']"));

        int before = app.requests();
        try (RawHttp http = new RawHttp(proxy.httpPort())) {
            http.send("POST /sha256 HTTP/1.1\r\nHost: shop.localhost\r\nContent-Length: 10\r\n\r\nhello");
            Thread.sleep(2_000); // twice client-body-timeout
            RawHttp.Response r = http.send(" body").read();

            assertThat(r.status()).as("no 408").isEqualTo(200);
            assertThat(r.bodyText()).contains("length=10");
        }
    }

    /** Whether openssl s_client resumes, in TLS 1.2, the session of a first connection; and its first output. */
    private String[] tls12Twice() throws Exception {
        Path sess = dir.resolve("session.pem");
        Process first = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.httpsPort(),
                "-servername", "secure.test", "-tls1_2", "-sess_out", sess.toString(), "-ign_eof")
                .redirectErrorStream(true).start();
        first.getOutputStream().write("GET / HTTP/1.1\r\nHost: secure.test\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        first.getOutputStream().close();
        String one = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        first.waitFor();
        Process second = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.httpsPort(),
                "-servername", "secure.test", "-tls1_2", "-sess_in", sess.toString()).redirectErrorStream(true)
                .start();
        second.getOutputStream().close();
        String two = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        second.waitFor();
        return new String[] {one, two};
    }

    @Test
    void sslSessionCacheSizeIsWarnedAndSessionsResumeFromTheCache() throws Exception {
        List<String> warned = configMap("ssl-session-cache-size: 10m\n");
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("data['ssl-session-cache-size']")
                .contains("20000 sessions per certificate"));

        String[] runs = tls12Twice();
        assertThat(runs[0]).as("served").contains("HTTP/1.1 200");
        assertThat(runs[1].lines()).as("resumed").anyMatch(l -> l.startsWith("Reused,"));
    }

    @Test
    void sslSessionTicketKeyIsWarnedNoTicketIsIssuedAndSessionsResumeFromTheCache() throws Exception {
        String key = Base64.getEncoder().encodeToString(new byte[48]);
        List<String> warned = configMap("ssl-session-ticket-key: " + key + "\n");
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("data['ssl-session-ticket-key']")
                .contains("not applied"));

        String[] runs = tls12Twice();
        assertThat(runs[0]).contains("HTTP/1.1 200");
        assertThat(runs[1].lines()).as("resumed by the session id").anyMatch(l -> l.startsWith("Reused,"));

        assertThat(configMap("ssl-session-ticket-key: c2hvcnQ=\n")).anySatisfy(m -> assertThat(m)
                .contains("data['ssl-session-ticket-key']").contains("48 or 80 byte key"));
    }

    private void pooled() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", "pooled.localhost").header("Cookie", "_oauth2_proxy=valid-una").build();
        assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(202);
    }

    @Test
    void forceSslRedirectIsTheDefaultOfEveryIngressAndAnIngresssOwnWins() throws Exception {
        assertThat(configMap("force-ssl-redirect: \"true\"\n")).isEmpty();

        HttpResponse<byte[]> shop = get("shop.localhost", "identity");
        assertThat(shop.statusCode()).isEqualTo(308);
        assertThat(shop.headers().firstValue("location")).hasValue("https://shop.localhost/page");
        pooled(); // its own force-ssl-redirect: "false"
    }

    @Test
    void loadBalanceRoundRobinTakesEachEndpointInTurn() throws Exception {
        assertThat(configMap("load-balance: round_robin\n")).isEmpty();
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(TestBackend.parse(new String(get("shop.localhost", "identity").body(), StandardCharsets.UTF_8))
                    .get("backend"));
        }

        assertThat(seen).containsOnly("app", "app-2").filteredOn("app"::equals).hasSize(3);
    }

    @Test
    void proxyConnectTimeoutIsTheDefaultConnectTimeoutOfEveryIngress() throws Exception {
        assertThat(configMap("proxy-connect-timeout: \"1\"\n")).isEmpty();
        long start = System.nanoTime();
        HttpResponse<byte[]> r = get("hole.localhost", "identity");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.statusCode()).isIn(502, 503, 504);
        assertThat(millis).as("1 s per connect (and one retry), not the default 5 s").isBetween(900L, 4_000L);
    }
}
