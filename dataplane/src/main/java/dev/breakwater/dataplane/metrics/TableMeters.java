package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** The routing table being served: its version, when it was applied, and how many tables were applied. */
final class TableMeters {

    private final AtomicLong version = new AtomicLong();
    private final AtomicLong appliedMillis = new AtomicLong();
    private final Counter swaps;

    TableMeters(MeterRegistry registry) {
        Gauge.builder("breakwater.table.applied.timestamp", appliedMillis, t -> t.get() / 1000.0).baseUnit("seconds")
                .description("When the routing table being served was applied (Unix time); 0 before the first")
                .register(registry);
        Gauge.builder("breakwater.table.version", version, AtomicLong::get)
                .description("Version of the routing table being served").register(registry);
        swaps = Counter.builder("breakwater.table.swaps").description("Routing tables applied")
                .register(registry);
    }

    void applied(long tableVersion) {
        version.set(tableVersion);
        appliedMillis.set(System.currentTimeMillis());
        swaps.increment();
    }
}
