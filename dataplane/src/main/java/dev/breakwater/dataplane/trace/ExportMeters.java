package dev.breakwater.dataplane.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * The OpenTelemetry SDK's own counters of the span pipeline (its internal telemetry, the semantic conventions'
 * {@code otel.sdk.*} names), read when Prometheus scrapes: spans the batch processor dropped (its queue full), spans
 * the exporter sent and spans it failed to send. A pull reader: nothing is collected between scrapes.
 */
final class ExportMeters implements MetricReader {

    static final String PROCESSED = "otel.sdk.processor.span.processed";
    static final String EXPORTED = "otel.sdk.exporter.span.exported";
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration value) {
        this.registration = value;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        registration = CollectionRegistration.noop();
        return CompletableResultCode.ofSuccess();
    }

    /**
     * The sum of counter {@code metric}'s points, those with an {@code error.type} ({@code failed}) or those without.
     */
    long count(String metric, boolean failed) {
        long sum = 0;
        for (MetricData m : registration.collectAllMetrics()) {
            if (!m.getName().equals(metric) || m.getType() != MetricDataType.LONG_SUM) {
                continue;
            }
            for (LongPointData p : m.getLongSumData().getPoints()) {
                if ((p.getAttributes().get(ERROR_TYPE) != null) == failed) {
                    sum += p.getValue();
                }
            }
        }
        return sum;
    }
}
