package dev.breakwater.operator.publish;

import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.channel.ChannelPipelines;
import dev.breakwater.channel.CompressedFrame;
import dev.breakwater.routing.RoutingTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's side of one data plane's connection to the {@link TableServer}, once its TLS handshake verified it:
 * its {@code HELLO}, the tables sent to it (at most one being written, and behind it only the latest), its
 * {@code ACK}s and {@code NACK}s.
 */
final class DataPlaneConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneConnection.class);
    private final TableServer server;
    private final Channel channel;
    private ChannelMessage.Hello hello;
    private Instant since;
    private long helloNanos;
    private boolean writing;
    private long sentVersion = -1;
    private long servedVersion = -1;
    /** The protocol spoken with it: the highest both ends speak. */
    private int protocol = ChannelMessage.PROTOCOL;
    /** The content the data plane holds once it applied what it was sent, or null when that is not known. */
    private String heldHash;
    /** It could not apply the last delta sent: the whole table goes next. */
    private boolean resyncWanted;
    /**
     * The table sent last (or named by the HELLO), the base of a delta when later ones were published meanwhile; the
     * table only, not its encodings.
     */
    private RoutingTable sentTable;
    private DataPlaneStatus.Answer lastAnswer;
    private AtomicLong servedGauge;
    // confined to the connection's event loop, but status
    /** The latest snapshot, read by any thread. */
    volatile DataPlaneStatus status;

    DataPlaneConnection(TableServer server, Channel channel) {
        this.server = server;
        this.channel = channel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (hello == null) {
            if (msg instanceof ChannelMessage.Hello h) {
                onHello(h);
            } else if (!(msg instanceof ChannelMessage.Ping) && !(msg instanceof ChannelMessage.Pong)) {
                refuse("sent " + msg + " before HELLO");
            }
            return;
        }
        if (msg instanceof ChannelMessage.Ack a) {
            onAnswer(a.version(), true, null);
        } else if (msg instanceof ChannelMessage.Nack n && n.resync() && protocol >= 2) {
            onResync(n);
        } else if (msg instanceof ChannelMessage.Nack n) {
            onAnswer(n.version(), false, n.reason());
        } else if (!(msg instanceof ChannelMessage.Ping) && !(msg instanceof ChannelMessage.Pong)) {
            refuse("sent " + msg);
        }
    }

    private void refuse(String why) {
        LOG.warn("push channel: closing {} ({}): {}", hello == null ? "?" : hello.id(), channel.remoteAddress(),
                why);
        channel.close();
    }

    private void onHello(ChannelMessage.Hello h) {
        if (h.protocol() != ChannelMessage.PROTOCOL) {
            refuse("protocol " + h.protocol() + " (this operator speaks " + ChannelMessage.PROTOCOL + ")");
            return;
        }
        hello = h;
        protocol = Math.min(h.maxProtocol(), ChannelMessage.MAX_PROTOCOL);
        heldHash = h.lastHash();
        since = Instant.now();
        helloNanos = System.nanoTime();
        PublishedTable p = server.latest();
        if (p != null && p.hash().equals(h.lastHash())) {
            servedVersion = p.version();
            sentVersion = p.version();
            sentTable = p.table();
        }
        updateStatus();
        TableServer.Joined joined = server.joined(h.id(), this);
        servedGauge = joined.servedGauge();
        DataPlaneConnection replaced = joined.replaced();
        if (replaced != null) {
            LOG.info("push channel: {} reconnected from {}; closing its older connection", h.id(),
                    channel.remoteAddress());
            replaced.channel.close();
        }
        servedGauge.set(servedVersion);
        LOG.info("push channel: data plane {} connected from {} (serving {}; protocol {})", h.id(),
                channel.remoteAddress(), h.lastHash() == null ? "no table" : "v" + h.lastVersion() + ", "
                        + h.lastHash(), protocol);
        if (servedVersion >= 0) {
            answered(new DataPlaneStatus.Answer(servedVersion, true, null, since));
        } else {
            server.dataPlanesChanged();
        }
        offer();
    }

    /**
     * Sends the latest table unless one is being written or it was sent already; any thread. Protocol 1: the whole
     * table (once it is assembled, off the event loop). Protocol 2: the delta to it when the data plane holds the
     * table it is made from, else the whole table, compressed (once that is made).
     */
    void offer() {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(this::offer);
            return;
        }
        PublishedTable p = server.latest();
        if (hello == null || writing || !channel.isActive() || p == null
                || (p.version() <= sentVersion && !resyncWanted)) {
            return;
        }
        Object frame = null;
        boolean delta = false;
        if (protocol < 2) {
            CompletableFuture<ChannelMessage.Table> whole = p.plain(server.compressor());
            if (!whole.isDone()) {
                whole.whenComplete((done, failure) -> offer());
                return;
            }
            if (whole.isCompletedExceptionally()) {
                return; // closing
            }
            frame = whole.join();
        } else {
            CompressedFrame d = resyncWanted ? null : p.deltaFrom(heldHash);
            if (d == null && !resyncWanted && sentTable != null && sentTable.hash().equals(heldHash)) {
                // it skipped versions: the delta from the table it holds, if one is smaller than the table
                CompletableFuture<CompressedFrame> older = p.deltaFromOlder(sentTable, server.compressor());
                if (!older.isDone()) {
                    older.whenComplete((done, failure) -> offer());
                    return;
                }
                d = older.isCompletedExceptionally() ? null : older.join();
            }
            if (d != null) {
                frame = d;
                delta = true;
            } else {
                CompletableFuture<CompressedFrame> whole = p.compressed(server.compressor());
                if (!whole.isDone()) {
                    whole.whenComplete((done, failure) -> offer());
                    return;
                }
                // should compressing have failed, the plain table (assembled here, a copy of its parts)
                frame = whole.isCompletedExceptionally() ? p.message() : whole.join();
            }
        }
        writing = true;
        sentVersion = p.version();
        sentTable = p.table();
        heldHash = p.hash();
        resyncWanted = false;
        server.meters().sent(delta);
        channel.writeAndFlush(frame).addListener((ChannelFuture f) -> {
            writing = false;
            if (f.isSuccess()) {
                offer(); // a later table may have been published meanwhile
            }
        });
    }

    /**
     * The data plane could not apply a delta to the table it serves: not a refusal of the table (no NACK for the
     * meters, the status or the listener), but a request for the whole of it, unless a later table is on its way.
     */
    private void onResync(ChannelMessage.Nack n) {
        if (n.version() > sentVersion) {
            refuse("NACK for v" + n.version() + ", never sent to it");
            return;
        }
        server.meters().resynced();
        LOG.info("push channel: data plane {} could not apply the delta to v{} ({}); sending the whole table",
                hello.id(), n.version(), n.reason());
        if (n.version() == sentVersion) {
            heldHash = null;
            resyncWanted = true;
            offer();
        }
    }

    private void onAnswer(long version, boolean acked, String reason) {
        if (version > sentVersion) {
            refuse((acked ? "ACK" : "NACK") + " for v" + version + ", never sent to it");
            return;
        }
        DataPlaneStatus.Answer answer = new DataPlaneStatus.Answer(version, acked, reason, Instant.now());
        if (acked) {
            Long published = server.publishedNanos(version);
            if (published != null) {
                long from = published - helloNanos < 0 ? helloNanos : published; // nanoTime: compare by difference
                server.meters().pushLatency(System.nanoTime() - from);
            }
            if (version > servedVersion) {
                servedVersion = version;
                servedGauge.set(version);
            }
        } else {
            server.meters().nacked();
            LOG.warn("push channel: data plane {} refused table v{}: {}", hello.id(), version, reason);
            if (version == sentVersion) {
                heldHash = null; // it serves what it had before, which is not known here
            }
        }
        lastAnswer = answer;
        updateStatus();
        answered(answer);
    }

    private void answered(DataPlaneStatus.Answer answer) {
        server.answered(status, answer);
    }

    /** The latest snapshot of this data plane's state; any thread. */
    DataPlaneStatus status() {
        return status;
    }

    /** Closes the connection (a newer one of the same data plane replaced it). */
    void close() {
        channel.close();
    }

    private void updateStatus() {
        status = new DataPlaneStatus(hello.id(), hello.node(), hello.pod(),
                String.valueOf(channel.remoteAddress()), since, servedVersion, lastAnswer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (hello != null) {
            server.left(hello.id(), this);
            LOG.info("push channel: data plane {} disconnected", hello.id());
            server.dataPlanesChanged();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        refuse(ChannelPipelines.describe(cause));
    }
}
