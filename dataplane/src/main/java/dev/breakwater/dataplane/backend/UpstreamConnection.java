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
    private boolean reused;
    private int requests;
    private boolean cut;
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

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void idleSince(long nanos) {
        this.idleSinceNanos = nanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
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
