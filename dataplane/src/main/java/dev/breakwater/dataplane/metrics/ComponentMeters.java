package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Meters that read the counts other parts of the data plane keep themselves (the rate limiters' bucket store, the
 * access log's writer, the span export, the response cache), at each scrape.
 */
final class ComponentMeters {

    private final MeterRegistry registry;
    /**
     * The suppliers behind function gauges and counters: Micrometer holds their state only weakly, so a lambda bound
     * without another reference is collected and its meter reads NaN (or stops counting) after the next GC.
     */
    private final List<Object> bound = new CopyOnWriteArrayList<>();

    ComponentMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void rateLimiters(LongSupplier keys, long maxKeys) {
        bound.add(keys);
        Gauge.builder("breakwater.ratelimit.keys", keys, LongSupplier::getAsLong)
                .description("Rate-limit buckets (client keys) held in memory").register(registry);
        Gauge.builder("breakwater.ratelimit.keys.max", () -> maxKeys)
                .description("The most rate-limit buckets kept in memory").register(registry);
    }

    void accessLog(LongSupplier written, LongSupplier dropped) {
        bound.add(written);
        bound.add(dropped);
        FunctionCounter.builder("breakwater.access.log.lines", written,
                LongSupplier::getAsLong).description("Access-log lines written").register(registry);
        FunctionCounter.builder("breakwater.access.log.dropped", dropped,
                LongSupplier::getAsLong).description("Access-log lines dropped: the writer's queue was full")
                .register(registry);
    }

    void tracing(LongSupplier dropped, LongSupplier exported, LongSupplier failed) {
        bound.add(dropped);
        bound.add(exported);
        bound.add(failed);
        FunctionCounter.builder("breakwater.trace.spans.dropped", dropped,
                LongSupplier::getAsLong).description("Ended spans dropped: the export queue was full")
                .register(registry);
        FunctionCounter.builder("breakwater.trace.spans.exported", exported,
                LongSupplier::getAsLong).description("Spans the OTLP endpoint accepted").register(registry);
        FunctionCounter.builder("breakwater.trace.spans.export.failed", failed,
                LongSupplier::getAsLong).description("Spans whose export failed (endpoint unreachable, refusing "
                        + "or too slow)").register(registry);
    }

    void cache(LongSupplier bytes, LongSupplier entries, LongSupplier evictions) {
        bound.add(bytes);
        bound.add(entries);
        bound.add(evictions);
        Gauge.builder("breakwater.cache.bytes", bytes, LongSupplier::getAsLong)
                .description("Bytes held by the response cache (bodies and headers)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("breakwater.cache.entries", entries, LongSupplier::getAsLong)
                .description("Keys held by the response cache").register(registry);
        FunctionCounter.builder("breakwater.cache.evictions", evictions, LongSupplier::getAsLong)
                .description("Keys dropped from the response cache to stay within its byte limit")
                .register(registry);
    }
}
