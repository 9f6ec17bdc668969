package dev.breakwater.dataplane.trace;

import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's tracer: a server span per traced request, parented on a trusted incoming W3C {@code traceparent}
 * (or a new trace), sampled by ratio, and exported by OTLP/HTTP through the OpenTelemetry SDK's
 * {@link BatchSpanProcessor}: an ended span goes into its bounded queue (dropped when full) and the processor's own
 * thread exports batches, so an event loop never waits for the collector. {@link #OFF} traces nothing and costs
 * nothing per request.
 */
public final class Tracing implements AutoCloseable {

    /** Traces nothing. */
    public static final Tracing OFF = new Tracing();

    static final W3CTraceContextPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
    private static final String SCOPE = "dev.breakwater.dataplane";

    private final TracingConfig config;
    private final SdkTracerProvider provider;
    private final SdkMeterProvider meterProvider;
    private final ExportMeters meters;
    private final Tracer tracer;

    private Tracing() {
        this.config = TracingConfig.OFF;
        this.provider = null;
        this.meterProvider = null;
        this.meters = null;
        this.tracer = null;
    }

    private Tracing(TracingConfig config) {
        this.config = config;
        this.meters = new ExportMeters();
        this.meterProvider = SdkMeterProvider.builder().registerMetricReader(meters).build();
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(config.tracesUrl())
                .setTimeout(Duration.ofMillis(config.exportTimeoutMillis()))
                .setMeterProvider(meterProvider)
                .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
                .build();
        BatchSpanProcessor batches = BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(config.queueSpans())
                .setMaxExportBatchSize(config.effectiveBatchSpans())
                .setScheduleDelay(Duration.ofMillis(config.exportDelayMillis()))
                .setExporterTimeout(Duration.ofMillis(config.exportTimeoutMillis()))
                .setMeterProvider(meterProvider)
                .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
                .build();
        Resource resource = Resource.getDefault().merge(Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), config.serviceName())));
        this.provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(batches)
                .build();
        this.tracer = provider.get(SCOPE);
    }

    /** A tracer exporting as {@code config} says, or {@link #OFF} when it has no endpoint. */
    public static Tracing start(TracingConfig config) {
        return config.on() ? new Tracing(config) : OFF;
    }

    public TracingConfig config() {
        return config;
    }

    /** True when spans are made and exported. */
    public boolean on() {
        return tracer != null;
    }

    /**
     * True when a route's requests are traced: tracing is on and the route says yes, or says nothing and every route
     * is traced by default.
     *
     * @param routeSetting the route's {@code enable-opentelemetry} (null: unset)
     */
    public boolean traces(Boolean routeSetting) {
        return tracer != null && (routeSetting == null ? config.allRoutes() : routeSetting);
    }

    /** True when a route continues its clients' traceparents ({@code routeSetting} null: the data plane's default). */
    public boolean trusts(Boolean routeSetting) {
        return routeSetting == null ? config.trustIncoming() : routeSetting;
    }

    /**
     * Starts the server span of a request (call only when {@link #traces} said yes).
     *
     * @param headers the request's headers, whose {@code traceparent} and {@code tracestate} are read when trusted
     * @param trusted true: a valid incoming {@code traceparent} is the span's parent; false: a new trace starts
     * @param method  the request method (also the span's name, as the HTTP semantic conventions name a server span
     *                without a route template)
     */
    public RequestSpan begin(HttpHeaders headers, boolean trusted, String method) {
        Context parent = trusted ? PROPAGATOR.extract(Context.root(), headers, HeaderGetter.INSTANCE)
                : Context.root();
        SpanBuilder b = tracer.spanBuilder(HttpAttributes.spanName(method)).setSpanKind(SpanKind.SERVER)
                .setParent(parent);
        Span span = b.startSpan();
        return new RequestSpan(span, trusted);
    }

    /** Ended spans dropped because the export queue was full (0 with tracing off). */
    public long droppedSpans() {
        return meters == null ? 0 : meters.count(ExportMeters.PROCESSED, true);
    }

    /** Spans the collector accepted (0 with tracing off). */
    public long exportedSpans() {
        return meters == null ? 0 : meters.count(ExportMeters.EXPORTED, false);
    }

    /** Spans whose export failed: the collector unreachable, refusing, or too slow (0 with tracing off). */
    public long failedSpans() {
        return meters == null ? 0 : meters.count(ExportMeters.EXPORTED, true);
    }

    /** Exports what is queued (within the export timeout), then stops the exporter. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(config.exportTimeoutMillis() + 1000, TimeUnit.MILLISECONDS);
            meterProvider.shutdown().join(1, TimeUnit.SECONDS);
        }
    }

    /** Reads W3C Trace Context headers from Netty's request headers. */
    private enum HeaderGetter implements TextMapGetter<HttpHeaders> {
        INSTANCE;

        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
            return carrier.names();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }
}
