package dev.breakwater.operator.publish;

import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.channel.CompressedFrame;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableDelta;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The latest table {@link TableServer#publish published}, in the forms its peers are sent, each made once for all of
 * them: the whole table as plain JSON (protocol 1), the delta from the table published before it, compressed
 * (protocol 2, to a data plane that holds that table), deltas from a few older tables (made on first need, for data
 * planes that skipped the versions in between), and the whole table compressed (protocol 2 otherwise; made on
 * first need, off the event loops: at 10,000 hosts it compresses about 9 MB of JSON).
 */
final class PublishedTable {

    /** Older bases a publication makes deltas from (data planes that skipped versions): beyond, whole tables. */
    private static final int MAX_OLDER_BASES = 4;

    private final RoutingTable table;
    private final ChannelMessage.Table message;
    private final CompressedFrame delta;
    private final long publishedNanos;
    /** The compressed whole table once asked for; guarded by this. */
    private CompletableFuture<CompressedFrame> compressed;
    /**
     * Deltas from older tables than the one published before (to data planes that skipped versions), by base hash,
     * each made once on first need; a null result: none smaller than the table. Guarded by this; a few at most.
     */
    private final java.util.Map<String, CompletableFuture<CompressedFrame>> deltasFromOlder =
            new java.util.HashMap<>();

    private PublishedTable(RoutingTable table, ChannelMessage.Table message, CompressedFrame delta,
                           long publishedNanos) {
        this.table = table;
        this.message = message;
        this.delta = delta;
        this.publishedNanos = publishedNanos;
    }

    /**
     * @param message  {@code table}, encoded
     * @param previous the table published before, or null; a delta from it is made unless the delta cannot say the
     *                 change (see {@link TableDelta#between}) or is no smaller than the table
     */
    static PublishedTable of(RoutingTable table, ChannelMessage.Table message, PublishedTable previous,
                             long publishedNanos) {
        CompressedFrame delta = previous == null ? null : delta(previous.table, table, message);
        return new PublishedTable(table, message, delta, publishedNanos);
    }

    /** The compressed delta from {@code base} to {@code table}, or null when there is none smaller than the table. */
    private static CompressedFrame delta(RoutingTable base, RoutingTable table, ChannelMessage.Table message) {
        TableDelta d = TableDelta.between(base, table);
        if (d == null) {
            return null;
        }
        ChannelMessage.Delta m = ChannelMessage.Delta.of(d);
        return m.deltaJson().length < message.tableJson().length ? CompressedFrame.of(m) : null;
    }

    /** The table this publication carries. */
    RoutingTable table() {
        return table;
    }

    long version() {
        return message.version();
    }

    String hash() {
        return message.hash();
    }

    long publishedNanos() {
        return publishedNanos;
    }

    /** The whole table, plain JSON. */
    ChannelMessage.Table message() {
        return message;
    }

    /** The delta to this table from the content of {@code hash}, or null when there is none from it. */
    CompressedFrame deltaFrom(String hash) {
        return delta != null && hash != null && ((ChannelMessage.Delta) delta.message()).baseHash().equals(hash)
                ? delta : null;
    }

    /**
     * The delta to this table from an older one ({@code held}: a data plane skipped the versions in between), made on
     * {@code executor} the first time it is asked for from that base; it completes with null when there is none
     * smaller than the table.
     */
    synchronized CompletableFuture<CompressedFrame> deltaFromOlder(RoutingTable held, Executor executor) {
        CompletableFuture<CompressedFrame> f = deltasFromOlder.get(held.hash());
        if (f == null) {
            if (deltasFromOlder.size() >= MAX_OLDER_BASES) {
                return CompletableFuture.completedFuture(null); // many data planes far behind: the whole table
            }
            try {
                f = CompletableFuture.supplyAsync(() -> delta(held, table, message), executor);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                return CompletableFuture.completedFuture(null);
            }
            deltasFromOlder.put(held.hash(), f);
        }
        return f;
    }

    /** The whole table compressed, made on {@code executor} the first time it is asked for. */
    synchronized CompletableFuture<CompressedFrame> compressed(Executor executor) {
        if (compressed == null) {
            try {
                compressed = CompletableFuture.supplyAsync(() -> CompressedFrame.of(message), executor);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                return CompletableFuture.failedFuture(closing); // the plain table is sent instead
            }
        }
        return compressed;
    }
}
