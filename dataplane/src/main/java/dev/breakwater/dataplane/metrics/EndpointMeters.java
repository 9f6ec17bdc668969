package dev.breakwater.dataplane.metrics;

import dev.breakwater.dataplane.backend.EndpointState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Two gauges per endpoint of the table: {@code breakwater.endpoint.requests.active} (requests in flight on it, from
 * every event loop) and {@code breakwater.endpoint.ejected} (1 while passive health keeps it out), tagged with the
 * endpoint's {@code host:port}. Made when a table brings the endpoint, removed when it leaves; at most {@code max}
 * endpoints are metered (the first ones seen), which bounds the series whatever the table holds. Changed by table
 * swaps only (one at a time); the gauges read the shared {@link EndpointState}.
 */
public final class EndpointMeters {

    /** Endpoints metered on their own unless {@code --metrics-max-endpoints} says otherwise. */
    public static final int DEFAULT_MAX_ENDPOINTS = 1000;

    private final MeterRegistry registry;
    private final int max;
    private final Map<String, List<Meter>> byKey = new HashMap<>();

    /** @param max the most endpoints metered on their own (at least 1) */
    public EndpointMeters(MeterRegistry registry, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        this.registry = registry;
        this.max = max;
    }

    /**
     * Meters the endpoints of the table now served ({@code authorities}: each one's {@code host:port} by its pool key;
     * {@code states} gives its state) and drops the meters of those that left.
     */
    public synchronized void retain(Map<String, String> authorities, Function<String, EndpointState> states) {
        Iterator<Map.Entry<String, List<Meter>>> it = byKey.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, List<Meter>> e = it.next();
            if (!authorities.containsKey(e.getKey())) {
                e.getValue().forEach(registry::remove);
                it.remove();
            }
        }
        for (Map.Entry<String, String> e : authorities.entrySet()) {
            if (byKey.size() >= max) {
                break;
            }
            byKey.computeIfAbsent(e.getKey(), k -> register(states.apply(k), e.getValue()));
        }
    }

    private List<Meter> register(EndpointState state, String endpoint) {
        Gauge active = Gauge.builder("breakwater.endpoint.requests.active", state, EndpointState::active)
                .description("Requests in flight on the endpoint, from every event loop")
                .tag("endpoint", endpoint).strongReference(true).register(registry);
        Gauge ejected = Gauge.builder("breakwater.endpoint.ejected", state,
                        s -> s.isEjected(System.nanoTime()) ? 1 : 0)
                .description("1 while passive health (consecutive failures) keeps the endpoint out, else 0")
                .tag("endpoint", endpoint).strongReference(true).register(registry);
        return List.of(active, ejected);
    }
}
