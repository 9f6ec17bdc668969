package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Controller ConfigMap keys whose compiler fixtures had no twin through a data plane, in local mode
 * ({@code --configmap}) with the JDK's HTTP client and a raw socket: {@code enable-real-ip} with
 * {@code forwarded-for-header}, {@code compute-full-forwarded-for} and {@code proxy-real-ip-cidr};
 * {@code upstream-keepalive-connections: "0"}; {@code keep-alive}; and the keys whose value is what Breakwater does
 * ({@code server-tokens: "false"}, {@code allow-snippet-annotations: "false"}, {@code ssl-protocols}), read without a
 * word.
 */
class LocalModeClientKeysTest {

    @TempDir
    Path dir;
    private TestBackend app;
    private AuthServer counter;
    private DataPlane proxy;
    private LocalMode local;
    private LocalMode.Reload loaded;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        counter = AuthServer.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap("ingress-nginx/ingress-nginx-controller"), reported::add);
        String yaml = LocalManifests.service("app", app.port()) + "---\n"
                + LocalManifests.service("counter", counter.port()) + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                  enable-real-ip: "true"
                  forwarded-for-header: X-Client-Chain
                  compute-full-forwarded-for: "true"
                  proxy-real-ip-cidr: 127.0.0.0/8
                  upstream-keepalive-connections: "0"
                  keep-alive: "1"
                  server-tokens: "false"
                  allow-snippet-annotations: "false"
                  ssl-protocols: TLSv1.2 TLSv1.3
                """ + ingress("app", "app") + ingress("counter", "counter");
        Files.writeString(dir.resolve("app.yaml"), yaml);
        loaded = local.reload();
    }

    private static String ingress(String name, String service) {
        return """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: %1$s}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: %1$s.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: %2$s, port: {number: 80}}}}
                """.formatted(name, service);
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        counter.close();
        app.close();
    }

    private HttpResponse<String> get(String host, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theKeysAreReadWithoutAWord() {
        assertThat(loaded.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(loaded.messages()).isEmpty();
    }

    @Test
    void enableRealIpTakesTheClientFromForwardedForHeaderAndComputeFullForwardedForAppendsThePeer() throws Exception {
        HttpResponse<String> r = get("app.localhost", "X-Client-Chain", "198.51.100.9, 203.0.113.7",
                "X-Forwarded-Proto", "https");

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> seen = TestBackend.parse(r.body());
        assertThat(seen).as("the rightmost address not in proxy-real-ip-cidr")
                .containsEntry("header.x-real-ip", "203.0.113.7")
                .as("enable-real-ip alone replaces the other forwarded headers")
                .containsEntry("header.x-forwarded-proto", "http");
        assertThat(seen.get("header.x-forwarded-for")).as("the peer appended").endsWith("127.0.0.1");
    }

    @Test
    void serverTokensFalseAddsNoServerHeader() throws Exception {
        HttpResponse<String> r = get("app.localhost");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("server")).isEmpty();
    }

    @Test
    void upstreamKeepaliveConnectionsZeroKeepsNoIdleConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get("counter.localhost", "Cookie", "_oauth2_proxy=valid-jo").statusCode()).isEqualTo(202);
        }

        assertThat(counter.seen()).hasSize(3);
        assertThat(counter.connections()).as("a new connection for each request").isEqualTo(3);
    }

    @Test
    void keepAliveClosesAnIdleClientConnectionAfterItsSeconds() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: app.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }

            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            assertThat(n).as("closed by the proxy once idle for keep-alive's 1 s, before the 10 s read timeout")
                    .isEqualTo(-1);
        }
    }
}
