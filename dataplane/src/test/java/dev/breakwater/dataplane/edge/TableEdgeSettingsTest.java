package dev.breakwater.dataplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.EdgeSettings;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.ForwardedHeaders;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SourceAllowlist;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The table's data-plane settings (the controller ConfigMap's) through a real data plane: raw requests from a peer
 * that acts as a load balancer, and what the endpoint read off its socket.
 */
class TableEdgeSettingsTest {

    private static RawBackend backend;
    private static DataPlane proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = RawBackend.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1).build()
                .start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    @BeforeEach
    void clear() {
        serve(new EdgeSettings(null, null, null, 0, null)); // closes the connections earlier tests left pooled
        backend.clear();
    }

    private static void serve(EdgeSettings settings) {
        RoutingTable table = Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .route("app.test", PathMatch.prefix("/admin"), RouteAction.Forward.to("raw"),
                        RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("203.0.113.0/24"))))
                .prefix("app.test", "/", "raw").build();
        proxy.apply(table.withSettings(settings));
    }

    private static EdgeSettings forwarded(boolean keepOthers, boolean append, String trusted) {
        return new EdgeSettings(new ForwardedHeaders(keepOthers, "X-Forwarded-For", append, List.of(trusted)),
                null, null, null, null);
    }

    private static RawHttp.Response get(String path, String... headerLines) throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: app.test\r\n" + String.join("", headerLines)
                    + "\r\n").read();
        }
    }

    @Test
    void fromATrustedPeerTheClientItNamesIsTheClientAndItsOtherHeadersAreKept() throws Exception {
        // use-forwarded-headers, proxy-real-ip-cidr 127.0.0.0/8 (the test's peer), no compute-full-forwarded-for
        serve(forwarded(true, false, "127.0.0.0/8"));

        RawHttp.Response admin = get("/admin", "X-Forwarded-For: 198.51.100.1, 203.0.113.5\r\n",
                "X-Forwarded-Proto: https\r\n", "X-Forwarded-Port: 443\r\n");

        assertThat(admin.status()).as("the allowlist reads the client the balancer named").isEqualTo(200);
        RawBackend.Received r = backend.received().get(0);
        assertThat(r.headers("X-Forwarded-For")).containsExactly("203.0.113.5");
        assertThat(r.header("X-Real-IP")).isEqualTo("203.0.113.5");
        assertThat(r.header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(r.header("X-Forwarded-Port")).isEqualTo("443");
    }

    @Test
    void computeFullForwardedForAppendsThePeerAndEnableRealIpReplacesTheOtherHeaders() throws Exception {
        // enable-real-ip with compute-full-forwarded-for
        serve(forwarded(false, true, "127.0.0.0/8"));

        get("/", "X-Forwarded-For: 203.0.113.5\r\n", "X-Forwarded-Proto: https\r\n");

        RawBackend.Received r = backend.received().get(0);
        assertThat(r.headers("X-Forwarded-For")).containsExactly("203.0.113.5, 127.0.0.1");
        assertThat(r.header("X-Real-IP")).isEqualTo("203.0.113.5");
        assertThat(r.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(r.header("X-Forwarded-Port")).isEqualTo(String.valueOf(proxy.httpPort()));
    }

    @Test
    void aPeerOutsideTheTrustedRangesIsTheClientAndItsHeadersAreReplaced() throws Exception {
        serve(forwarded(true, true, "10.0.0.0/8"));

        RawHttp.Response admin = get("/admin", "X-Forwarded-For: 203.0.113.5\r\n", "X-Forwarded-Proto: https\r\n");
        get("/", "X-Forwarded-For: 203.0.113.5\r\n", "X-Forwarded-Proto: https\r\n", "X-Real-IP: 203.0.113.5\r\n");

        assertThat(admin.status()).isEqualTo(403);
        RawBackend.Received r = backend.received().get(0);
        assertThat(r.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(r.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(r.header("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void theTablesHeaderLimitAppliesToConnectionsAcceptedAfterIt() throws Exception {
        String big = "X-Big: " + "a".repeat(20_000) + "\r\n";
        serve(EdgeSettings.NONE);
        assertThat(get("/", big).status()).as("the data plane's own 16 KiB").isEqualTo(431);

        serve(new EdgeSettings(null, null, 32768, null, null)); // large-client-header-buffers: 4 8k
        assertThat(get("/", big).status()).isEqualTo(200);
        assertThat(backend.received()).hasSize(1);
        assertThat(backend.received().get(0).header("X-Big")).hasSize(20_000);
    }

    @Test
    void theTablesIdleTimeoutClosesAnIdleClientConnection() throws Exception {
        serve(new EdgeSettings(null, 200L, null, null, null)); // keep-alive: a fraction of a second
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(raw.closedByPeer()).isTrue();
        }
        serve(EdgeSettings.NONE);
    }

    @Test
    void upstreamKeepaliveConnectionsZeroKeepsNoIdleUpstreamConnection() throws Exception {
        serve(EdgeSettings.NONE);
        int before = backend.connections();
        get("/one");
        get("/two");
        assertThat(backend.connections() - before).as("pooled: one connection for both").isEqualTo(1);

        serve(new EdgeSettings(null, null, null, 0, null)); // upstream-keepalive-connections: 0
        before = backend.connections();
        get("/three");
        get("/four");
        assertThat(backend.connections() - before).isEqualTo(2);
        assertThat(backend.received()).extracting(RawBackend.Received::target)
                .containsExactly("/one", "/two", "/three", "/four");
    }
    @Test
    void keepAliveRequestsClosesTheClientConnectionAfterItsLastResponse() throws Exception {
        serve(new EdgeSettings(null, null, null, null, null, 3, null)); // keep-alive-requests: 3
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            for (int i = 1; i <= 2; i++) {
                RawHttp.Response r = raw.send("GET /" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Connection")).as("response %s", i).isNull();
            }
            RawHttp.Response last = raw.send("GET /3 HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(raw.closedByPeer()).isTrue();
        }
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly("/1", "/2", "/3");
        serve(EdgeSettings.NONE);
    }

    @Test
    void keepAliveRequestsDropsWhatIsPipelinedBehindTheLastRequest() throws Exception {
        serve(new EdgeSettings(null, null, null, null, null, 2, null));
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            List<RawHttp.Response> answers = raw.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n"
                    + "GET /b HTTP/1.1\r\nHost: app.test\r\n\r\nGET /c HTTP/1.1\r\nHost: app.test\r\n\r\n").read(2);
            assertThat(answers).extracting(RawHttp.Response::status).containsExactly(200, 200);
            assertThat(answers.get(1).header("Connection")).isEqualToIgnoringCase("close");
            assertThat(raw.closedByPeer()).isTrue();
        }
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly("/a", "/b");
        serve(EdgeSettings.NONE);
    }

    @Test
    void upstreamKeepaliveRequestsRetiresAnUpstreamConnectionAfterThatManyRequests() throws Exception {
        serve(new EdgeSettings(null, null, null, null, null, null, 2)); // upstream-keepalive-requests: 2
        int before = backend.connections();
        for (int i = 1; i <= 5; i++) {
            assertThat(get("/" + i).status()).isEqualTo(200);
        }
        assertThat(backend.connections() - before).as("two requests on each connection: 2 + 2 + 1")
                .isEqualTo(3);
        serve(EdgeSettings.NONE);
    }

    @Test
    void keepAliveRequestsEndsAnHttp2ConnectionWithGoawayAfterItsLastStream() throws Exception {
        serve(new EdgeSettings(null, null, null, null, null, 2, null)); // keep-alive-requests: 2
        String base = "https://app.test:" + proxy.httpsPort();
        Process curl = new ProcessBuilder("curl", "-sk", "--http2", "--resolve", "app.test:" + proxy.httpsPort()
                + ":127.0.0.1", "-w", "%{http_version} %{http_code} %{num_connects}\\n", base + "/1", "-o",
                "/dev/null", base + "/2", "-o", "/dev/null", base + "/3", "-o", "/dev/null", base + "/4", "-o",
                "/dev/null", base + "/5", "-o", "/dev/null").redirectErrorStream(true).start();
        curl.getOutputStream().close();
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        curl.waitFor();

        assertThat(out.lines().toList()).as("one HTTP/2 connection per two requests: GOAWAY after the second stream")
                .containsExactly("2 200 1", "2 200 0", "2 200 1", "2 200 0", "2 200 1");
        assertThat(backend.received()).extracting(RawBackend.Received::target)
                .containsExactly("/1", "/2", "/3", "/4", "/5");
        serve(EdgeSettings.NONE);
    }
}
