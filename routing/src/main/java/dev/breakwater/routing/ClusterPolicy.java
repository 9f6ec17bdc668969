package dev.breakwater.routing;

import java.util.Objects;

/**
 * How the data plane spreads requests over a cluster's endpoints and watches their health. A null field
 * means "the data plane's default".
 *
 * @param loadBalancer          the balancing algorithm (default: weighted round-robin)
 * @param healthCheck           active health checking, or null for none
 * @param outlierDetection      passive health (ejection after consecutive failures), or null for the default
 * @param drainTimeoutMillis    how long requests in flight to a removed or terminating endpoint may run
 *                              before their connections are closed (default 30 s)
 * @param slowStartWindowMillis a new endpoint's share ramps up linearly over this window (null: at once)
 */
public record ClusterPolicy(LoadBalancer loadBalancer, HealthCheck healthCheck, OutlierDetection outlierDetection,
                            Long drainTimeoutMillis, Long slowStartWindowMillis) {

    public static final ClusterPolicy DEFAULTS = new ClusterPolicy(null, null, null, null, null);

    public ClusterPolicy {
        if (drainTimeoutMillis != null && drainTimeoutMillis < 0) {
            throw new IllegalArgumentException("drainTimeoutMillis: " + drainTimeoutMillis + " (expected: >= 0)");
        }
        if (slowStartWindowMillis != null && slowStartWindowMillis <= 0) {
            throw new IllegalArgumentException("slowStartWindowMillis: " + slowStartWindowMillis + " (expected: > 0)");
        }
    }

    /** A balancing algorithm. */
    public record LoadBalancer(Type type, HashKey hashKey) {

        /** The algorithms. */
        public enum Type {
            /** Smooth weighted round-robin. */
            ROUND_ROBIN,
            /** The less loaded (active requests / weight) of two endpoints chosen at random. */
            LEAST_REQUEST,
            /** Consistent hashing on a ring of virtual nodes. */
            RING_HASH,
            /** Maglev consistent hashing (lookup table). */
            MAGLEV,
            /** Weighted random. */
            RANDOM
        }

        public LoadBalancer {
            Objects.requireNonNull(type, "type");
            if ((type == Type.RING_HASH || type == Type.MAGLEV) && hashKey == null) {
                throw new IllegalArgumentException("hashKey: null (expected: a key for " + type + ")");
            }
        }

        public static LoadBalancer of(Type type) {
            return new LoadBalancer(type, null);
        }
    }

    /** What a hashing balancer hashes. */
    public record HashKey(Source source, String name) {

        /** Where the key comes from. */
        public enum Source { HEADER, COOKIE, SOURCE_IP }

        public HashKey {
            Objects.requireNonNull(source, "source");
            if (source != Source.SOURCE_IP && (name == null || name.isEmpty())) {
                throw new IllegalArgumentException("name: empty (expected: the " + source + " name)");
            }
        }
    }

    /**
     * Active health checking: an HTTP GET to {@code path} on every endpoint each interval.
     *
     * @param healthyThreshold   consecutive successes (2xx/3xx) that make an unhealthy endpoint healthy again
     * @param unhealthyThreshold consecutive failures that make it unhealthy
     */
    public record HealthCheck(String path, long intervalMillis, long timeoutMillis, int healthyThreshold,
                              int unhealthyThreshold) {
        public HealthCheck {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
            }
            if (intervalMillis <= 0 || timeoutMillis <= 0 || healthyThreshold < 1 || unhealthyThreshold < 1) {
                throw new IllegalArgumentException("healthCheck: interval, timeout and thresholds must be positive");
            }
        }
    }

    /**
     * Passive health: an endpoint with this many consecutive failures is ejected for
     * {@code baseEjectionMillis x 2^(ejections so far)}, at most {@code maxEjectionMillis}; never more than
     * {@code maxEjectionPercent} of a cluster's endpoints at once.
     *
     * @param consecutiveFailures connect failures, resets and 5xx answers in a row
     */
    public record OutlierDetection(int consecutiveFailures, long baseEjectionMillis, long maxEjectionMillis,
                                   int maxEjectionPercent) {

        public static final OutlierDetection DEFAULTS = new OutlierDetection(5, 30_000, 300_000, 50);

        public OutlierDetection {
            if (consecutiveFailures < 1 || baseEjectionMillis <= 0 || maxEjectionMillis < baseEjectionMillis
                    || maxEjectionPercent < 0 || maxEjectionPercent > 100) {
                throw new IllegalArgumentException("outlierDetection: consecutiveFailures >= 1, 0 < base <= max, "
                        + "percent 0-100 expected");
            }
        }
    }
}
