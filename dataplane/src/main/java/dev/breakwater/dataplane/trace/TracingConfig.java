package dev.breakwater.dataplane.trace;

import java.net.URI;
import java.util.Locale;

/**
 * How the data plane traces requests: where spans go (no endpoint: no tracing), which share of new traces is
 * sampled, whether clients' {@code traceparent} headers are continued, which routes are traced when they say
 * nothing, and the bounds of the export (spans waiting, spans per export, the wait between exports, the longest
 * export).
 *
 * @param endpoint          the OTLP/HTTP traces URL ({@code http://collector:4318/v1/traces}), or null for no tracing
 * @param sampleRatio       the share of new traces (no trusted parent) that are sampled, from 0 to 1; a trusted
 *                          parent's sampled flag is followed
 * @param trustIncoming     true: a client's {@code traceparent} is continued; false: every request starts a trace
 *                          (a route may say otherwise)
 * @param allRoutes         true: every route is traced unless it turns tracing off; false: only routes that turn it
 *                          on ({@code enable-opentelemetry: "true"})
 * @param serviceName       the {@code service.name} of the spans' resource
 * @param queueSpans        ended spans waiting for the exporter at most; beyond, spans are dropped
 * @param batchSpans        spans sent in one export at most (the queue's bound where it is smaller)
 * @param exportDelayMillis the wait between two exports
 * @param exportTimeoutMillis the longest one export may take
 */
public record TracingConfig(URI endpoint, double sampleRatio, boolean trustIncoming, boolean allRoutes,
                            String serviceName, int queueSpans, int batchSpans, long exportDelayMillis,
                            long exportTimeoutMillis) {

    /** No tracing; when an endpoint is set: every route, every trace sampled, clients' traceparents trusted. */
    public static final TracingConfig OFF = new TracingConfig(null, 1.0, true, true, "breakwater", 2048, 512, 5000,
            10000);

    public TracingConfig {
        if (endpoint != null) {
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
                throw new IllegalArgumentException("OTLP endpoint: '" + endpoint
                        + "' (expected: an http or https URL such as http://otel-collector:4318)");
            }
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("trace sample ratio: " + sampleRatio + " (expected: from 0 to 1)");
        }
        if (serviceName == null || serviceName.isBlank()) {
            throw new IllegalArgumentException("trace service name: empty (expected: a name such as breakwater)");
        }
        if (queueSpans < 1 || batchSpans < 1) {
            throw new IllegalArgumentException("trace export: queue " + queueSpans + ", batch " + batchSpans
                    + " (expected: both at least 1)");
        }
        if (exportDelayMillis < 1 || exportTimeoutMillis < 1) {
            throw new IllegalArgumentException("trace export: delay " + exportDelayMillis + "ms, timeout "
                    + exportTimeoutMillis + "ms (expected: both at least 1ms)");
        }
    }

    /** True when spans are exported. */
    public boolean on() {
        return endpoint != null;
    }

    /**
     * The URL spans are posted to: {@code endpoint} itself when it has a path, else its {@code /v1/traces} (as the
     * OpenTelemetry SDK's {@code OTEL_EXPORTER_OTLP_ENDPOINT} is read).
     */
    public String tracesUrl() {
        String path = endpoint.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return endpoint.resolve("/v1/traces").toString();
        }
        return endpoint.toString();
    }

    /** Spans sent in one export at most: the batch's bound, or the queue's where it is smaller. */
    public int effectiveBatchSpans() {
        return Math.min(batchSpans, queueSpans);
    }

    public TracingConfig withEndpoint(URI value) {
        return new TracingConfig(value, sampleRatio, trustIncoming, allRoutes, serviceName, queueSpans, batchSpans,
                exportDelayMillis, exportTimeoutMillis);
    }

    public TracingConfig withSampleRatio(double value) {
        return new TracingConfig(endpoint, value, trustIncoming, allRoutes, serviceName, queueSpans, batchSpans,
                exportDelayMillis, exportTimeoutMillis);
    }

    public TracingConfig withTrustIncoming(boolean value) {
        return new TracingConfig(endpoint, sampleRatio, value, allRoutes, serviceName, queueSpans, batchSpans,
                exportDelayMillis, exportTimeoutMillis);
    }

    public TracingConfig withAllRoutes(boolean value) {
        return new TracingConfig(endpoint, sampleRatio, trustIncoming, value, serviceName, queueSpans, batchSpans,
                exportDelayMillis, exportTimeoutMillis);
    }

    public TracingConfig withServiceName(String value) {
        return new TracingConfig(endpoint, sampleRatio, trustIncoming, allRoutes, value, queueSpans, batchSpans,
                exportDelayMillis, exportTimeoutMillis);
    }

    public TracingConfig withQueueSpans(int value) {
        return new TracingConfig(endpoint, sampleRatio, trustIncoming, allRoutes, serviceName, value, batchSpans,
                exportDelayMillis, exportTimeoutMillis);
    }

    public TracingConfig withBatchSpans(int value) {
        return new TracingConfig(endpoint, sampleRatio, trustIncoming, allRoutes, serviceName, queueSpans, value,
                exportDelayMillis, exportTimeoutMillis);
    }

    public TracingConfig withExportDelayMillis(long value) {
        return new TracingConfig(endpoint, sampleRatio, trustIncoming, allRoutes, serviceName, queueSpans, batchSpans,
                value, exportTimeoutMillis);
    }

    public TracingConfig withExportTimeoutMillis(long value) {
        return new TracingConfig(endpoint, sampleRatio, trustIncoming, allRoutes, serviceName, queueSpans, batchSpans,
                exportDelayMillis, value);
    }
}
