package dev.breakwater.dataplane.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Slow-loris protection for HTTP/1.1: a client that starts a request head must finish it within the request
 * header timeout, or gets {@code 408} and the connection is closed. Sits before the HTTP codec and only
 * watches bytes; {@link Http1Connection} tells it when a head was decoded and when its exchange ended. A timer
 * is armed only when a read ends in the middle of a head, so a whole head arriving at once costs nothing.
 */
final class RequestHeadTimeout extends ChannelInboundHandlerAdapter {

    private static final String BODY = "408 Request Timeout: request head too slow\n";
    private static final byte[] TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\n"
            + "Content-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private boolean exchangeInProgress;
    private boolean waitingForHead;
    private long headStartNanos;
    private ScheduledFuture<?> timer;

    RequestHeadTimeout(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!exchangeInProgress && !waitingForHead && msg instanceof ByteBuf b && b.isReadable()) {
            waitingForHead = true;
            headStartNanos = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (waitingForHead && timer == null) {
            long left = timeoutNanos - (System.nanoTime() - headStartNanos);
            timer = ctx.executor().schedule(this::check, Math.max(0, left), TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    /** A request head was decoded: its exchange runs until {@link #exchangeEnded()}. */
    void headDecoded() {
        waitingForHead = false;
        exchangeInProgress = true;
    }

    void exchangeEnded() {
        exchangeInProgress = false;
    }

    private void check() {
        timer = null;
        if (!waitingForHead || !ctx.channel().isActive()) {
            return;
        }
        long left = timeoutNanos - (System.nanoTime() - headStartNanos);
        if (left > 0) {
            timer = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }
}
