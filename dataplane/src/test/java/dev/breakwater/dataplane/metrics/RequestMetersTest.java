package dev.breakwater.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-request meters as a scrape shows them: Prometheus histograms (le bounds, cumulative, +Inf, sum). */
class RequestMetersTest {

    @Test
    void aRoutesDurationsLandInCumulativeBucketsWithTheirSum() {
        ProxyMetrics metrics = new ProxyMetrics();
        RouteMeters route = metrics.route("a.com/#0");
        route.record(200, Duration.ofMillis(1).toNanos()); // on a bound: counted in that bucket (le)
        route.record(200, Duration.ofMillis(3).toNanos());
        route.record(404, Duration.ofSeconds(60).toNanos()); // above every bound
        metrics.addedLatency(Duration.ofNanos(200_000).toNanos());

        String scrape = metrics.scrape();

        assertThat(scrape)
                .contains("breakwater_request_duration_seconds_bucket{route=\"a.com/#0\",le=\"0.001\"} 1")
                .contains("breakwater_request_duration_seconds_bucket{route=\"a.com/#0\",le=\"0.005\"} 2")
                .contains("breakwater_request_duration_seconds_bucket{route=\"a.com/#0\",le=\"30.0\"} 2")
                .contains("breakwater_request_duration_seconds_bucket{route=\"a.com/#0\",le=\"+Inf\"} 3")
                .contains("breakwater_request_duration_seconds_count{route=\"a.com/#0\"} 3")
                .contains("breakwater_request_duration_seconds_sum{route=\"a.com/#0\"} 60.004")
                .contains("breakwater_requests_total{route=\"a.com/#0\",status=\"404\"} 1.0")
                .contains("breakwater_request_added_latency_seconds_bucket{le=\"1.0E-4\"} 0")
                .contains("breakwater_request_added_latency_seconds_bucket{le=\"2.5E-4\"} 1")
                .contains("breakwater_request_added_latency_seconds_count 1")
                .contains("# TYPE breakwater_request_duration_seconds histogram");
    }
}
