package dev.breakwater.dataplane.backend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/1.1 connection to an endpoint, the last handler of its pipeline. While a request uses it, every
 * event is handed to its {@link Owner}; while it idles in its {@link UpstreamPool}, anything it receives is
 * unexpected and closes it. Lives on one event loop, the same as its owner's client connection.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    /** The party using a connection: the client connection whose request is being proxied. */
    public interface Owner {
        void upstreamRead(UpstreamConnection connection, Object msg);

        void upstreamReadComplete(UpstreamConnection connection);

        void upstreamWritabilityChanged(UpstreamConnection connection);

        void upstreamClosed(UpstreamConnection connection);
    }

    private final UpstreamPool pool;
    private final String key;
    private final boolean stream;
    /** The HTTP/1.1 codec of this connection; null for an HTTP/2 stream. */
    private final UpstreamHttpCodec codec;
    private Channel channel;
    private Owner owner;
    private long idleSinceNanos;
    private long openedNanos;
    private boolean reused;
    private int requests;
    private boolean cut;
    /** Limits of its own in place of the pool's, or -1 for the pool's (see {@link #keepLimits}). */
    private int maxIdle = -1;
    private int maxRequests = -1;
    private long idleLimitNanos = -1;
    /** Its place among its pool's {@link BusyConnections}, or -1 when it is not busy. */
    int busySlot = -1;

    UpstreamConnection(UpstreamPool pool, String key, UpstreamHttpCodec codec) {
        this.pool = pool;
        this.key = key;
        this.codec = codec;
        this.stream = codec == null;
    }

    /** True for an HTTP/2 stream: one request, never pooled (its connection is shared instead). */
    public boolean isStream() {
        return stream;
    }

    public Channel channel() {
        return channel;
    }

    /** The endpoint key ({@code address:port}) this connection goes to. */
    public String key() {
        return key;
    }

    /** True when this connection served an earlier request (so its peer may have closed it meanwhile). */
    public boolean reused() {
        return reused;
    }

    /** The requests this connection has carried to their end and been given back after. */
    int requestsCarried() {
        return requests;
    }

    public void attach(Owner newOwner) {
        assert channel.eventLoop().inEventLoop();
        this.owner = newOwner;
        keepLimits(-1, -1, -1); // the pool's, unless the new owner sets its own
        pool.busy(this);
        if (codec != null) {
            codec.idle(false);
        }
    }

    /** Hands a busy connection to another owner (a tunnel taking over from the request that opened it). */
    public void handOver(Owner newOwner) {
        assert channel.eventLoop().inEventLoop();
        this.owner = newOwner;
    }

    /**
     * Gives the connection back to its pool, or closes it if it cannot be reused: an HTTP/2 stream, or a connection
     * whose endpoint sent more than the response it declared.
     */
    public void release() {
        owner = null;
        pool.notBusy(this);
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        if (stream || codec.overrun()) {
            channel.close();
            return;
        }
        codec.idle(true);
        reused = true;
        requests++;
        pool.release(this);
    }

    /**
     * Closes a busy connection whose endpoint left the table, at its drain timeout: its owner sees it close, and
     * {@link #cutByDrainTimeout()} tells it that this was the drain's doing, not the endpoint's (so not a reset to retry).
     */
    void cutByDrain() {
        cut = true;
        channel.close();
    }

    /** True when the connection was closed at its endpoint's drain timeout. */
    public boolean cutByDrainTimeout() {
        return cut;
    }

    /** Detaches the owner and closes the connection. */
    public void discard() {
        owner = null;
        pool.notBusy(this);
        channel.close();
    }

    /**
     * Keeps this connection by limits of its own instead of its pool's (an authentication service's keep-alive):
     * at most {@code maxIdle} idle connections to its endpoint when it is given back (0: it is closed), closed after
     * {@code maxRequests} requests, or after {@code idleMillis} idle; a negative value leaves the pool's limit.
     */
    public void keepLimits(int maxIdle, int maxRequests, long idleMillis) {
        this.maxIdle = maxIdle;
        this.maxRequests = maxRequests;
        this.idleLimitNanos = idleMillis < 0 ? -1 : java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(idleMillis);
    }

    /** The idle connections its endpoint may keep when it is given back, or {@code pool}'s. */
    int maxIdle(int pool) {
        return maxIdle < 0 ? pool : maxIdle;
    }

    /** The requests it may carry, or {@code pool}'s limit (0: none). */
    int maxRequests(int pool) {
        return maxRequests < 0 ? pool : maxRequests;
    }

    /** How long it may stay idle, or {@code poolNanos}. */
    long idleLimitNanos(long poolNanos) {
        return idleLimitNanos < 0 ? poolNanos : idleLimitNanos;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void idleSince(long nanos) {
        this.idleSinceNanos = nanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
        this.openedNanos = System.nanoTime();
    }

    /** When it was opened ({@link System#nanoTime()} time), for the pool's {@code upstream-keepalive-time}. */
    long openedNanos() {
        return openedNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Owner o = owner;
        if (o != null) {
            o.upstreamRead(this, msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.upstreamReadComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.upstreamWritabilityChanged(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.removeIdle(this);
        pool.notBusy(this);
        Owner o = owner;
        owner = null;
        if (o != null) {
            o.upstreamClosed(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamPool.LOG.debug("upstream {}: {}", key, cause.toString());
        ctx.close();
    }
}
