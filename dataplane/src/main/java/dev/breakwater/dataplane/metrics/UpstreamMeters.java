package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream side of the proxy, by cluster: failed attempts by kind, retries, retries the retry budget refused,
 * and the mirrored copies of requests by how they ended. Each counter is registered with its first value.
 */
final class UpstreamMeters {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> budgetExhausted = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> mirrored = new ConcurrentHashMap<>();

    UpstreamMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void error(String cluster, ProxyMetrics.UpstreamError kind) {
        errors.computeIfAbsent(cluster + '\0' + kind, k -> Counter.builder("breakwater.upstream.errors")
                .description("Failed attempts to reach or hear from an endpoint")
                .tag("cluster", cluster).tag("kind", kind.name().toLowerCase(Locale.ROOT))
                .register(registry)).increment();
    }

    void mirrored(String cluster, String result) {
        mirrored.computeIfAbsent(cluster + '\0' + result, k -> Counter.builder("breakwater.mirror.requests")
                .description("Copies of requests sent to a mirror, by how they ended")
                .tag("cluster", cluster).tag("result", result).register(registry)).increment();
    }

    double mirroredCount(String cluster, String result) {
        Counter c = mirrored.get(cluster + '\0' + result);
        return c == null ? 0 : c.count();
    }

    void retry(String cluster) {
        perCluster(retries, "breakwater.upstream.retries", "Attempts sent again after a failure", cluster)
                .increment();
    }

    void retryBudgetExhausted(String cluster) {
        perCluster(budgetExhausted, "breakwater.upstream.retry.budget.exhausted",
                "Retries refused because the cluster's retry budget was used up", cluster).increment();
    }

    private Counter perCluster(ConcurrentHashMap<String, Counter> map, String name, String description,
                               String cluster) {
        return map.computeIfAbsent(cluster, c -> Counter.builder(name).description(description)
                .tag("cluster", c).register(registry));
    }
}
