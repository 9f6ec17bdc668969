package dev.breakwater.dataplane.l4;

import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a UDP listener's socket: each client address gets a {@link UdpSession} to one endpoint (picked by
 * the route's balancer), made on its first datagram while the route's session limit allows; replies come back from
 * this socket, so from the address the client sent to. Sessions live on this socket's event loop only.
 */
final class UdpProxy extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UdpProxy.class);

    private final L4Runtime runtime;
    private final Supplier<L4Table> table;
    private final String listener;
    private final Map<InetSocketAddress, UdpSession> sessions = new HashMap<>();
    private ChannelHandlerContext ctx;

    UdpProxy(L4Runtime runtime, Supplier<L4Table> table, String listener) {
        this.runtime = runtime;
        this.table = table;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            InetSocketAddress sender = packet.sender();
            UdpSession session = sessions.get(sender);
            if (session == null) {
                session = open(sender);
                if (session == null) {
                    return;
                }
            }
            session.send(packet.content().retain());
        } finally {
            packet.release();
        }
    }

    private UdpSession open(InetSocketAddress client) {
        L4Table current = table.get();
        L4Listener config = current.listener(listener);
        if (config == null) {
            return null;
        }
        L4Route route = config.route();
        if (sessions.size() >= route.policy().maxSessions()) {
            runtime.metrics().sessionRefused(runtime.loop(ctx.channel().eventLoop()), listener);
            LOG.debug("{}: datagram of {} dropped: {} sessions open (the most)", listener, client, sessions.size());
            return null;
        }
        L4LoopState state = runtime.loop(ctx.channel().eventLoop());
        L4Balancer.Pick pick = L4Balancer.pick(route, current, state, client, Set.of());
        if (pick == null) {
            runtime.metrics().noEndpoint(state, listener);
            return null;
        }
        UdpSession session = new UdpSession(this, runtime, listener, route.policy(), client, pick);
        sessions.put(client, session);
        runtime.metrics().sessionOpened(state, listener, pick.authority());
        session.open(ctx.channel().eventLoop());
        return session;
    }

    /** A reply of an endpoint for {@code client}, sent from the listener's socket. The buffer is passed on. */
    void reply(InetSocketAddress client, io.netty.buffer.ByteBuf content) {
        ctx.writeAndFlush(new DatagramPacket(content, client), ctx.voidPromise());
    }

    void ended(UdpSession session) {
        if (sessions.remove(session.client(), session)) {
            runtime.metrics().sessionClosed(runtime.loop(ctx.channel().eventLoop()), listener);
        }
    }

    /** Ends the sessions whose endpoint {@code next} no longer serves. Runs on this socket's loop. */
    void review(L4Table next) {
        for (UdpSession s : List.copyOf(sessions.values())) {
            if (!next.keeps(listener, s.cluster(), s.authority())) {
                s.close();
            }
        }
    }

    int sessions() {
        return sessions.size();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        List.copyOf(sessions.values()).forEach(UdpSession::close);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // an ICMP error for one datagram must not end the listener
        LOG.debug("{}: {}", listener, cause.toString());
    }
}
