package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.exchange.ClientConnection;
import dev.breakwater.dataplane.exchange.Downstream;
import dev.breakwater.dataplane.exchange.Exchange;
import dev.breakwater.dataplane.exchange.ProxyServices;
import dev.breakwater.dataplane.tunnel.WebSocketTunnel;
import dev.breakwater.dataplane.upstream.CallTimer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one HTTP/1.1 connection: one {@link Exchange} at a time, made fresh for each request; pipelined
 * requests wait in a small queue (reading stops when it is full) and are answered in order; keep-alive, the idle
 * timeout and draining; and, after a WebSocket upgrade, the {@link WebSocketTunnel} the connection becomes.
 * Backpressure: the client is not read while its exchange may not be (a connect in progress, an endpoint that takes
 * no more). Everything here runs on the connection's event loop.
 */
public final class Http1Connection extends ChannelInboundHandlerAdapter implements Downstream {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Connection.class);

    private final ProxyServices services;
    private final String scheme;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private ClientConnection connection;
    private RequestHeadTimeout headTimeout;
    private Exchange exchange;
    private WebSocketTunnel tunnel;
    private boolean closed;
    private boolean dispatching;
    /** Requests this connection may still start (keep-alive-requests), or -1 for no limit. */
    private int requestsLeft = -1;

    public Http1Connection(ProxyServices services, String scheme) {
        this.services = services;
        this.scheme = scheme;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            // added after the TLS handshake (ALPN): the channel became active before this handler existed
            connectionStarted(ctx.channel());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connection == null) {
            connectionStarted(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    private void connectionStarted(Channel ch) {
        headTimeout = ch.pipeline().get(RequestHeadTimeout.class);
        String clientIp = dev.breakwater.dataplane.proxyprotocol.ClientAddress.ip(ch);
        String localPort = ch.localAddress() instanceof InetSocketAddress a ? Integer.toString(a.getPort()) : "";
        connection = new ClientConnection(scheme, clientIp, localPort,
                "https".equals(scheme) ? TlsSession.clientTls(ch) : null, false, services.pool(ch.eventLoop()),
                new CallTimer(ch.eventLoop()));
        int most = services.table().config().maxRequestsPerConnection();
        requestsLeft = most > 0 ? most : -1;
        services.metrics().connectionOpened();
    }

    // ---------------------------------------------------------------- reading

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel != null) {
            tunnel.fromClient(msg);
            return;
        }
        Exchange x = exchange;
        if (x != null && !x.requestDone()) {
            x.onRequestContent(msg);
        } else if (x != null || !pipelined.isEmpty()) {
            pipelined.add(msg);
            if (pipelined.size() >= services.config().maxPipelinedRequests() * 2) {
                updateReading();
            }
        } else {
            dispatch(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushUpstream();
    }

    private void flushUpstream() {
        if (tunnel != null) {
            tunnel.flush();
        } else if (exchange != null) {
            exchange.flushUpstream();
        }
    }

    private void dispatch(Object msg) {
        if (!(msg instanceof HttpRequest)) {
            // content of a request already answered and closed
            ReferenceCountUtil.release(msg);
            return;
        }
        if (headTimeout != null) {
            headTimeout.headDecoded();
        }
        Exchange x = new Exchange(services, connection, this);
        exchange = x;
        if (requestsLeft > 0 && --requestsLeft == 0) {
            x.drain(); // the last request this connection takes: its response says Connection: close
        }
        x.start(msg);
    }

    @Override
    public void exchangeEnded(Exchange ended) {
        if (ended != exchange) {
            return;
        }
        exchange = null;
        if (headTimeout != null) {
            headTimeout.exchangeEnded();
        }
        if (!ended.keepAlive()) {
            closed = true;
            releaseQueued();
            return;
        }
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            Object next;
            while (exchange == null && (next = pipelined.poll()) != null) {
                dispatch(next);
                // the rest of its body, if already queued
                while (exchange != null && !exchange.requestDone() && (next = pipelined.peek()) != null
                        && !(next instanceof HttpRequest)) {
                    exchange.onRequestContent(pipelined.poll());
                }
            }
        } finally {
            dispatching = false;
        }
        // requests taken from the queue were not read in this burst: nothing else will flush them
        flushUpstream();
        updateReading();
    }

    @Override
    public void readingChanged() {
        updateReading();
    }

    private void updateReading() {
        Channel ch = ctx.channel();
        boolean read = !closed && pipelined.size() < services.config().maxPipelinedRequests() * 2
                && (tunnel != null ? tunnel.mayRead() : exchange == null || exchange.mayRead());
        if (ch.config().isAutoRead() != read) {
            ch.config().setAutoRead(read);
        }
    }

    // ---------------------------------------------------------------- Downstream: writing

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void writeLast(Object msg, boolean close) {
        if (close) {
            ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(msg, ctx.voidPromise());
        }
    }

    @Override
    public boolean takesEncodedResponses() {
        return true;
    }

    @Override
    public void close() {
        ctx.close();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    /**
     * The endpoint accepted a WebSocket upgrade: relays its 101, then turns both connections into a byte tunnel (HTTP
     * codecs removed) with the route's WebSocket idle timeout. A table swap does not touch the tunnel.
     */
    @Override
    public void upgrade(Exchange upgraded, UpstreamConnection upstream, HttpResponse switching, long idleMillis) {
        WebSocketTunnel t = new WebSocketTunnel(ctx, upstream, this::updateReading);
        tunnel = t;
        t.accept(switching);
        ChannelPipeline p = ctx.pipeline();
        if (p.get("idle") != null) {
            p.replace("idle", "idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        if (p.get("head-timeout") != null) {
            p.remove("head-timeout"); // a tunnel has no request heads
            headTimeout = null;
        }
        // removing the codecs hands any bytes they still hold to the tunnel
        p.remove("http");
        t.open();
        updateReading();
    }

    // ---------------------------------------------------------------- the connection

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (tunnel != null) {
            tunnel.clientWritable(writable);
        } else if (exchange != null) {
            exchange.clientWritable(writable);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (exchange == null || tunnel != null) {
                ctx.close();
            }
            return;
        }
        if (evt instanceof DrainEvent) {
            if (exchange == null) {
                ctx.close();
            } else {
                exchange.drain(); // the response in flight says Connection: close, then the connection closes
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        Exchange x = exchange;
        if (x != null) {
            x.connectionClosed();
        }
        if (tunnel != null) {
            tunnel.clientClosed();
        }
        if (connection != null) {
            services.metrics().connectionClosed();
            connection.timer().stop();
        }
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void releaseQueued() {
        Object m;
        while ((m = pipelined.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
