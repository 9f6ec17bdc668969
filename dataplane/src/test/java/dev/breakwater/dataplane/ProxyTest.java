package dev.breakwater.dataplane;

import dev.breakwater.dataplane.settings.ProxyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestBackend a;
    private TestBackend b;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .config(ProxyConfig.defaults().withResponseTimeout(Duration.ofMillis(800))
                        .withMaxRequestBodyBytes(32L << 20))
                .build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        a.close();
        b.close();
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesByHostAndPathToTheRightBackend() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).cluster("b", b)
                .prefix("a.example.com", "/", "a").prefix("b.example.com", "/", "b")
                .prefix("*.example.com", "/", "b").build());

        assertThat(get("a.example.com", "/x").headers().firstValue("x-backend")).hasValue("a");
        assertThat(get("b.example.com:8080", "/x").headers().firstValue("x-backend")).hasValue("b");
        assertThat(get("other.example.com", "/x").headers().firstValue("x-backend")).hasValue("b");
        assertThat(get("A.Example.COM", "/x").headers().firstValue("x-backend")).hasValue("a");
        // each relayed request's latency added by the proxy (its duration minus the answering attempt's)
        assertThat(proxy.metrics().scrape()).containsPattern("breakwater_request_added_latency_seconds_count 4(\\.0)?\\R")
                .contains("breakwater_request_added_latency_seconds_bucket{le=\"0.005\"}");
    }

    @Test
    void answers404WhenNoRouteMatchesWithTheRequestId() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).exact("a.example.com", "/only", "a").build());

        HttpResponse<String> r = get("a.example.com", "/other");

        assertThat(r.statusCode()).isEqualTo(404);
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(r.body()).contains("404 Not Found").contains("request-id: " + id);
        assertThat(get("nobody.example.com", "/only").statusCode()).isEqualTo(404);
    }

    @Test
    void answers404BeforeAnyTable() throws Exception {
        assertThat(get("a.example.com", "/").statusCode()).isEqualTo(404);
    }

    @Test
    void answers503WhenNoEndpointIsReady() throws Exception {
        proxy.apply(Tables.builder()
                .cluster("none", new Endpoint("127.0.0.1", a.port(), 1, null, false, false, false))
                .prefix("a.example.com", "/", "none").build());

        HttpResponse<String> r = get("a.example.com", "/");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("no ready endpoint");
        assertThat(a.requests()).isZero();
    }

    @Test
    void servingTerminatingEndpointsServeOnlyWhenNoReadyOneIsLeft() throws Exception {
        Endpoint terminatingA = new Endpoint("127.0.0.1", a.port(), 1, null, false, true, true);
        proxy.apply(Tables.builder()
                .cluster("c", terminatingA, Endpoint.ready("127.0.0.1", b.port()))
                .cluster("t", terminatingA)
                .prefix("c.example.com", "/", "c").prefix("t.example.com", "/", "t").build());

        for (int i = 0; i < 6; i++) {
            assertThat(get("c.example.com", "/").headers().firstValue("x-backend")).hasValue("b");
        }
        assertThat(get("t.example.com", "/").headers().firstValue("x-backend")).hasValue("a");
    }

    @Test
    void answersFixedResponsesOfTheTable() throws Exception {
        proxy.apply(Tables.builder().route("a.example.com", PathMatch.prefix("/"),
                new RouteAction.FixedResponse(503, "backend unavailable\n"), null).build());

        HttpResponse<String> r = get("a.example.com", "/");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("backend unavailable");
    }

    @Test
    void triesAnotherEndpointWhenConnectFailsThen502() throws Exception {
        int dead = deadPort();
        proxy.apply(Tables.builder()
                .cluster("mixed", Endpoint.ready("127.0.0.1", dead), Endpoint.ready("127.0.0.1", a.port()))
                .cluster("dead", Endpoint.ready("127.0.0.1", dead))
                .prefix("mixed.example.com", "/", "mixed").prefix("dead.example.com", "/", "dead").build());

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = get("mixed.example.com", "/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-backend")).hasValue("a");
        }
        HttpResponse<String> r = get("dead.example.com", "/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("could not connect");
        assertThat(proxy.metrics().scrape()).contains("breakwater_upstream_errors_total{cluster=\"dead\",kind=\"connect\"}");
    }

    @Test
    void answers504WhenTheEndpointIsTooSlow() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());

        HttpResponse<String> r = get("a.example.com", "/slow/3000");

        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("did not answer in time");
        assertThat(get("a.example.com", "/slow/100").statusCode()).isEqualTo(200);
    }

    @Test
    void routePolicyOverridesTheResponseTimeout() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a)
                .route("a.example.com", PathMatch.prefix("/"), RouteAction.Forward.to("a"),
                        RoutePolicy.builder().responseTimeoutMillis(3000L).build()).build());

        assertThat(get("a.example.com", "/slow/1200").statusCode()).isEqualTo(200);
    }

    @Test
    void setsForwardedHeadersAndKeepsHostAndAValidRequestId() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.httpPort() + "/p?q=1"))
                .header("Host", "a.example.com:8443")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Request-Id", "abc-123_x.y")
                .header("Connection", "keep-alive, X-Secret-Hop")
                .header("X-Secret-Hop", "must not pass")
                .header("Keep-Alive", "timeout=5")
                .header("Proxy-Connection", "keep-alive")
                .header("X-Custom", "kept").build(), HttpResponse.BodyHandlers.ofString());

        Map<String, String> seen = TestBackend.parse(r.body());
        assertThat(seen).containsEntry("uri", "/p?q=1")
                .containsEntry("header.host", "a.example.com:8443")
                .containsEntry("header.x-forwarded-for", "127.0.0.1")
                .containsEntry("header.x-real-ip", "127.0.0.1")
                .containsEntry("header.x-forwarded-proto", "http")
                .containsEntry("header.x-forwarded-host", "a.example.com:8443")
                .containsEntry("header.x-forwarded-port", Integer.toString(proxy.httpPort()))
                .containsEntry("header.x-request-id", "abc-123_x.y")
                .containsEntry("header.x-custom", "kept")
                .doesNotContainKeys("header.x-secret-hop", "header.keep-alive", "header.proxy-connection");
    }

    @Test
    void replacesAnInvalidRequestIdAndGeneratesOneWhenMissing() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());

        String generated = TestBackend.parse(get("a.example.com", "/").body()).get("header.x-request-id");
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", "a.example.com").header("X-Request-Id", "bad id;<script>").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(generated).matches("[0-9a-f]{32}");
        assertThat(TestBackend.parse(r.body()).get("header.x-request-id")).matches("[0-9a-f]{32}");
    }

    @Test
    void streamsLargeRequestBodiesBothFramings() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
        byte[] body = new byte[20 << 20];
        new Random(7).nextBytes(body);
        String expected = "sha256=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body))
                + "\nlength=" + body.length + "\n";
        URI uri = URI.create("http://127.0.0.1:" + proxy.httpPort() + "/sha256");

        HttpResponse<String> fixed = client.send(HttpRequest.newBuilder(uri).header("Host", "a.example.com")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(uri).header("Host", "a.example.com")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(fixed.body()).isEqualTo(expected);
        assertThat(chunked.body()).isEqualTo(expected);
    }

    @Test
    void streamsLargeResponses() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());

        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.httpPort() + "/bytes/" + (50 << 20)))
                .header("Host", "a.example.com").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(50 << 20);
        assertThat(r.body()[16384 + 3]).isEqualTo((byte) 'd');
    }

    @Test
    void echoesABodyWhileItIsStillBeingSent() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
        byte[] body = new byte[8 << 20];
        new Random(3).nextBytes(body);

        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.httpPort() + "/echo")).header("Host", "a.example.com")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void answersExpectContinueThenForwardsTheBody() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("POST /sha256 HTTP/1.1\r\nHost: a.example.com\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(100);
            raw.send("hello");
            RawHttp.Response r = raw.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).contains("length=5");
        }
    }

    @Test
    void refusesExpectContinueForABodyOverTheLimitAndUnknownExpectations() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("POST / HTTP/1.1\r\nHost: a.example.com\r\nContent-Length: " + (64L << 20)
                    + "\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(413);
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("GET / HTTP/1.1\r\nHost: a.example.com\r\nExpect: teapot\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(417);
        }
        assertThat(a.requests()).isZero();
    }

    @Test
    void answersHeadWithoutABody() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("HEAD /x HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
            RawHttp.Response head = raw.read(true);
            raw.send("GET /x HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
            RawHttp.Response get = raw.read();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.bodyText()).contains("method=GET");
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).cluster("b", b)
                .prefix("a.example.com", "/", "a").prefix("b.example.com", "/", "b").build());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("GET /slow/200 HTTP/1.1\r\nHost: a.example.com\r\n\r\n"
                    + "POST /sha256 HTTP/1.1\r\nHost: b.example.com\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /missing HTTP/1.1\r\nHost: nowhere.example.com\r\n\r\n"
                    + "GET /third HTTP/1.1\r\nHost: b.example.com\r\n\r\n");
            List<RawHttp.Response> r = raw.read(4);

            assertThat(r.get(0).bodyText()).contains("backend=a", "uri=/slow/200");
            assertThat(r.get(1).bodyText()).contains("length=3");
            assertThat(r.get(2).status()).isEqualTo(404);
            assertThat(r.get(3).bodyText()).contains("backend=b", "uri=/third");
        }
    }

    @Test
    void enforcesRequestLineHeaderAndBodyLimits() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("GET /" + "x".repeat(9000) + " HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(414);
            assertThat(raw.closedByPeer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("GET / HTTP/1.1\r\nHost: a.example.com\r\nX-Big: " + "y".repeat(17000) + "\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(431);
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("POST / HTTP/1.1\r\nHost: a.example.com\r\nContent-Length: " + (33L << 20) + "\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("connection")).isEqualTo("close");
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("POST /sha256 HTTP/1.1\r\nHost: a.example.com\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("100000\r\n" + "z".repeat(0x100000) + "\r\n").getBytes();
            int status = 0;
            try {
                for (int i = 0; i < 40; i++) {
                    raw.send(chunk);
                }
                raw.send("0\r\n\r\n");
                status = raw.read().status();
            } catch (java.io.IOException closedEarly) {
                status = 413; // the proxy may close before it reads everything; the answer was already sent
            }
            assertThat(status).isIn(413);
        }
    }

    @Test
    void aClientTooSlowToSendItsRequestHeadGets408() throws Exception {
        try (DataPlane strict = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .config(ProxyConfig.defaults().withRequestHeaderTimeout(Duration.ofMillis(300))).build().start()) {
            strict.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
            try (RawHttp raw = new RawHttp(strict.httpPort())) {
                // a head in two parts, well within the timeout, then an idle keep-alive pause longer than it
                raw.send("GET /one HTTP/1.1\r\nHost: a.exa");
                Thread.sleep(100);
                raw.send("mple.com\r\n\r\n");
                assertThat(raw.read().status()).isEqualTo(200);
                Thread.sleep(500);
                raw.send("GET /two HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
                assertThat(raw.read().status()).as("idle between requests is not a slow head").isEqualTo(200);

                raw.send("GET /three HTTP/1.1\r\nHost: a.ex"); // ...and nothing more
                RawHttp.Response r = raw.read();
                assertThat(r.status()).isEqualTo(408);
                assertThat(r.header("connection")).isEqualTo("close");
                assertThat(raw.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void requiresAHostForHttp11AndServesHttp10ClientsWithCloseDelimitedBodies() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("*", "/", "a").build());
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("GET / HTTP/1.1\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(400);
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("GET /bytes/100000 HTTP/1.0\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("transfer-encoding")).isNull();
            assertThat(r.body()).hasSize(100000);
        }
    }

    @Test
    void reusesUpstreamConnections() throws Exception {
        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build());
        for (int i = 0; i < 20; i++) {
            assertThat(get("a.example.com", "/").statusCode()).isEqualTo(200);
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            for (int i = 0; i < 20; i++) {
                raw.send("GET /n" + i + " HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
                assertThat(raw.read().status()).isEqualTo(200);
            }
        }
        assertThat(a.requests()).isEqualTo(40);
    }

    @Test
    void adminEndpointsReportHealthReadinessMetricsAndTable() throws Exception {
        String admin = "http://127.0.0.1:" + proxy.adminPort();
        assertThat(status(admin + "/healthz")).isEqualTo(200);
        assertThat(status(admin + "/readyz")).isEqualTo(503);

        proxy.apply(Tables.builder().cluster("a", a).prefix("a.example.com", "/", "a").build().withVersion(7));
        get("a.example.com", "/");

        assertThat(status(admin + "/readyz")).isEqualTo(200);
        String metrics = body(admin + "/metrics");
        assertThat(metrics).contains("breakwater_table_version 7.0")
                .contains("breakwater_requests_total{route=\"a.example.com/#0\",status=\"200\"} 1.0")
                .contains("breakwater_request_duration_seconds_bucket")
                .contains("breakwater_downstream_connections_active");
        assertThat(body(admin + "/table")).contains("\"version\" : 7").contains("a.example.com");
    }

    private int status(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String body(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
