package dev.breakwater.operator.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link TableServer}'s meters (see {@code docs/push-channel.md}, "What the operator knows"): data planes
 * connected, the version published last, the version each data plane serves, push latency, NACKs, tables sent whole
 * or as deltas, resyncs.
 */
final class ChannelMeters {

    private final MeterRegistry registry;
    /** The served-version gauge's value per data-plane id. */
    private final Map<String, AtomicLong> servedVersions = new ConcurrentHashMap<>();
    private final Map<String, Gauge> servedVersionGauges = new ConcurrentHashMap<>();
    private final Timer pushLatency;
    private final Counter nacks;
    private final Counter fullTablesSent;
    private final Counter deltasSent;
    private final Counter resyncs;
    private final List<Meter> fixed;

    /**
     * @param peers  the connected data planes, whose size the connected gauge reads
     * @param server whose {@link TableServer#latestVersion} the published-version gauge reads
     */
    ChannelMeters(MeterRegistry registry, Map<String, ?> peers, TableServer server) {
        this.registry = registry;
        Gauge connected = Gauge.builder("breakwater.channel.dataplanes.connected", peers, Map::size)
                .description("Data planes connected to the push channel").register(registry);
        Gauge published = Gauge.builder("breakwater.channel.table.version", server, TableServer::latestVersion)
                .description("Version of the table published last (-1 before the first)").register(registry);
        pushLatency = Timer.builder("breakwater.channel.push.latency")
                .description("From a table's publication to a data plane's ACK").register(registry);
        nacks = Counter.builder("breakwater.channel.nacks")
                .description("Tables refused by a data plane").register(registry);
        fullTablesSent = Counter.builder("breakwater.channel.tables.sent").tag("kind", "full")
                .description("Tables sent to data planes, whole or as a delta").register(registry);
        deltasSent = Counter.builder("breakwater.channel.tables.sent").tag("kind", "delta")
                .description("Tables sent to data planes, whole or as a delta").register(registry);
        resyncs = Counter.builder("breakwater.channel.resyncs")
                .description("Deltas a data plane could not apply to the table it serves (answered with the whole "
                        + "table)").register(registry);
        fixed = List.of(connected, published, pushLatency, nacks, fullTablesSent, deltasSent, resyncs);
    }

    /** The served-version gauge of data plane {@code id} (registered with its first connection, -1 until set). */
    AtomicLong servedVersion(String id) {
        return servedVersions.computeIfAbsent(id, i -> {
            AtomicLong v = new AtomicLong(-1);
            servedVersionGauges.put(i, Gauge.builder("breakwater.channel.dataplane.table.version", v,
                            AtomicLong::get).tag("dataplane", i)
                    .description("Version of the table a data plane serves").register(registry));
            return v;
        });
    }

    /** Data plane {@code id} left: its served-version gauge goes. */
    void left(String id) {
        servedVersions.remove(id);
        Gauge g = servedVersionGauges.remove(id);
        if (g != null) {
            registry.remove(g);
        }
    }

    void pushLatency(long nanos) {
        pushLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void nacked() {
        nacks.increment();
    }

    void sent(boolean delta) {
        (delta ? deltasSent : fullTablesSent).increment();
    }

    void resynced() {
        resyncs.increment();
    }

    /** Removes every meter from the registry. */
    void close() {
        fixed.forEach(registry::remove);
        servedVersionGauges.values().forEach(registry::remove);
    }
}
