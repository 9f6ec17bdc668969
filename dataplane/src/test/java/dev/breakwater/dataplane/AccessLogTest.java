package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.dataplane.testing.WebSocketEchoBackend;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access log of a real data plane: requests over real sockets (plain and TLS) to a real backend, each line read
 * from the output the data plane writes, parsed, and every field checked against what was sent.
 */
class AccessLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestPki pki = TestPki.create("Access log CA");
    private final Lines lines = new Lines();
    private TestBackend backend;
    private DataPlane proxy;

    @BeforeEach
    void startBackend() {
        backend = TestBackend.start("app");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        backend.close();
    }

    private void serve(AccessLogConfig config, ProxyConfig proxyConfig) throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .config(proxyConfig).accessLog(config).accessLogOutput(lines).build().start();
        proxy.apply(Tables.builder().cluster("app", backend)
                .route("a.example.com", PathMatch.prefix("/quiet"), RouteAction.Forward.to("app"),
                        RoutePolicy.builder().accessLog(false).build())
                .prefix("a.example.com", "/", "app")
                .build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
    }

    @Test
    void aTlsRequestLeavesOneJsonLineWithEveryFieldAndNoCredential() throws Exception {
        serve(AccessLogConfig.DEFAULTS, ProxyConfig.defaults().withTrustForwardedHeaders(true));
        SSLSocket s = (SSLSocket) TestPki.trustAll().getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort());
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"http/1.1"});
        p.setServerNames(List.of(new SNIHostName("a.example.com")));
        s.setSSLParameters(p);
        s.startHandshake();
        String tlsVersion = s.getSession().getProtocol();
        String cipher = s.getSession().getCipherSuite();
        Instant before = Instant.now();
        int bodyLength;
        try (RawHttp raw = new RawHttp(s)) {
            RawHttp.Response r = raw.send("POST /shop/cart?item=7&access_token=s3cr3t&X-Amz-Signature=abcdef "
                    + "HTTP/1.1\r\nHost: a.example.com\r\nContent-Length: 5\r\nX-Request-ID: req-42\r\n"
                    + "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
                    + "X-Forwarded-For: 203.0.113.9\r\nUser-Agent: curl/8.5 \"quoted\"\r\n"
                    + "Referer: https://shop.example/list?page=2&token=reftoken\r\n"
                    + "Authorization: Bearer authsecret\r\nCookie: session=cookiesecret\r\n\r\nhello").read(false);
            assertThat(r.status()).isEqualTo(200);
            bodyLength = r.body().length;
        }

        String line = lines.next();
        JsonNode j = JSON.readTree(line);
        assertThat(line).doesNotContain("s3cr3t", "abcdef", "reftoken", "authsecret", "cookiesecret")
                .doesNotContain("\n");
        assertThat(Instant.parse(j.get("time").asText())).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(j.get("request_id").asText()).isEqualTo("req-42");
        assertThat(j.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(j.get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(j.get("forwarded_for").asText()).isEqualTo("203.0.113.9");
        assertThat(j.get("kind").asText()).isEqualTo("http");
        assertThat(j.get("method").asText()).isEqualTo("POST");
        assertThat(j.get("scheme").asText()).isEqualTo("https");
        assertThat(j.get("host").asText()).isEqualTo("a.example.com");
        assertThat(j.get("path").asText()).isEqualTo("/shop/cart");
        assertThat(j.get("query").asText()).isEqualTo("item=7&access_token=REDACTED&X-Amz-Signature=REDACTED");
        assertThat(j.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(j.get("status").asInt()).isEqualTo(200);
        assertThat(j.get("bytes_received").asLong()).isEqualTo(5);
        assertThat(j.get("bytes_sent").asLong()).isEqualTo(bodyLength);
        assertThat(j.get("duration_ms").asDouble()).isPositive();
        assertThat(j.get("upstream_address").asText()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(j.get("upstream_status").asInt()).isEqualTo(200);
        assertThat(j.get("upstream_connect_ms").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(j.get("upstream_header_ms").asDouble()).isPositive()
                .isLessThanOrEqualTo(j.get("duration_ms").asDouble());
        assertThat(j.get("attempts").asInt()).isEqualTo(1);
        assertThat(j.get("route").asText()).isEqualTo("a.example.com/#1");
        assertThat(j.get("route_source").asText()).isEqualTo("test");
        assertThat(j.get("cache_status").isNull()).isTrue();
        assertThat(j.get("tls_version").asText()).isEqualTo(tlsVersion);
        assertThat(j.get("tls_cipher").asText()).isEqualTo(cipher);
        assertThat(j.get("tls_server_name").asText()).isEqualTo("a.example.com");
        assertThat(j.get("user_agent").asText()).isEqualTo("curl/8.5 \"quoted\"");
        assertThat(j.get("referer").asText()).isEqualTo("https://shop.example/list?page=2&token=REDACTED");
        assertThat(names(j)).containsExactly("time", "request_id", "trace_id", "client_address", "forwarded_for",
                "kind", "method", "scheme", "host", "path", "query", "protocol", "status", "bytes_received",
                "bytes_sent", "duration_ms", "upstream_address", "upstream_status", "upstream_connect_ms",
                "upstream_header_ms", "attempts", "route", "route_source", "cache_status", "tls_version",
                "tls_cipher", "tls_server_name", "user_agent", "referer");
    }

    @Test
    void plainHttpWithoutRouteOrUpstreamLeavesNullsNotGuesses() throws Exception {
        serve(AccessLogConfig.DEFAULTS, ProxyConfig.defaults());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("GET /nowhere HTTP/1.1\r\nHost: unknown.example\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(404);
            JsonNode j = JSON.readTree(lines.next());
            assertThat(j.get("status").asInt()).isEqualTo(404);
            assertThat(j.get("bytes_sent").asLong()).isEqualTo(r.body().length);
            assertThat(j.get("request_id").asText()).isEqualTo(r.header("x-request-id"));
            assertThat(j.get("scheme").asText()).isEqualTo("http");
            assertThat(j.get("host").asText()).isEqualTo("unknown.example");
            assertThat(j.get("forwarded_for").isNull()).isTrue();
            for (String f : List.of("trace_id", "query", "upstream_address", "upstream_status", "upstream_connect_ms",
                    "upstream_header_ms", "route", "route_source", "tls_version", "tls_cipher", "tls_server_name",
                    "user_agent", "referer")) {
                assertThat(j.get(f).isNull()).as(f).isTrue();
            }
            assertThat(j.get("attempts").asInt()).isZero();
        }
    }

    @Test
    void theJsonBytesSentIsTheBodyTheClientGot() throws Exception {
        serve(AccessLogConfig.DEFAULTS, ProxyConfig.defaults());
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.httpPort() + "/a")).header("Host", "a.example.com").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode j = JSON.readTree(lines.next());
        assertThat(j.get("status").asInt()).isEqualTo(r.statusCode()).isEqualTo(200);
        assertThat(j.get("bytes_sent").asLong()).isEqualTo(r.body().length).isPositive();
        assertThat(j.get("user_agent").asText()).startsWith("Java-http-client");
    }

    @Test
    void aRouteWithAccessLogOffWritesNoLine() throws Exception {
        serve(AccessLogConfig.DEFAULTS, ProxyConfig.defaults());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET /quiet/x HTTP/1.1\r\nHost: a.example.com\r\n\r\n").read(false).status())
                    .isEqualTo(200);
            assertThat(raw.send("GET /loud HTTP/1.1\r\nHost: a.example.com\r\n\r\n").read(false).status())
                    .isEqualTo(200);
        }
        // one writer, in order: had the first request been logged, its line would come first
        String line = lines.next();
        assertThat(JSON.readTree(line).get("path").asText()).as(line).isEqualTo("/loud");
        proxy.close();
        proxy = null;
        assertThat(lines.rest()).isEmpty();
    }

    @Test
    void aSampleOfZeroWritesNothingAndTheCountersSaySo() throws Exception {
        serve(AccessLogConfig.DEFAULTS.withSample(0), ProxyConfig.defaults());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            for (int i = 0; i < 20; i++) {
                assertThat(raw.send("GET /s HTTP/1.1\r\nHost: a.example.com\r\n\r\n").read(false).status())
                        .isEqualTo(200);
            }
        }
        assertThat(proxy.metrics().scrape()).contains("breakwater_access_log_lines_total 0.0")
                .contains("breakwater_access_log_dropped_total 0.0");
        proxy.close();
        proxy = null;
        assertThat(lines.rest()).isEmpty();
    }

    @Test
    void theTextFormatIsNginxCombinedThenTheProxysFields() throws Exception {
        serve(AccessLogConfig.DEFAULTS.withFormat(AccessLogConfig.Format.TEXT), ProxyConfig.defaults());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("GET /t?q=1&password=hunter2 HTTP/1.1\r\nHost: a.example.com\r\n"
                    + "User-Agent: Mozilla/5.0\r\nX-Request-ID: text-1\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(200);
            String line = lines.next();
            Pattern combined = Pattern.compile("127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} "
                    + "\\+0000] \"GET /t\\?q=1&password=REDACTED HTTP/1\\.1\" 200 " + r.body().length
                    + " \"-\" \"Mozilla/5\\.0\" 0 \\d+\\.\\d{3} \\[a\\.example\\.com/#1] 127\\.0\\.0\\.1:" + backend.port()
                    + " \\d+\\.\\d{3} 200 text-1");
            assertThat(line).matches(combined);
        }
        System.gc(); // Micrometer holds a function counter's state weakly: the count must survive a collection
        assertThat(proxy.metrics().scrape()).contains("breakwater_access_log_lines_total 1.0")
                .doesNotContain("breakwater_ratelimit_keys NaN");
    }

    @Test
    void aWebSocketLeavesOneLineWhenItsTunnelCloses() throws Exception {
        try (WebSocketEchoBackend echo = new WebSocketEchoBackend()) {
            proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                    .accessLog(AccessLogConfig.DEFAULTS).accessLogOutput(lines).build().start();
            proxy.apply(Tables.builder().cluster("ws", Endpoint.ready("127.0.0.1", echo.port()))
                    .route("*", PathMatch.prefix("/"), RouteAction.Forward.to("ws"), null).build());
            CompletableFuture<String> echoed = new CompletableFuture<>();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + proxy.httpPort() + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            echoed.complete(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                            closed.complete(status);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("echo: hi");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);

            JsonNode j = JSON.readTree(lines.next());
            assertThat(j.get("kind").asText()).isEqualTo("websocket");
            assertThat(j.get("status").asInt()).isEqualTo(101);
            assertThat(j.get("upstream_status").asInt()).isEqualTo(101);
            assertThat(j.get("upstream_address").asText()).isEqualTo("127.0.0.1:" + echo.port());
            assertThat(j.get("path").asText()).isEqualTo("/ws");
            assertThat(j.get("query").isNull()).isTrue();
            assertThat(j.get("method").asText()).isEqualTo("GET");
            proxy.close();
            proxy = null;
            assertThat(lines.rest()).as("one line for the whole tunnel").isEmpty();
        }
    }

    private static List<String> names(JsonNode j) {
        List<String> out = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** What the data plane writes, cut into lines as they come. */
    private static final class Lines extends OutputStream {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                queue.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            } else {
                partial.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        /** The next line; waits for the writer (up to 10 s, then fails). */
        String next() throws InterruptedException {
            String line = queue.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("an access-log line").isNotNull();
            return line;
        }

        /** Lines left (call once the data plane is closed: its writer has written everything). */
        List<String> rest() {
            List<String> out = new java.util.ArrayList<>();
            queue.drainTo(out);
            return out;
        }
    }
}
