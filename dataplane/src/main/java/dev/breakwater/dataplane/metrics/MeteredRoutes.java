package dev.breakwater.dataplane.metrics;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link RouteMeters} of the routes, by name: the same object for the same name across tables, until the route
 * leaves the table. At most {@code maxRoutes} routes get meters of their own (the label's cardinality), counted here
 * as they register; the others share those of {@value ProxyMetrics#OTHER_ROUTES}, registered when first needed.
 */
final class MeteredRoutes {

    private final RequestMeters requests;
    private final int maxRoutes;
    private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
    /** Routes whose own meters are registered (those that served a request), at most {@link #maxRoutes}. */
    private final AtomicInteger metered = new AtomicInteger();
    private volatile RouteMeters other;

    MeteredRoutes(RequestMeters requests, int maxRoutes) {
        this.requests = requests;
        this.maxRoutes = maxRoutes;
    }

    /** The most routes metered on their own. */
    int maxRoutes() {
        return maxRoutes;
    }

    RequestMeters requests() {
        return requests;
    }

    /** The meters of one route; nothing is registered before it records a request. */
    RouteMeters route(String name) {
        RouteMeters m = routes.get(name);
        return m != null ? m : routes.computeIfAbsent(name, n -> new RouteMeters(this, n));
    }

    /** Routes whose meters are registered now, {@value ProxyMetrics#OTHER_ROUTES} excluded. */
    int metered() {
        return metered.get();
    }

    /** Removes the meters of these routes (routes that left the table). */
    void forget(Collection<String> names) {
        for (String name : names) {
            RouteMeters m = routes.remove(name);
            if (m != null && m.retire()) {
                metered.decrementAndGet();
            }
        }
    }

    /** Removes the meters of every route not in {@code names}. */
    void retain(Set<String> names) {
        for (var it = routes.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!names.contains(e.getKey())) {
                it.remove();
                if (e.getValue().retire()) {
                    metered.decrementAndGet();
                }
            }
        }
    }

    /** A slot for one more route's own meters, or false when {@link #maxRoutes} have them. */
    boolean takeSlot() {
        while (true) {
            int n = metered.get();
            if (n >= maxRoutes) {
                return false;
            }
            if (metered.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The shared meters of routes beyond {@link #maxRoutes}, registered when first needed. */
    RouteMeters other() {
        RouteMeters m = other;
        if (m == null) {
            synchronized (this) {
                m = other;
                if (m == null) {
                    m = new RouteMeters(this, ProxyMetrics.OTHER_ROUTES);
                    m.materialize();
                    other = m;
                }
            }
        }
        return m;
    }
}
