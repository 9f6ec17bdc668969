package dev.breakwater.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A data plane serving a table of 8,400 routes (some cached, some rate-limited), scraped over its admin port: no
 * route that served nothing has a series; one that served a request has its own; one that leaves the table loses them.
 */
class IdleRouteMetricsScrapeTest {

    private static final int HOSTS = 4_000;

    private TestBackend web;
    private DataPlane proxy;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws Exception {
        web = TestBackend.start("web");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        web.close();
    }

    @Test
    void routesThatServedNothingHaveNoSeriesAndOneThatServedHasItsOwn() throws Exception {
        proxy.apply(table(HOSTS, 1));

        String idle = scrape();

        assertThat(routeLabels(idle)).as("route series before any request").isZero();
        assertThat(idle.getBytes(StandardCharsets.UTF_8).length).isLessThan(64 * 1024);

        assertThat(get("h17.example.com", "/").statusCode()).isEqualTo(200);
        assertThat(get("h17.example.com", "/cached").statusCode()).isEqualTo(200);
        String busy = scrape();

        assertThat(busy).contains("breakwater_requests_total{route=\"h17.example.com/#1\",status=\"200\"} 1.0")
                .contains("breakwater_request_duration_seconds_count{route=\"h17.example.com/#1\"} 1")
                .contains("route=\"h17.example.com/cached#0\"")
                .containsPattern("breakwater_cache_requests_total\\{result=\"miss\",route=\"h17.example.com/cached#0\"}");
        assertThat(routesIn(busy)).containsOnly("h17.example.com/#1", "h17.example.com/cached#0");

        // the route leaves the table: its series go with it
        proxy.apply(table(10, 2));
        assertThat(routeLabels(scrape())).isZero();
    }

    @Test
    void aRateLimitedRoutesCounterAppearsWithItsFirstRefusal() throws Exception {
        proxy.apply(table(HOSTS, 1));

        assertThat(get("h20.example.com", "/limited").statusCode()).isEqualTo(200);
        assertThat(scrape()).doesNotContain("breakwater_ratelimit_rejected_total{");
        assertThat(get("h20.example.com", "/limited").statusCode()).isEqualTo(429);

        assertThat(scrape()).contains("breakwater_ratelimit_rejected_total{route=\"h20.example.com/limited#1\"} 1.0");
    }

    /** {@code hosts} hosts with a cached {@code /cached}, every tenth a rate-limited {@code /limited}, then {@code /}. */
    private RoutingTable table(int hosts, long version) {
        Tables t = Tables.builder().cluster("web", web);
        RoutePolicy cached = RoutePolicy.builder().cache(CachePolicy.DEFAULTS).build();
        RoutePolicy limited = RoutePolicy.builder().rateLimit(new RateLimit(1, 3_600_000, 1, RateLimit.Key.ROUTE))
                .build();
        for (int i = 0; i < hosts; i++) {
            String host = "h" + i + ".example.com";
            t.route(host, PathMatch.exact("/cached"), RouteAction.Forward.to("web"), cached);
            if (i % 10 == 0) {
                t.route(host, PathMatch.exact("/limited"), RouteAction.Forward.to("web"), limited);
            }
            t.prefix(host, "/", "web");
        }
        return t.build().withVersion(version);
    }

    private static long routeLabels(String scrape) {
        return scrape.lines().filter(l -> !l.startsWith("#") && l.contains("route=\"")).count();
    }

    private static java.util.Set<String> routesIn(String scrape) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("route=\"([^\"]*)\"").matcher(scrape);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
