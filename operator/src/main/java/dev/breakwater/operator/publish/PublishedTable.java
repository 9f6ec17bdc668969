package dev.breakwater.operator.publish;

import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.channel.CompressedFrame;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableDelta;
import dev.breakwater.routing.TableLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The latest table {@link TableServer#publish published}, in the forms its peers are sent, each made once for all of
 * them: the delta from the table published before it, compressed (protocol 2, to a data plane that holds that
 * table), deltas from a few older tables (made on first need, for data planes that skipped the versions in between),
 * the whole table as plain JSON (protocol 1, and the base of the next form; assembled on first need from its parts'
 * encodings, {@link PartEncodings}), and the whole table compressed (protocol 2 otherwise; made on first need, off
 * the event loops: at 10,000 hosts it compresses about 9 MB of JSON). A publication that every data plane takes as
 * a delta never encodes the whole table.
 */
final class PublishedTable {

    /** Older bases a publication makes deltas from (data planes that skipped versions): beyond, whole tables. */
    private static final int MAX_OLDER_BASES = 4;

    private final RoutingTable table;
    private final TableLayout layout;
    private final CompressedFrame delta;
    private final long publishedNanos;
    /** The whole table once asked for; guarded by this. */
    private ChannelMessage.Table message;
    private CompletableFuture<ChannelMessage.Table> plain;
    /** The compressed whole table once asked for; guarded by this. */
    private CompletableFuture<CompressedFrame> compressed;
    /**
     * Deltas from older tables than the one published before (to data planes that skipped versions), by base hash,
     * each made once on first need; a null result: none smaller than the table. Guarded by this; a few at most.
     */
    private final java.util.Map<String, CompletableFuture<CompressedFrame>> deltasFromOlder =
            new java.util.HashMap<>();

    private PublishedTable(RoutingTable table, TableLayout layout, CompressedFrame delta, long publishedNanos) {
        this.table = table;
        this.layout = layout;
        this.delta = delta;
        this.publishedNanos = publishedNanos;
    }

    /**
     * @param layout   {@code table}'s encoding, in parts
     * @param previous the table published before, or null; a delta from it is made unless the delta cannot say the
     *                 change (see {@link TableDelta#between}) or is no smaller than the table
     */
    static PublishedTable of(RoutingTable table, TableLayout layout, PublishedTable previous, long publishedNanos) {
        CompressedFrame delta = previous == null ? null : delta(previous.table, table, layout.length());
        return new PublishedTable(table, layout, delta, publishedNanos);
    }

    /**
     * The compressed delta from {@code base} to {@code table}, or null when there is none smaller than the table
     * ({@code tableBytes} encoded).
     */
    private static CompressedFrame delta(RoutingTable base, RoutingTable table, long tableBytes) {
        TableDelta d = TableDelta.between(base, table);
        if (d == null) {
            return null;
        }
        ChannelMessage.Delta m = ChannelMessage.Delta.of(d);
        return m.deltaJson().length < tableBytes ? CompressedFrame.of(m) : null;
    }

    /** The table this publication carries. */
    RoutingTable table() {
        return table;
    }

    long version() {
        return table.version();
    }

    String hash() {
        return table.hash();
    }

    long publishedNanos() {
        return publishedNanos;
    }

    /** The whole table, plain JSON, assembled the first time it is asked for (copying its parts' encodings). */
    synchronized ChannelMessage.Table message() {
        if (message == null) {
            message = new ChannelMessage.Table(table.version(), table.hash(), layout.json());
        }
        return message;
    }

    /** The whole table, plain JSON, assembled on {@code executor} the first time it is asked for. */
    synchronized CompletableFuture<ChannelMessage.Table> plain(Executor executor) {
        if (plain == null) {
            try {
                plain = CompletableFuture.supplyAsync(this::message, executor);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                return CompletableFuture.failedFuture(closing);
            }
        }
        return plain;
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
                f = CompletableFuture.supplyAsync(() -> delta(held, table, layout.length()), executor);
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
                compressed = CompletableFuture.supplyAsync(() -> CompressedFrame.of(message()), executor);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                return CompletableFuture.failedFuture(closing); // closing: nothing is sent any more
            }
        }
        return compressed;
    }
}
