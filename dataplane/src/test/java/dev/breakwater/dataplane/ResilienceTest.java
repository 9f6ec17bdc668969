package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.Blackhole;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SessionAffinity;
import dev.breakwater.routing.VirtualHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Affinity, passive and active health, retries and their budget, draining: real backends, real sockets. */
class ResilienceTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestBackend a;
    private TestBackend b;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        a.close();
        b.close();
    }

    private static RoutingTable table(RoutePolicy route, ClusterPolicy cluster, TestBackend... backends) {
        List<Endpoint> eps = new ArrayList<>();
        for (TestBackend t : backends) {
            eps.add(Endpoint.ready("127.0.0.1", t.port()));
        }
        return RoutingTable.of(List.of(new VirtualHost("*", List.of(new Route("app", "test",
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("app"), route)))),
                List.of(new Cluster("app", Cluster.Protocol.HTTP1, eps, null, cluster)));
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String backend(HttpResponse<String> r) {
        return r.headers().firstValue("x-backend").orElse("none");
    }

    @Test
    void aCookieKeepsAClientOnItsEndpointUntilItGoesAway() throws Exception {
        RoutePolicy sticky = RoutePolicy.builder()
                .affinity(new SessionAffinity("bw-affinity", 3600L, null)).build();
        proxy.apply(table(sticky, null, a, b));

        HttpResponse<String> first = get("/");
        String cookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).startsWith("bw-affinity=").contains("Path=/").contains("Max-Age=3600").contains("HttpOnly");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        String home = backend(first);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/", "Cookie", pair);
            assertThat(backend(r)).isEqualTo(home);
            assertThat(r.headers().firstValue("set-cookie")).isEmpty();
        }

        TestBackend other = home.equals("a") ? b : a;
        proxy.apply(table(sticky, null, other).withVersion(2));
        HttpResponse<String> moved = get("/", "Cookie", pair);
        assertThat(backend(moved)).isEqualTo(other.name());
        assertThat(moved.headers().firstValue("set-cookie")).hasValueSatisfying(c -> assertThat(c).doesNotStartWith(pair));
    }

    @Test
    void ejectsAFailingEndpointAndReadmitsItLater() throws Exception {
        ClusterPolicy od = new ClusterPolicy(null, null, new ClusterPolicy.OutlierDetection(3, 2500, 5000, 50), null, null);
        proxy.apply(table(null, od, a, b));
        a.failWith(500);
        int failures = 0;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = get("/");
            seen.append(backend(r)).append(r.statusCode()).append(' ');
            if (r.statusCode() == 500) {
                failures++;
            }
        }
        assertThat(seen.toString()).startsWith("a500 b200 a500 b200 a500 b200 b200");
        assertThat(failures).as("a answers 500 until ejected").isEqualTo(3);
        int before = a.requests();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get("/");
            assertThat(backend(r)).isEqualTo("b");
        }
        assertThat(a.requests()).as("an ejected endpoint gets nothing").isEqualTo(before);
        assertThat(proxy.metrics().scrape()).as("each endpoint's gauges")
                .contains("breakwater_endpoint_ejected{endpoint=\"127.0.0.1:" + a.port() + "\"} 1.0")
                .contains("breakwater_endpoint_ejected{endpoint=\"127.0.0.1:" + b.port() + "\"} 0.0")
                .contains("breakwater_endpoint_requests_active{endpoint=\"127.0.0.1:" + b.port() + "\"} 0.0");
        proxy.apply(table(null, od, b).withVersion(2));
        assertThat(proxy.metrics().scrape()).as("gone with the endpoint")
                .doesNotContain("endpoint=\"127.0.0.1:" + a.port() + "\"")
                .contains("breakwater_endpoint_ejected{endpoint=\"127.0.0.1:" + b.port() + "\"} 0.0");
        proxy.apply(table(null, od, a, b).withVersion(3));

        a.failWith(0);
        Thread.sleep(2600);
        boolean back = false;
        for (int i = 0; i < 10 && !back; i++) {
            back = backend(get("/")).equals("a");
        }
        assertThat(back).as("readmitted after its ejection time").isTrue();
    }

    @Test
    void retries5xxOnAnotherEndpointWhenConfigured() throws Exception {
        RoutePolicy retry = RoutePolicy.builder()
                .retries(new Retries(2, true, false, null, 100, 10)).build();
        proxy.apply(table(retry, null, a, b));
        a.failWith(503);

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(backend(r)).isEqualTo("b");
        }
        assertThat(proxy.metrics().scrape()).contains("breakwater_upstream_retries_total{cluster=\"app\"}");
        // a POST is not idempotent: its 503 is passed on
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.httpPort() + "/x"))
                .POST(HttpRequest.BodyPublishers.ofString("data")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(List.of(200, 503)).contains(post.statusCode());
    }

    @Test
    void retriesStayWithinTheBudgetWhenEveryEndpointFails() throws Exception {
        RoutePolicy retry = RoutePolicy.builder()
                .retries(new Retries(5, true, false, null, 20, 0)).build();
        ClusterPolicy noEjection = new ClusterPolicy(null, null, new ClusterPolicy.OutlierDetection(1, 1, 1, 0), null, null);
        proxy.apply(table(retry, noEjection, a, b));
        a.failWith(503);
        b.failWith(503);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        int clientRequests = 400;
        try {
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < clientRequests; i++) {
                all.add(pool.submit(() -> get("/slow/5").statusCode()));
            }
            for (Future<Integer> f : all) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(503);
            }
        } finally {
            pool.shutdownNow();
        }
        int upstream = a.requests() + b.requests();
        System.out.printf("retry budget: %d client requests, %d upstream attempts (%.2fx)%n", clientRequests,
                upstream, upstream / (double) clientRequests);
        // without a budget every request would be tried 5 times (5.0x); the budget lets retries be at most 20 %
        // of the requests in flight at any moment, which over the run stays far below that (1.16x-1.31x seen)
        assertThat(upstream).isLessThanOrEqualTo((int) (clientRequests * 1.5));
        assertThat(proxy.metrics().scrape()).contains("breakwater_upstream_retry_budget_exhausted_total");
    }

    @Test
    void activeHealthChecksTakeAnUnhealthyEndpointOutAndBackIn() throws Exception {
        ClusterPolicy hc = new ClusterPolicy(null, new ClusterPolicy.HealthCheck("/healthz-ok", 100, 500, 2, 2),
                null, null, null);
        proxy.apply(table(null, hc, a, b));
        a.failWith(503); // /healthz-ok keeps answering 200 while a fails the rest...
        Thread.sleep(300);
        assertThat(proxy.metrics().scrape()).contains("breakwater_endpoint_healthy{cluster=\"app\",endpoint=\"127.0.0.1:"
                + a.port() + "\"} 1.0");

        a.close(); // ...then a disappears altogether: its checks fail
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!proxy.metrics().scrape().contains("endpoint=\"127.0.0.1:" + a.port() + "\"} 0.0")
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(proxy.metrics().scrape()).contains("endpoint=\"127.0.0.1:" + a.port() + "\"} 0.0");
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(backend(r)).isEqualTo("b");
        }
    }

    @Test
    void aRequestInFlightToARemovedEndpointCompletesAndTheRestDrainAtTheTimeout() throws Exception {
        ClusterPolicy drain = new ClusterPolicy(null, null, null, 800L, null);
        proxy.apply(table(null, drain, a));
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.httpPort() + "/slow/500")).build(),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> tooSlow = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.httpPort() + "/slow/3000")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(150);

        proxy.apply(table(null, drain, b).withVersion(2));

        assertThat(backend(get("/new"))).isEqualTo("b");
        HttpResponse<String> finished = slow.get(5, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(backend(finished)).isEqualTo("a");
        HttpResponse<String> cut = tooSlow.get(5, TimeUnit.SECONDS);
        assertThat(cut.statusCode()).as("closed at the drain timeout").isEqualTo(502);
    }

    /**
     * An endpoint whose pod is gone may never answer the SYN: a connect to it that is still waiting when a table takes
     * the endpoint out is given up, and the request goes to an endpoint of the new table at once, not after the
     * connect timeout (20 s here, longer than the client waits).
     */
    @Test
    void aConnectToAnEndpointThatLeavesTheTableIsGivenUpForOneOfTheNewTable() throws Exception {
        try (Blackhole hole = Blackhole.open()) {
            RoutePolicy patient = RoutePolicy.builder().connectTimeoutMillis(20_000L).build();
            List<Endpoint> gone = List.of(Endpoint.ready("127.0.0.1", hole.port()));
            proxy.apply(RoutingTable.of(List.of(new VirtualHost("*", List.of(new Route("app", "test",
                            RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("app"), patient)))),
                    List.of(new Cluster("app", Cluster.Protocol.HTTP1, gone, null, null))));
            CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.httpPort() + "/x")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            assertThat(waiting).as("the connect to the endpoint that takes no connection waits").isNotDone();

            proxy.apply(table(patient, null, b).withVersion(2));

            HttpResponse<String> r = waiting.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(backend(r)).as("answered by the new table's endpoint").isEqualTo("b");
            assertThat(proxy.metrics().scrape()).as("the endpoint that left is not counted as failing to connect")
                    .doesNotContain("kind=\"connect\"");
        }
    }

    @Test
    void drainingFailsReadinessFinishesRequestsInFlightAndStopsAccepting() throws Exception {
        proxy.apply(table(null, null, a));
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.httpPort() + "/slow/1000")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(100);
        int port = proxy.httpPort();
        int admin = proxy.adminPort();
        CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return proxy.drainAndClose(Duration.ofMillis(400), Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + admin + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(503);
        HttpResponse<String> duringGrace = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(duringGrace.statusCode()).as("still served during the grace period").isEqualTo(200);
        assertThat(duringGrace.headers().firstValue("connection")).hasValue("close");

        HttpResponse<String> finished = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(drained.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(refused(port)).as("no new connections after the grace period").isTrue();
    }

    private static boolean refused(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
