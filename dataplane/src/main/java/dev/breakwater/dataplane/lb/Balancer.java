package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.routing.ClusterPolicy;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses an endpoint for a request among one tier of a cluster's endpoints (the ready ones, or the
 * serving-but-terminating ones when no ready one is left). Every algorithm skips endpoints that are ejected
 * or failing health checks, and the one to avoid on a retry; {@link #pick} returns null when none is left.
 * Immutable apart from lock-free counters: one instance serves every event loop.
 */
public abstract class Balancer {

    protected final UpstreamEndpoint[] endpoints;
    private final long slowStartNanos;

    private final long oldestNanos;
    private final long[] cumulativeWeights;

    protected Balancer(UpstreamEndpoint[] endpoints, Long slowStartWindowMillis) {
        this.endpoints = endpoints;
        this.cumulativeWeights = new long[endpoints.length];
        long sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            sum += endpoints[i].endpoint().weight();
            cumulativeWeights[i] = sum;
        }
        this.slowStartNanos = slowStartWindowMillis == null ? 0 : slowStartWindowMillis * 1_000_000L;
        long oldest = Long.MAX_VALUE;
        for (UpstreamEndpoint e : endpoints) {
            oldest = Math.min(oldest, e.state().firstSeenNanos());
        }
        this.oldestNanos = oldest;
    }

    /** A balancer of the given kind (null: weighted round-robin). */
    public static Balancer create(ClusterPolicy.LoadBalancer lb, UpstreamEndpoint[] endpoints,
                                  Long slowStartWindowMillis) {
        ClusterPolicy.LoadBalancer.Type type = lb == null ? ClusterPolicy.LoadBalancer.Type.ROUND_ROBIN : lb.type();
        return switch (type) {
            case ROUND_ROBIN -> new RoundRobinBalancer(endpoints, slowStartWindowMillis);
            case LEAST_REQUEST -> new LeastRequestBalancer(endpoints, slowStartWindowMillis);
            case RANDOM -> new RandomBalancer(endpoints, slowStartWindowMillis);
            case RING_HASH -> new RingHashBalancer(endpoints, lb.hashKey(), slowStartWindowMillis);
            case MAGLEV -> new MaglevBalancer(endpoints, lb.hashKey(), slowStartWindowMillis);
        };
    }

    public final int size() {
        return endpoints.length;
    }

    public final UpstreamEndpoint[] endpoints() {
        return endpoints;
    }

    /** An available endpoint other than {@code exclude} (where one exists), or null when none is available. */
    public abstract UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude, long nowNanos);

    /** Any endpoint, ignoring health (Envoy's "panic" mode, when every endpoint looks unhealthy). */
    public final UpstreamEndpoint pickIgnoringHealth(UpstreamEndpoint exclude) {
        if (endpoints.length == 0) {
            return null;
        }
        UpstreamEndpoint e = scan(exclude, 0, false);
        return e != null ? e : endpoints[ThreadLocalRandom.current().nextInt(endpoints.length)];
    }

    /** Available, not excluded, and (during its slow start) admitted in proportion to its age. */
    protected final boolean usable(UpstreamEndpoint e, UpstreamEndpoint exclude, long nowNanos) {
        if (same(e, exclude) || !e.state().available(nowNanos)) {
            return false;
        }
        // slow start: only for endpoints that joined after the others (a new cluster is not throttled whole)
        if (slowStartNanos > 0 && e.state().firstSeenNanos() - oldestNanos > 1_000_000_000L) {
            long age = nowNanos - e.state().firstSeenNanos();
            if (age < slowStartNanos) {
                double share = Math.max(0.05, (double) age / slowStartNanos);
                return ThreadLocalRandom.current().nextDouble() < share;
            }
        }
        return true;
    }

    protected static boolean same(UpstreamEndpoint a, UpstreamEndpoint b) {
        return b != null && (a == b || a.key().equals(b.key()));
    }

    /** An endpoint drawn at random with probability proportional to its weight; there must be one. */
    protected final UpstreamEndpoint drawByWeight(ThreadLocalRandom rnd) {
        long r = rnd.nextLong(cumulativeWeights[cumulativeWeights.length - 1]);
        int lo = 0;
        int hi = cumulativeWeights.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativeWeights[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return endpoints[lo];
    }

    /**
     * Scans every endpoint from a random start for one whose key {@code avoid} does not name, an available one
     * first; null when it names every one (a retry's pick among the endpoints not tried yet).
     */
    public final UpstreamEndpoint scanAvoiding(java.util.function.Predicate<String> avoid, long nowNanos) {
        int n = endpoints.length;
        int start = n == 0 ? 0 : ThreadLocalRandom.current().nextInt(n);
        UpstreamEndpoint any = null;
        for (int i = 0; i < n; i++) {
            UpstreamEndpoint e = endpoints[(start + i) % n];
            if (!avoid.test(e.key())) {
                if (e.state().available(nowNanos)) {
                    return e;
                }
                if (any == null) {
                    any = e;
                }
            }
        }
        return any;
    }

    /** Scans every endpoint from a random start for a usable one (the fallback of every algorithm). */
    protected final UpstreamEndpoint scan(UpstreamEndpoint exclude, long nowNanos) {
        return scan(exclude, nowNanos, true);
    }

    private UpstreamEndpoint scan(UpstreamEndpoint exclude, long nowNanos, boolean healthyOnly) {
        int n = endpoints.length;
        if (n == 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            UpstreamEndpoint e = endpoints[(start + i) % n];
            if (!same(e, exclude) && (!healthyOnly || e.state().available(nowNanos))) {
                return e;
            }
        }
        return null;
    }
}
