package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.Counter;

/**
 * A counter of one route, registered with its first increment ({@link RouteFamily}: its own while fewer than
 * {@code maxRoutes} routes have one, else {@value ProxyMetrics#OTHER_ROUTES}'s); increments after the route left the
 * table are not counted.
 */
public final class RouteCounter {
    private final RouteFamily.Handle<Counter> handle;

    RouteCounter(RouteFamily.Handle<Counter> handle) {
        this.handle = handle;
    }

    public void increment() {
        Counter c = handle.get();
        if (c != null) {
            c.increment();
        }
    }
}
