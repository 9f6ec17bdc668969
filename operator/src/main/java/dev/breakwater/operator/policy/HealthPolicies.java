package dev.breakwater.operator.policy;

import dev.breakwater.routing.ClusterPolicy;
import java.util.function.Consumer;

/** Active health checks and outlier detection of a cluster's endpoints, with their defaults. */
public final class HealthPolicies {

    /** Active health checks: interval, timeout and thresholds when not given. */
    public static final long HEALTH_CHECK_INTERVAL_MILLIS = 5_000;
    public static final long HEALTH_CHECK_TIMEOUT_MILLIS = 1_000;
    public static final int HEALTHY_THRESHOLD = 2;
    public static final int UNHEALTHY_THRESHOLD = 3;

    private HealthPolicies() {
    }

    /**
     * An active health check of {@code path} (which the caller checked starts with {@code /}); interval and timeout
     * at least 1 ms, the defaults for what is null. Null when the values cannot be a health check (the reason goes to
     * {@code problem}).
     */
    public static ClusterPolicy.HealthCheck healthCheck(String path, Long intervalMillis, Long timeoutMillis,
                                                        Integer healthyThreshold, Integer unhealthyThreshold,
                                                        Consumer<String> problem) {
        try {
            return new ClusterPolicy.HealthCheck(path,
                    Math.max(1, intervalMillis == null ? HEALTH_CHECK_INTERVAL_MILLIS : intervalMillis),
                    Math.max(1, timeoutMillis == null ? HEALTH_CHECK_TIMEOUT_MILLIS : timeoutMillis),
                    healthyThreshold == null ? HEALTHY_THRESHOLD : healthyThreshold,
                    unhealthyThreshold == null ? UNHEALTHY_THRESHOLD : unhealthyThreshold);
        } catch (IllegalArgumentException e) {
            problem.accept(e.getMessage());
            return null;
        }
    }

    /**
     * Outlier detection, {@link ClusterPolicy.OutlierDetection#DEFAULTS} for what is not given; the base ejection
     * at least 1 ms and the maximum at least the base; null when nothing is given, or when the values cannot be
     * outlier detection (the reason goes to {@code problem}).
     */
    public static ClusterPolicy.OutlierDetection outlierDetection(Integer consecutiveFailures, Long baseEjectionMillis,
                                                                  Long maxEjectionMillis, Integer maxEjectionPercent,
                                                                  Consumer<String> problem) {
        if (consecutiveFailures == null && baseEjectionMillis == null && maxEjectionMillis == null
                && maxEjectionPercent == null) {
            return null;
        }
        ClusterPolicy.OutlierDetection d = ClusterPolicy.OutlierDetection.DEFAULTS;
        long base = baseEjectionMillis == null ? d.baseEjectionMillis() : Math.max(1, baseEjectionMillis);
        long max = Math.max(base, maxEjectionMillis == null ? d.maxEjectionMillis() : maxEjectionMillis);
        try {
            return new ClusterPolicy.OutlierDetection(consecutiveFailures == null ? d.consecutiveFailures()
                    : consecutiveFailures, base, max, maxEjectionPercent == null ? d.maxEjectionPercent()
                    : maxEjectionPercent);
        } catch (IllegalArgumentException e) {
            problem.accept(e.getMessage());
            return null;
        }
    }
}
