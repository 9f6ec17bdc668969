package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate-limit filter as the table builds it for a route (its limiter and its counter come from there). */
class RateLimitFilterTest {

    private final ProxyMetrics metrics = new ProxyMetrics();

    private FilterChain route(RateLimit limit) {
        Route route = new Route("r", "test", RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"),
                RoutePolicy.DEFAULTS.withRateLimit(limit), List.of());
        return FilterChain.of(route, new RateLimiters(1000).next(), metrics);
    }

    @Test
    void eachKeyHasItsOwnBurstAndTheAnswerSaysWhenToComeBack() {
        FilterChain c = route(new RateLimit(1, 60_000, 3, RateLimit.Key.SOURCE_IP, List.of(), null));
        for (int i = 0; i < 3; i++) {
            assertThat(c.onRequest(get("/", "1.1.1.1"))).as("burst " + i).isNull();
        }
        LocalAnswer limited = c.onRequest(get("/", "1.1.1.1"));
        assertThat(limited.status().code()).isEqualTo(429);
        assertThat(limited.deniedBy()).isEqualTo("rate_limit");
        assertThat(Long.parseLong(limited.headers().get("retry-after"))).isBetween(1L, 60L);
        assertThat(c.onRequest(get("/", "1.1.1.2"))).as("another address").isNull();
    }

    @Test
    void exemptRangesAreNeverLimited() {
        FilterChain c = route(new RateLimit(1, 60_000, 1, RateLimit.Key.SOURCE_IP, List.of("10.0.0.0/8"), null));
        for (int i = 0; i < 20; i++) {
            assertThat(c.onRequest(get("/", "10.1.1.1"))).isNull();
        }
        assertThat(c.onRequest(get("/", "8.8.8.8"))).isNull();
        assertThat(c.onRequest(get("/", "8.8.8.8"))).isNotNull();
    }

    @Test
    void theLimitsOwnStatusIsAnsweredWhenItHasOne() {
        FilterChain c = route(new RateLimit(1, 60_000, 1, RateLimit.Key.SOURCE_IP, List.of(), null, 503));
        assertThat(c.onRequest(get("/", "1.1.1.1"))).isNull();
        assertThat(c.onRequest(get("/", "1.1.1.1")).status().code()).isEqualTo(503);
    }
}
