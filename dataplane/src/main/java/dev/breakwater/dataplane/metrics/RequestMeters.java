package dev.breakwater.dataplane.metrics;

import dev.breakwater.dataplane.loop.LoopCells;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters every request touches: {@code breakwater_requests_total{route,status}},
 * {@code breakwater_request_duration_seconds{route}} and {@code breakwater_request_added_latency_seconds}. They are
 * recorded into {@link LoopCells}, so a request writes only its own event loop's cells (a Micrometer counter or timer
 * is a set of shared atomics that every core's requests write), and are read by the Prometheus registry at a scrape
 * through this collector.
 */
final class RequestMeters implements MultiCollector {

    private static final String REQUESTS = "breakwater_requests";
    private static final String DURATION = "breakwater_request_duration_seconds";
    private static final String ADDED = "breakwater_request_added_latency_seconds";

    private final Duration[] routeBounds;
    private final DurationHistogram added;
    /** The routes with meters, by label (their own name, or {@value ProxyMetrics#OTHER_ROUTES}). */
    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

    RequestMeters(Duration[] routeBounds, Duration[] addedBounds) {
        this.routeBounds = routeBounds.clone();
        this.added = new DurationHistogram(addedBounds);
    }

    void addedLatency(long nanos) {
        added.record(nanos);
    }

    /** The meters of the route label {@code name}, made now. */
    Route register(String name) {
        Route r = new Route(name, new DurationHistogram(routeBounds));
        routes.put(name, r);
        return r;
    }

    void remove(Route route) {
        routes.remove(route.name, route);
    }

    @Override
    public MetricSnapshots collect() {
        List<Route> now = new ArrayList<>(routes.values());
        now.sort((a, b) -> a.name.compareTo(b.name));
        CounterSnapshot.Builder counts = CounterSnapshot.builder().name(REQUESTS)
                .help("Requests answered, by route and status");
        HistogramSnapshot.Builder durations = HistogramSnapshot.builder().name(DURATION)
                .help("Time from the request head to the last byte of the response");
        for (Route r : now) {
            for (StatusCount sc : r.byStatus) {
                counts.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(Labels.of("route", r.name, "status", sc.label)).value(sc.cells.sum(0)).build());
            }
            durations.dataPoint(r.latency.snapshot(Labels.of("route", r.name)));
        }
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out = new ArrayList<>(3);
        if (!now.isEmpty()) {
            out.add(counts.build());
            out.add(durations.build());
        }
        out.add(HistogramSnapshot.builder().name(ADDED)
                .help("Of a relayed request's duration, what is not the endpoint's: from its head to the start of the "
                        + "attempt that answered (routing, filters, authentication, the cache's lookup, failed attempts)")
                .dataPoint(added.snapshot(Labels.EMPTY)).build());
        return new MetricSnapshots(out);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(REQUESTS, DURATION, ADDED);
    }

    private record StatusCount(int status, String label, LoopCells cells) {
    }

    /** One route label's counts by status and its durations. */
    static final class Route {
        private final String name;
        private final DurationHistogram latency;
        /** The counts by status, few per route: scanned without a lock or a boxed key, grown by copy. */
        private volatile StatusCount[] byStatus = new StatusCount[0];

        private Route(String name, DurationHistogram latency) {
            this.name = name;
            this.latency = latency;
        }

        String name() {
            return name;
        }

        void record(int status, long nanos) {
            cells(status).add(0, 1);
            latency.record(nanos);
        }

        private LoopCells cells(int status) {
            for (StatusCount sc : byStatus) {
                if (sc.status() == status) {
                    return sc.cells();
                }
            }
            return add(status);
        }

        private synchronized LoopCells add(int status) {
            StatusCount[] now = byStatus;
            for (StatusCount sc : now) {
                if (sc.status() == status) {
                    return sc.cells();
                }
            }
            StatusCount[] next = Arrays.copyOf(now, now.length + 1);
            next[now.length] = new StatusCount(status, Integer.toString(status), new LoopCells(1));
            byStatus = next;
            return next[now.length].cells();
        }
    }
}
