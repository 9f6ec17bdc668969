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
 * (protocol 2, to a data plane that holds that table), and the whole table compressed (protocol 2 otherwise; made on
 * first need, off the event loops: at 10,000 hosts it compresses about 9 MB of JSON).
 */
final class PublishedTable {

    private final RoutingTable table;
    private final ChannelMessage.Table message;
    private final CompressedFrame delta;
    private final long publishedNanos;
    /** The compressed whole table once asked for; guarded by this. */
    private CompletableFuture<CompressedFrame> compressed;

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
        CompressedFrame delta = null;
        if (previous != null) {
            TableDelta d = TableDelta.between(previous.table, table);
            if (d != null) {
                ChannelMessage.Delta m = ChannelMessage.Delta.of(d);
                if (m.deltaJson().length < message.tableJson().length) {
                    delta = CompressedFrame.of(m);
                }
            }
        }
        return new PublishedTable(table, message, delta, publishedNanos);
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
