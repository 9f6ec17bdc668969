package dev.breakwater.operator.policy;

import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Retries;

/**
 * The defaults Breakwater fills in for settings given in part, the same whether an Ingress annotation or a Route
 * field gave them. A null argument means "not given".
 */
public final class PolicyDefaults {

    /** The HSTS max-age when HSTS is on and no max-age is given: one year. */
    public static final long HSTS_MAX_AGE_SECONDS = 31_536_000L;
    /** Active health checks: interval, timeout and thresholds when not given. */
    public static final long HEALTH_CHECK_INTERVAL_MILLIS = 5_000;
    public static final long HEALTH_CHECK_TIMEOUT_MILLIS = 1_000;
    public static final int HEALTHY_THRESHOLD = 2;
    public static final int UNHEALTHY_THRESHOLD = 3;

    private PolicyDefaults() {
    }

    /**
     * Retries: {@link Retries#DEFAULTS} for what is not given, except that asking to retry 5xx answers or resets
     * without saying how often means 3 attempts.
     */
    public static Retries retries(Integer attempts, boolean on5xx, boolean onReset, Long perTryTimeoutMillis,
                                  Integer budgetPercent, Integer minRetryConcurrency) {
        Retries d = Retries.DEFAULTS;
        int n = attempts != null ? attempts : Math.max(d.attempts(), on5xx || onReset ? 3 : d.attempts());
        return new Retries(n, on5xx, onReset, perTryTimeoutMillis, budgetPercent != null ? budgetPercent
                : d.budgetPercent(), minRetryConcurrency != null ? minRetryConcurrency : d.minRetryConcurrency());
    }

    /** An active health check of {@code path}; interval and timeout at least 1 ms. */
    public static ClusterPolicy.HealthCheck healthCheck(String path, Long intervalMillis, Long timeoutMillis,
                                                        Integer healthyThreshold, Integer unhealthyThreshold) {
        return new ClusterPolicy.HealthCheck(path,
                Math.max(1, intervalMillis == null ? HEALTH_CHECK_INTERVAL_MILLIS : intervalMillis),
                Math.max(1, timeoutMillis == null ? HEALTH_CHECK_TIMEOUT_MILLIS : timeoutMillis),
                healthyThreshold == null ? HEALTHY_THRESHOLD : healthyThreshold,
                unhealthyThreshold == null ? UNHEALTHY_THRESHOLD : unhealthyThreshold);
    }

    /**
     * Outlier detection, {@link ClusterPolicy.OutlierDetection#DEFAULTS} for what is not given; the base ejection
     * at least 1 ms and the maximum at least the base; null when nothing is given.
     */
    public static ClusterPolicy.OutlierDetection outlierDetection(Integer consecutiveFailures, Long baseEjectionMillis,
                                                                  Long maxEjectionMillis, Integer maxEjectionPercent) {
        if (consecutiveFailures == null && baseEjectionMillis == null && maxEjectionMillis == null
                && maxEjectionPercent == null) {
            return null;
        }
        ClusterPolicy.OutlierDetection d = ClusterPolicy.OutlierDetection.DEFAULTS;
        long base = baseEjectionMillis == null ? d.baseEjectionMillis() : Math.max(1, baseEjectionMillis);
        long max = Math.max(base, maxEjectionMillis == null ? d.maxEjectionMillis() : maxEjectionMillis);
        return new ClusterPolicy.OutlierDetection(consecutiveFailures == null ? d.consecutiveFailures()
                : consecutiveFailures, base, max, maxEjectionPercent == null ? d.maxEjectionPercent()
                : maxEjectionPercent);
    }
}
