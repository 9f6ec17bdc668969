package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The authentication meters of the routes ({@code breakwater_auth_requests_total} by kind and outcome,
 * {@code breakwater_auth_external_duration_seconds}), as the other per-route meters: registered with a route's first
 * check, at most {@code maxRoutes} routes on their own (then {@value ProxyMetrics#OTHER_ROUTES}), removed with the
 * route.
 */
final class AuthMeters {

    private final RouteFamily<Label> family;

    AuthMeters(MeterRegistry registry, int maxRoutes) {
        this.family = new RouteFamily<>(maxRoutes, route -> new Label(registry, route), Label::remove);
    }

    AuthCount count(String route, String kind, String result) {
        return new AuthCount(family.handle(route), kind + '\0' + result);
    }

    AuthLatency latency(String route) {
        return new AuthLatency(family.handle(route));
    }

    void forget(java.util.Collection<String> routes) {
        family.forget(routes);
    }

    void retain(java.util.Set<String> routes) {
        family.retain(routes);
    }

    /** The meters of one route label, each registered when first counted. */
    static final class Label {
        private final MeterRegistry registry;
        private final String route;
        private final ConcurrentHashMap<String, Counter> outcomes = new ConcurrentHashMap<>();
        private volatile Timer latency;

        private Label(MeterRegistry registry, String route) {
            this.registry = registry;
            this.route = route;
        }

        void count(String kindAndResult) {
            Counter c = outcomes.get(kindAndResult);
            if (c == null) {
                c = outcomes.computeIfAbsent(kindAndResult, k -> {
                    int cut = k.indexOf('\0');
                    return Counter.builder("breakwater.auth.requests")
                            .description("Requests checked by the route's authentication, by outcome")
                            .tag("route", route).tag("kind", k.substring(0, cut)).tag("result", k.substring(cut + 1))
                            .register(registry);
                });
            }
            c.increment();
        }

        void record(long nanos) {
            Timer t = latency;
            if (t == null) {
                synchronized (this) {
                    t = latency;
                    if (t == null) {
                        t = Timer.builder("breakwater.auth.external.duration")
                                .description("Time to the answer of the external authentication service")
                                .tag("route", route).register(registry);
                        latency = t;
                    }
                }
            }
            t.record(nanos, TimeUnit.NANOSECONDS);
        }

        private synchronized void remove() {
            outcomes.values().forEach(registry::remove);
            outcomes.clear();
            if (latency != null) {
                registry.remove(latency);
                latency = null;
            }
        }
    }
}
