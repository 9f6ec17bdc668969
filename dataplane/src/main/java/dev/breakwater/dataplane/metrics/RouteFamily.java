package dev.breakwater.dataplane.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Meters of one kind kept per route (the response cache's, the rate limit's): registered with the route's first
 * event, not when a table names it; under the route's own name for at most {@code maxRoutes} routes (the label's
 * cardinality), under {@link ProxyMetrics#OTHER_ROUTES} for the others; removed when the route leaves the table.
 *
 * @param <M> the meters of one route label
 */
final class RouteFamily<M> {

    private final int maxRoutes;
    private final Function<String, M> register;
    private final Consumer<M> remove;
    private final ConcurrentHashMap<String, Handle<M>> handles = new ConcurrentHashMap<>();
    private final AtomicInteger registered = new AtomicInteger();
    private volatile M other;

    /**
     * @param register registers the meters of one route label
     * @param remove   removes them from the registry
     */
    RouteFamily(int maxRoutes, Function<String, M> register, Consumer<M> remove) {
        this.maxRoutes = maxRoutes;
        this.register = register;
        this.remove = remove;
    }

    /** The handle of one route's meters; the same for the same name until the route leaves the table. */
    Handle<M> handle(String route) {
        Handle<M> h = handles.get(route);
        return h != null ? h : handles.computeIfAbsent(route, r -> new Handle<>(this, r));
    }

    /** Routes with meters of their own now. */
    int registered() {
        return registered.get();
    }

    /** Removes the meters of every route not in {@code names}. */
    /** Retires the handles of these routes (routes that left the table). */
    void forget(java.util.Collection<String> names) {
        for (String name : names) {
            Handle<M> h = handles.remove(name);
            if (h != null) {
                h.retire();
            }
        }
    }

    void retain(Set<String> names) {
        for (var it = handles.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!names.contains(e.getKey())) {
                it.remove();
                e.getValue().retire();
            }
        }
    }

    private boolean takeSlot() {
        while (true) {
            int n = registered.get();
            if (n >= maxRoutes) {
                return false;
            }
            if (registered.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private M other() {
        M m = other;
        if (m == null) {
            synchronized (this) {
                m = other;
                if (m == null) {
                    m = register.apply(ProxyMetrics.OTHER_ROUTES);
                    other = m;
                }
            }
        }
        return m;
    }

    /** One route's meters, registered on the first {@link #get}. */
    static final class Handle<M> {
        private final RouteFamily<M> family;
        private final String route;
        private volatile M meters;
        private boolean own;
        private boolean retired;

        private Handle(RouteFamily<M> family, String route) {
            this.family = family;
            this.route = route;
        }

        /** The meters to count on (registered now if need be), or null once the route left the table. */
        M get() {
            M m = meters;
            return m != null ? m : register();
        }

        private synchronized M register() {
            if (meters == null && !retired) {
                own = family.takeSlot();
                meters = own ? family.register.apply(route) : family.other();
            }
            return retired ? null : meters;
        }

        private synchronized void retire() {
            retired = true;
            if (own) {
                family.remove.accept(meters);
                family.registered.decrementAndGet();
            }
            meters = null;
            own = false;
        }
    }
}
