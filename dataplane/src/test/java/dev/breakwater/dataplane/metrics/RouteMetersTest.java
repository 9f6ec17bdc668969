package dev.breakwater.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Per-route meters: nothing registered before a route's first request, at most {@code maxRoutes} routes metered on
 * their own (the rest as {@code (other)}), removed with their route.
 */
class RouteMetersTest {

    @Test
    void anIdleRouteHasNoMeters() {
        ProxyMetrics metrics = new ProxyMetrics();
        for (int i = 0; i < 10_000; i++) {
            metrics.route("h" + i + ".example.com/#0");
            metrics.route("h" + i + ".example.com/#1");
        }

        String scrape = metrics.scrape();

        assertThat(scrape).doesNotContain("breakwater_request_duration_seconds", "route=\"h1.example.com/#0\"");
        assertThat(scrape.getBytes(StandardCharsets.UTF_8).length).isLessThan(1 << 20);
        assertThat(metrics.meteredRoutes()).isZero();
    }

    @Test
    void aRoutesMetersAppearWithItsFirstRequest() {
        ProxyMetrics metrics = new ProxyMetrics();
        RouteMeters route = metrics.route("a.com/#0");

        route.record(200, 1_000_000);
        route.record(200, 1_000_000);
        route.record(503, 1_000_000);

        assertThat(metrics.route("a.com/#0")).isSameAs(route);
        assertThat(metrics.scrape())
                .contains("breakwater_requests_total{route=\"a.com/#0\",status=\"200\"} 2.0")
                .contains("breakwater_requests_total{route=\"a.com/#0\",status=\"503\"} 1.0")
                .contains("breakwater_request_duration_seconds_count{route=\"a.com/#0\"} 3");
        assertThat(metrics.meteredRoutes()).isEqualTo(1);
    }

    @Test
    void routesBeyondTheCapShareTheOtherLabel() {
        ProxyMetrics metrics = new ProxyMetrics(2);
        for (int i = 0; i < 5; i++) {
            metrics.route("r" + i).record(200, 1_000);
        }

        String scrape = metrics.scrape();

        assertThat(scrape).contains("breakwater_requests_total{route=\"r0\",status=\"200\"} 1.0")
                .contains("breakwater_requests_total{route=\"r1\",status=\"200\"} 1.0")
                .contains("breakwater_requests_total{route=\"(other)\",status=\"200\"} 3.0")
                .doesNotContain("route=\"r2\"", "route=\"r4\"");
        assertThat(metrics.meteredRoutes()).isEqualTo(2);
    }

    @Test
    void aRouteThatLeavesTheTableLosesItsMetersAndFreesItsSlot() {
        ProxyMetrics metrics = new ProxyMetrics(1);
        RouteMeters gone = metrics.route("gone");
        gone.record(200, 1_000);
        metrics.rateLimited("gone").increment();
        metrics.cache("gone").hit();

        metrics.retainRoutes(Set.of("kept"));
        gone.record(200, 1_000);
        metrics.route("kept").record(200, 1_000);

        assertThat(metrics.scrape()).doesNotContain("route=\"gone\"")
                .contains("breakwater_requests_total{route=\"kept\",status=\"200\"} 1.0")
                .doesNotContain("(other)");
        assertThat(metrics.meteredRoutes()).isEqualTo(1);

        metrics.retainRoutes(new HashSet<>());
        assertThat(metrics.meteredRoutes()).isZero();
        assertThat(metrics.scrape()).doesNotContain("breakwater_requests_total{");
    }

    @Test
    void cacheAndRateLimitMetersAppearWithTheirFirstEventAndBeyondTheCapShareTheOtherLabel() {
        ProxyMetrics metrics = new ProxyMetrics(1);
        CacheMeters a = metrics.cache("a");
        CacheMeters b = metrics.cache("b");
        metrics.rateLimited("a");
        metrics.rateLimited("b");
        assertThat(metrics.scrape()).doesNotContain("breakwater_cache_requests_total{",
                "breakwater_ratelimit_rejected_total{");

        a.hit();
        b.hit();
        metrics.rateLimited("b").increment();
        metrics.rateLimited("a").increment();

        assertThat(metrics.scrape())
                .contains("breakwater_cache_requests_total{result=\"hit\",route=\"a\"} 1.0")
                .contains("breakwater_cache_requests_total{result=\"hit\",route=\"(other)\"} 1.0")
                .contains("breakwater_ratelimit_rejected_total{route=\"b\"} 1.0")
                .contains("breakwater_ratelimit_rejected_total{route=\"(other)\"} 1.0")
                .doesNotContain("breakwater_cache_requests_total{result=\"hit\",route=\"b\"}",
                        "breakwater_ratelimit_rejected_total{route=\"a\"}");

        metrics.retainRoutes(Set.of("b"));
        assertThat(metrics.scrape()).doesNotContain("route=\"a\"")
                .contains("breakwater_ratelimit_rejected_total{route=\"b\"} 1.0");
    }

    @Test
    void theCapIsAtLeastOne() {
        assertThatThrownBy(() -> new ProxyMetrics(0)).hasMessage("maxRoutes: 0 (expected: >= 1)");
    }

    @Test
    void authenticationMetersAreRegisteredOnFirstUseCappedAndRemovedWithTheirRoute() {
        ProxyMetrics metrics = new ProxyMetrics(2);
        AuthCount[] denied = new AuthCount[4];
        for (int i = 0; i < 4; i++) {
            denied[i] = metrics.authResult("r" + i, "basic", "denied");
        }
        AuthLatency latency = metrics.authLatency("r0");
        assertThat(metrics.scrape()).doesNotContain("breakwater_auth");

        for (AuthCount c : denied) {
            c.increment();
        }
        latency.record(2_000_000);
        String scrape = metrics.scrape();
        assertThat(scrape)
                .contains("breakwater_auth_requests_total{kind=\"basic\",result=\"denied\",route=\"r0\"} 1.0")
                .contains("breakwater_auth_requests_total{kind=\"basic\",result=\"denied\",route=\"r1\"} 1.0")
                .contains("breakwater_auth_requests_total{kind=\"basic\",result=\"denied\",route=\"(other)\"} 2.0")
                .contains("breakwater_auth_external_duration_seconds_count{route=\"r0\"} 1")
                .doesNotContain("route=\"r2\"", "route=\"r3\"");

        metrics.retainRoutes(Set.of("r1"));
        denied[0].increment(); // the route left the table: not counted, nothing registered again
        scrape = metrics.scrape();
        assertThat(scrape).doesNotContain("route=\"r0\"")
                .contains("breakwater_auth_requests_total{kind=\"basic\",result=\"denied\",route=\"r1\"} 1.0");
    }
}
