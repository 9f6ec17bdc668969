package dev.breakwater.dataplane.channel;

import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableDelta;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables and deltas a {@link TableClient} received, applied on a thread of their own and answered. Messages that
 * arrive while one is being applied are taken together: the first whole table among them (or the table served) and
 * the deltas after it give one table, which alone is applied (so its router is built once) and answered; the
 * versions in between are never answered, as the operator expects of versions skipped.
 *
 * <p>A delta that cannot be applied to the table it follows (another base, a part that is not its hash, a result
 * that is not the hash announced) is answered {@code NACK} with {@code resync}: the operator then sends the whole
 * table. A table the data plane refuses is answered {@code NACK} with the reason, and the previous one keeps serving.
 */
final class TableApplier {

    private static final Logger LOG = LoggerFactory.getLogger(TableApplier.class);
    private static final int MAX_REASON_CHARS = 4096;

    private final TableSink dataPlane;
    private final TableCache cache;
    /** Received and not yet applied, in order; guarded by itself. */
    private final List<Received> pending = new ArrayList<>();

    /** A table or delta, the connection it came on (where its answer goes), and when ({@link System#nanoTime()}). */
    private record Received(Channel channel, ChannelMessage message, long nanos) {
    }

    /** The table some messages give, or why they give none. */
    private record Outcome(RoutingTable table, ChannelMessage.Table whole, TableChanges changes, String failure,
                           boolean resync) {
    }

    TableApplier(TableSink dataPlane, TableCache cache) {
        this.dataPlane = dataPlane;
        this.cache = cache;
    }

    /** Keeps a {@code TABLE} or {@code DELTA} for {@link #applyPending}; any thread. */
    void received(Channel channel, ChannelMessage message) {
        synchronized (pending) {
            pending.add(new Received(channel, message, System.nanoTime()));
        }
    }

    /** On the applier thread: every message received so far, applied as one table and answered. */
    void applyPending() {
        List<Received> batch;
        synchronized (pending) {
            if (pending.isEmpty()) {
                return; // an earlier call took them
            }
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        Received last = batch.get(batch.size() - 1);
        long version = version(last.message());
        long started = System.nanoTime();
        Outcome outcome = fold(batch);
        long built = System.nanoTime();
        ChannelMessage answer;
        boolean applied = false;
        if (outcome.failure() != null) {
            answer = new ChannelMessage.Nack(version, reason(outcome.failure()), outcome.resync());
            LOG.warn("push channel: {} v{}: {}", outcome.resync() ? "cannot apply the delta to" : "refused table",
                    version, outcome.failure() + (outcome.resync() ? "; asking for the whole table"
                            : "; the previous table keeps serving"));
        } else {
            RoutingTable table = outcome.table();
            try {
                RoutingTable current = dataPlane.table();
                if (current == null || current.version() != table.version() || !current.sameContentAs(table)) {
                    dataPlane.apply(table, outcome.changes());
                    applied = true;
                    long done = System.nanoTime();
                    // waited: from its frame decoded on the event loop to this thread taking it
                    LOG.info("push channel: applied table v{} ({}{}; waited {} µs, built in {} µs, applied in {} µs)",
                            table.version(), table.hash(), outcome.whole() == null ? ", from a delta" : "",
                            micros(started - last.nanos()), micros(built - started), micros(done - built));
                    if (outcome.whole() != null && cache != null) {
                        store(outcome.whole().tableJson(), version);
                    }
                }
                answer = new ChannelMessage.Ack(table.version());
            } catch (RuntimeException e) {
                String reason = reason(e.getMessage() == null ? e.toString() : e.getMessage());
                LOG.warn("push channel: refused table v{}: {}; the previous table keeps serving", version, reason);
                answer = new ChannelMessage.Nack(version, reason);
            }
        }
        if (last.channel().isActive()) {
            last.channel().writeAndFlush(answer);
        }
        if (applied && outcome.whole() == null && cache != null && idle()) {
            // a table made from deltas has no JSON of its own: written after the answer, and only when no other
            // table waits (a later one is written instead)
            store(TableCodec.encode(outcome.table()), version);
        }
    }

    /** The table the messages give, applied one after the other from the table served. */
    private Outcome fold(List<Received> batch) {
        RoutingTable table = dataPlane.table();
        ChannelMessage.Table whole = null;
        // what the deltas since the table served change (null after a whole table: the data plane compares)
        TableChanges changes = null;
        boolean fromServed = true;
        String failure = null;
        boolean resync = false;
        for (Received r : batch) {
            try {
                if (r.message() instanceof ChannelMessage.Table t) {
                    table = t.decode();
                    whole = t;
                    changes = null;
                    fromServed = false;
                } else if (r.message() instanceof ChannelMessage.Delta d) {
                    if (table == null) {
                        throw new IllegalArgumentException("delta v" + d.baseVersion() + " -> v" + d.version()
                                + ": " + (failure == null ? "no table is served" : "the table before it failed")
                                + ", so there is none to apply it to");
                    }
                    TableDelta delta = d.decode();
                    table = delta.applyTo(table);
                    whole = null;
                    if (fromServed) {
                        changes = changes == null ? TableChanges.of(delta) : changes.then(delta);
                    }
                }
                failure = null;
            } catch (RuntimeException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
                resync = r.message() instanceof ChannelMessage.Delta;
                table = null; // what follows cannot build on it
                whole = null;
                changes = null;
                fromServed = false;
            }
        }
        return new Outcome(table, whole, changes, failure, resync);
    }

    private boolean idle() {
        synchronized (pending) {
            return pending.isEmpty();
        }
    }

    private void store(byte[] tableJson, long version) {
        try {
            cache.store(tableJson);
        } catch (IOException e) {
            LOG.warn("table cache {}: cannot write table v{}: {}", cache.file(), version, e.toString());
        }
    }

    private static long micros(long nanos) {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMicros(nanos);
    }

    private static long version(ChannelMessage m) {
        return m instanceof ChannelMessage.Delta d ? d.version() : ((ChannelMessage.Table) m).version();
    }

    private static String reason(String reason) {
        return reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "..." : reason;
    }
}
