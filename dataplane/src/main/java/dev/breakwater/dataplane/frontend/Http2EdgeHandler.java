package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The one handler of an HTTP/2 client connection's streams: Netty's frame codec (HPACK, flow control, stream states,
 * GOAWAY and its graceful close), whose frames are read by the connection's {@link Http2Streams} and whose streams
 * write through the encoder, with no channel, pipeline or frame object per stream. Flushes coalesce: once at the end
 * of each read burst of the connection (the codec's own), and once per event-loop task for what streams wrote while
 * the connection was not being read (responses relayed from the endpoints, {@link #flushSoon()}). A connection error
 * is passed on to the next handler, which counts it, before the codec answers it with GOAWAY. Confined to the
 * connection's event loop.
 */
final class Http2EdgeHandler extends Http2ConnectionHandler {

    private final Http2Streams streams;
    private final Runnable flushTask = this::flushNow;
    private ChannelHandlerContext ctx;
    private boolean flushScheduled;

    Http2EdgeHandler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                     ProxyServices services, Http2ClientOrigin origin) {
        super(decoder, encoder, settings);
        streams = new Http2Streams(this, services, origin);
        decoder.frameListener(streams);
        connection().addListener(streams);
        encoder.flowController().listener(streams);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        streams.readComplete(); // what the burst's streams wrote to their endpoints goes out in one flush each
        super.channelReadComplete(ctx); // and what they answered in one flush of the connection
    }

    @Override
    protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                     Http2Exception http2Ex) {
        if (!outbound) {
            ctx.fireExceptionCaught(cause); // counted and logged by the next handler; answered here
        }
        super.onConnectionError(ctx, outbound, cause, http2Ex);
    }

    // ---------------------------------------------------------------- what streams write

    ChannelHandlerContext context() {
        return ctx;
    }

    /** A stream wrote: the connection is flushed once the current task is over. */
    void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        flush(ctx);
    }

    /** Writes a HEADERS frame of stream {@code id}; {@code promise} null for none. */
    ChannelFuture writeHeaders(int id, Http2Headers headers, boolean endStream, ChannelPromise promise) {
        return encoder().writeHeaders(ctx, id, headers, 0, endStream, promise == null ? ctx.voidPromise() : promise);
    }

    /** Writes a DATA frame of stream {@code id}, taking ownership of {@code data}; {@code promise} null for none. */
    ChannelFuture writeData(int id, ByteBuf data, boolean endStream, ChannelPromise promise) {
        return encoder().writeData(ctx, id, data, 0, endStream, promise == null ? ctx.voidPromise() : promise);
    }

    /**
     * Stream {@code id} is the last this connection takes ({@code keep-alive-requests}): GOAWAY naming it goes out at
     * once, so the codec refuses the streams the client opens after it (the client sends those again on a new
     * connection), and the connection closes once the streams it took have ended.
     */
    void lastStream(int id) {
        goAway(ctx, id, Http2Error.NO_ERROR.code(), io.netty.buffer.Unpooled.EMPTY_BUFFER, ctx.newPromise());
        flushSoon();
        // from the pipeline's tail, so through this handler's close: graceful, it waits for the streams still open
        ctx.executor().execute(() -> ctx.channel().close());
    }

    /** Ends stream {@code id} with RST_STREAM. */
    void reset(int id, Http2Error error) {
        resetStream(ctx, id, error.code(), ctx.newPromise());
    }
}
