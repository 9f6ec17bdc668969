package dev.breakwater.dataplane.metrics;

import dev.breakwater.dataplane.backend.EndpointState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Two gauges per endpoint of the table: {@code breakwater.endpoint.requests.active} (requests in flight on it, from
 * every event loop) and {@code breakwater.endpoint.ejected} (1 while passive health keeps it out), tagged with the
 * endpoint's {@code host:port}. Made when a table brings the endpoint, removed when it leaves; at most {@code max}
 * endpoints are metered (the first ones seen; when one leaves, the first one waiting), which bounds the series
 * whatever the table holds. Changed by table
 * swaps only (one at a time); the gauges read the shared {@link EndpointState}.
 */
public final class EndpointMeters {

    /** Endpoints metered on their own unless {@code --metrics-max-endpoints} says otherwise. */
    public static final int DEFAULT_MAX_ENDPOINTS = 1000;

    private final MeterRegistry registry;
    private final int max;
    private final Map<String, List<Meter>> byKey = new HashMap<>();
    /** Endpoints of the table beyond {@code max}, in the order seen: metered when others leave. */
    private final Map<String, String> waiting = new LinkedHashMap<>();

    /** @param max the most endpoints metered on their own (at least 1) */
    public EndpointMeters(MeterRegistry registry, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        this.registry = registry;
        this.max = max;
    }

    /**
     * Meters an endpoint the table now knows ({@code authority}: its {@code host:port}; {@code states} gives its state
     * by pool key), unless {@code max} are metered: then it waits for one of them to leave.
     */
    public synchronized void add(String key, String authority, Function<String, EndpointState> states) {
        if (byKey.containsKey(key) || waiting.containsKey(key)) {
            return;
        }
        if (byKey.size() < max) {
            byKey.put(key, register(states.apply(key), authority));
        } else {
            waiting.put(key, authority);
        }
    }

    /** Drops the meters of an endpoint that left the table; the first endpoint waiting for a place takes its place. */
    public synchronized void remove(String key, Function<String, EndpointState> states) {
        List<Meter> meters = byKey.remove(key);
        if (meters == null) {
            waiting.remove(key);
            return;
        }
        meters.forEach(registry::remove);
        Iterator<Map.Entry<String, String>> next = waiting.entrySet().iterator();
        if (next.hasNext()) {
            Map.Entry<String, String> e = next.next();
            next.remove();
            byKey.put(e.getKey(), register(states.apply(e.getKey()), e.getValue()));
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
