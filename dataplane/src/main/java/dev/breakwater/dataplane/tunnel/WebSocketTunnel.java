package dev.breakwater.dataplane.tunnel;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.request.HopByHop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * An upgraded connection (WebSocket): once the endpoint's {@code 101} is relayed, bytes go both ways as they come,
 * with backpressure both ways, until either side closes. The upstream connection is never pooled again. Knows
 * nothing of WebSocket frames; the client connection's handler gives it what it reads and removes its HTTP codec,
 * and the tunnel removes the upstream connection's.
 */
public final class WebSocketTunnel implements UpstreamConnection.Owner {

    private final ChannelHandlerContext client;
    private final UpstreamConnection upstream;
    private final Runnable readingChanged;
    private boolean wrote;
    private boolean closed;

    /**
     * @param client         the client connection's handler context, where bytes for the client are written
     * @param readingChanged told when the client may be read, or not (the upstream's writability changed)
     */
    public WebSocketTunnel(ChannelHandlerContext client, UpstreamConnection upstream, Runnable readingChanged) {
        this.client = client;
        this.upstream = upstream;
        this.readingChanged = readingChanged;
        upstream.handOver(this);
    }

    /** Relays the endpoint's {@code 101} to the client, as the client's protocol switch. */
    public void accept(HttpResponse switching) {
        HttpHeaders h = switching.headers();
        HopByHop.strip(h);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        client.writeAndFlush(switching, client.voidPromise());
    }

    /** Removes the upstream connection's HTTP codec: any bytes it still holds come to the tunnel. */
    public void open() {
        upstream.channel().pipeline().remove("http");
    }

    /** Bytes from the client. */
    public void fromClient(Object msg) {
        Channel u = upstream.channel();
        if (closed || !(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        u.write(msg, u.voidPromise());
        wrote = true;
        if (!u.isWritable()) {
            readingChanged.run();
        }
    }

    /** The client's read burst ended: what it sent goes to the endpoint in one flush. */
    public void flush() {
        if (wrote) {
            wrote = false;
            upstream.channel().flush();
        }
    }

    /** False while the endpoint takes no more: the client is not read. */
    public boolean mayRead() {
        return upstream.channel().isWritable();
    }

    /** The client can take more, or cannot: the endpoint is read, or not. */
    public void clientWritable(boolean writable) {
        upstream.channel().config().setAutoRead(writable);
    }

    /** The client connection closed: so does the endpoint's. */
    public void clientClosed() {
        closed = true;
        upstream.discard();
    }

    @Override
    public void upstreamRead(UpstreamConnection c, Object msg) {
        if (msg instanceof ByteBuf buf) {
            client.write(buf, client.voidPromise());
            if (!client.channel().isWritable()) {
                c.channel().config().setAutoRead(false);
            }
        } else {
            ReferenceCountUtil.release(msg); // the empty end of the 101 response
        }
    }

    @Override
    public void upstreamReadComplete(UpstreamConnection c) {
        client.flush();
    }

    @Override
    public void upstreamWritabilityChanged(UpstreamConnection c) {
        readingChanged.run();
    }

    @Override
    public void upstreamClosed(UpstreamConnection c) {
        closed = true;
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
