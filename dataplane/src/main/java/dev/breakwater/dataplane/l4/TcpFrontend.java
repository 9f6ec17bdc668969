package dev.breakwater.dataplane.l4;

import dev.breakwater.dataplane.proxyprotocol.ClientAddress;
import dev.breakwater.dataplane.proxyprotocol.ProxyHeaders;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.ProxyProtocolVersion;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one proxied TCP connection, and the owner of its upstream: picks an endpoint, connects on the
 * client's event loop (another endpoint when connecting fails, up to the route's attempts), then relays bytes both
 * ways. Backpressure: a side stops reading while the other cannot take more (auto-read follows writability). A
 * half-close is passed on (the other side's output is shut once what was written is flushed); the connection closes
 * when both directions are done, either side closes, or nothing moved for the idle timeout. Bytes that arrive before
 * the upstream is connected wait (the client is not read meanwhile). Added to an active channel.
 */
final class TcpFrontend extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TcpFrontend.class);

    private final L4Runtime runtime;
    private final L4Table table;
    private final String listener;
    private final L4Route route;
    private final Set<String> tried = new HashSet<>();
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private L4LoopState state;
    private InetSocketAddress client;
    private L4Balancer.Pick pick;
    // the byte counters of the connection's listener and endpoint, looked up once it is connected
    private LoopCount receivedBytes;
    private LoopCount sentBytes;
    private Channel upstream;
    private boolean started;
    private boolean connected;
    private boolean closed;
    private boolean clientInputShut;
    private boolean upstreamInputShut;
    private ScheduledFuture<?> drainTimer;

    TcpFrontend(L4Runtime runtime, L4Table table, String listener, L4Route route) {
        this.runtime = runtime;
        this.table = table;
        this.listener = listener;
        this.route = route;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        Channel ch = ctx.channel();
        state = runtime.loop(ch.eventLoop());
        client = ClientAddress.of(ch);
        ch.config().setAutoRead(false);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ctx.pipeline().addBefore(ctx.name(), "l4-idle",
                new IdleStateHandler(0, 0, route.policy().idleTimeoutMillis(), TimeUnit.MILLISECONDS));
        connect();
    }

    private void connect() {
        L4Balancer.Pick attempt = L4Balancer.pick(route, table, state, client, tried);
        if (attempt == null) {
            runtime.metrics().noEndpoint(state, listener);
            LOG.debug("{}: no endpoint for {} (route {}; tried {})", listener, client, route.name(), tried);
            closeNow();
            return;
        }
        tried.add(attempt.authority());
        L4Policy policy = route.policy();
        ChannelFuture f = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(runtime.transport().channel())
                .resolver(runtime.resolver())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        policy.connectTimeoutMillis()))
                .handler(new TcpBackend(this))
                .connect(InetSocketAddress.createUnresolved(attempt.endpoint().address(), attempt.endpoint().port()));
        f.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                connected(attempt, done.channel());
            } else {
                runtime.metrics().connectFailed(state, listener, attempt.authority());
                LOG.debug("{}: connect to {} failed: {}", listener, attempt.authority(), done.cause().toString());
                if (closed) {
                    return;
                }
                if (tried.size() < policy.connectAttempts()) {
                    connect();
                } else {
                    runtime.metrics().noEndpoint(state, listener);
                    closeNow();
                }
            }
        });
    }

    private void connected(L4Balancer.Pick attempt, Channel up) {
        if (closed) {
            up.close();
            return;
        }
        pick = attempt;
        upstream = up;
        connected = true;
        state.opened(this, pick.cluster(), pick.authority());
        runtime.metrics().connectionOpened(state, listener, pick.authority());
        receivedBytes = runtime.metrics().receivedBytes(listener, pick.authority());
        sentBytes = runtime.metrics().sentBytes(listener, pick.authority());
        ProxyProtocolVersion proxy = route.policy().sendProxyProtocol();
        if (proxy != ProxyProtocolVersion.NONE && client != null
                && ctx.channel().localAddress() instanceof InetSocketAddress local) {
            up.pipeline().addFirst("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
            up.write(ProxyHeaders.of(proxy, true, client, local), up.voidPromise());
        }
        while (!pending.isEmpty()) {
            Object msg = pending.poll();
            count(msg, true);
            up.write(msg, up.voidPromise());
        }
        up.flush();
        if (clientInputShut) {
            shutdownOutput(up);
        }
        autoRead(up, true, upstreamInputShut);
        autoRead(ctx.channel(), true, clientInputShut);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!connected) {
            pending.add(msg);
            return;
        }
        count(msg, true);
        upstream.write(msg, upstream.voidPromise());
        if (!upstream.isWritable()) {
            autoRead(ctx.channel(), false, clientInputShut);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (connected) {
            upstream.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (connected) {
            autoRead(upstream, ctx.channel().isWritable(), upstreamInputShut);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            clientInputShut = true;
            if (connected) {
                shutdownOutput(upstream);
            }
            if (upstreamInputShut) {
                closeNow();
            }
        } else if (evt instanceof IdleStateEvent) {
            LOG.debug("{}: connection of {} idle for {} ms, closed", listener, client,
                    route.policy().idleTimeoutMillis());
            closeNow();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeNow();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: client connection {}: {}", listener, client, cause.toString());
        closeNow();
    }

    // ------------------------------------------------------------------ from the upstream (TcpBackend)

    void upstreamRead(Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        count(msg, false);
        ctx.write(msg, ctx.voidPromise());
        if (!ctx.channel().isWritable()) {
            autoRead(upstream, false, upstreamInputShut);
        }
    }

    void upstreamReadComplete() {
        ctx.flush();
    }

    void upstreamWritabilityChanged(boolean writable) {
        if (!closed) {
            autoRead(ctx.channel(), writable, clientInputShut);
        }
    }

    void upstreamInputShutdown() {
        upstreamInputShut = true;
        shutdownOutput(ctx.channel());
        if (clientInputShut) {
            closeNow();
        }
    }

    void upstreamFailed(Throwable cause) {
        LOG.debug("{}: upstream {}: {}", listener, pick == null ? "?" : pick.authority(), cause.toString());
        closeNow();
    }

    // ------------------------------------------------------------------ draining

    /** Starts draining if {@code next} no longer lets this connection's endpoint serve, or stops if it does. */
    void reviewAgainst(L4Table next) {
        if (!connected || closed) {
            return;
        }
        if (next.keeps(listener, pick.cluster(), pick.authority())) {
            if (drainTimer != null) {
                drainTimer.cancel(false);
                drainTimer = null;
            }
        } else if (drainTimer == null) {
            long millis = route.policy().drainTimeoutMillis();
            LOG.debug("{}: endpoint {} left; connection of {} closes in {} ms", listener, pick.authority(), client,
                    millis);
            drainTimer = ctx.executor().schedule(() -> {
                runtime.metrics().drained(state, listener, pick.authority());
                closeNow();
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** True while a drain timer runs (tests). */
    boolean draining() {
        return drainTimer != null;
    }

    /** Closes both sides, once what was written is flushed. */
    void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        while (!pending.isEmpty()) {
            ReferenceCountUtil.release(pending.poll());
        }
        if (drainTimer != null) {
            drainTimer.cancel(false);
        }
        if (connected) {
            state.closed(this, pick.cluster(), pick.authority());
            runtime.metrics().connectionClosed(state, listener);
            upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void count(Object msg, boolean fromClient) {
        if (msg instanceof ByteBuf b && receivedBytes != null) {
            (fromClient ? receivedBytes : sentBytes).add(state, b.readableBytes());
        }
    }

    /**
     * Turns reading of {@code ch} on or off, unless its input is shut (there is nothing left to read) or it is closed.
     * On epoll this relies on {@code Transport}'s handler keeping a half-closed socket's fd in epoll: with Netty's own,
     * any later change of its interest (this one, or a write that waits for room) fails with ENOENT.
     */
    private static void autoRead(Channel ch, boolean on, boolean inputShut) {
        if (!ch.isActive() || inputShut || ch.config().isAutoRead() == on) {
            return;
        }
        try {
            ch.config().setAutoRead(on);
        } catch (RuntimeException e) {
            LOG.debug("auto-read of {} not changed: {}", ch, e.toString());
        }
    }

    private static void shutdownOutput(Channel ch) {
        if (ch instanceof DuplexChannel duplex && ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
        } else {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
