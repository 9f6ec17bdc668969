package dev.breakwater.dataplane.l4;

import dev.breakwater.routing.L4Policy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client's datagrams to one endpoint: a connected UDP socket on the listener's event loop. Ends after the
 * session idle timeout without a datagram either way, when its endpoint leaves, or when its listener closes.
 * Datagrams that arrive before the socket is connected wait (at most {@value #MAX_PENDING}; more are dropped).
 */
final class UdpSession {

    static final int MAX_PENDING = 64;

    private final UdpProxy proxy;
    private final L4Runtime runtime;
    private final String listener;
    private final L4Policy policy;
    private final InetSocketAddress client;
    private final L4Balancer.Pick pick;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private Channel upstream;
    // the state of the listener's event loop, where this session lives (set by open)
    private L4LoopState state;
    private boolean closed;
    private long lastActive = System.nanoTime();

    UdpSession(UdpProxy proxy, L4Runtime runtime, String listener, L4Policy policy, InetSocketAddress client,
               L4Balancer.Pick pick) {
        this.proxy = proxy;
        this.runtime = runtime;
        this.listener = listener;
        this.policy = policy;
        this.client = client;
        this.pick = pick;
    }

    InetSocketAddress client() {
        return client;
    }

    String cluster() {
        return pick.cluster();
    }

    String authority() {
        return pick.authority();
    }

    void open(EventLoop loop) {
        state = runtime.loop(loop);
        new Bootstrap().group(loop).channel(runtime.transport().datagramChannel()).resolver(runtime.resolver())
                .handler(new Replies())
                .connect(InetSocketAddress.createUnresolved(pick.endpoint().address(), pick.endpoint().port()))
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        runtime.metrics().connectFailed(state, listener, pick.authority());
                        close();
                        return;
                    }
                    if (closed) {
                        f.channel().close();
                        return;
                    }
                    upstream = f.channel();
                    while (!pending.isEmpty()) {
                        upstream.write(pending.poll(), upstream.voidPromise());
                    }
                    upstream.flush();
                });
        scheduleIdleCheck(loop, policy.sessionIdleTimeoutMillis());
    }

    /** Sends a client's datagram to the endpoint; takes the buffer. */
    void send(ByteBuf content) {
        if (closed) {
            content.release();
            return;
        }
        lastActive = System.nanoTime();
        runtime.metrics().bytesReceived(state, listener, pick.authority(), content.readableBytes());
        if (upstream == null) {
            if (pending.size() >= MAX_PENDING) {
                content.release();
            } else {
                pending.add(content);
            }
            return;
        }
        upstream.writeAndFlush(content, upstream.voidPromise());
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!pending.isEmpty()) {
            pending.poll().release();
        }
        if (upstream != null) {
            upstream.close();
        }
        proxy.ended(this);
    }

    private void scheduleIdleCheck(EventLoop loop, long delayMillis) {
        loop.schedule(() -> {
            if (closed) {
                return;
            }
            long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActive);
            if (idle >= policy.sessionIdleTimeoutMillis()) {
                close();
            } else {
                scheduleIdleCheck(loop, policy.sessionIdleTimeoutMillis() - idle);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** The endpoint's datagrams, back to the client from the listener's socket. */
    private final class Replies extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (closed) {
                packet.release();
                return;
            }
            lastActive = System.nanoTime();
            runtime.metrics().bytesSent(state, listener, pick.authority(), packet.content().readableBytes());
            proxy.reply(client, packet.content());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: the endpoint is gone for this session
            runtime.metrics().connectFailed(state, listener, pick.authority());
            close();
        }
    }
}
