package dev.breakwater.operator.publish;

import dev.breakwater.channel.ChannelPipelines;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lets a connection talk only once its handshake verified the peer's certificate. */
final class HandshakeGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGate.class);

    private final TableServer server;
    private final int maxInboundFrameBytes;
    private final java.time.Duration keepAlive;

    HandshakeGate(TableServer server, int maxInboundFrameBytes, java.time.Duration keepAlive) {
        this.server = server;
        this.maxInboundFrameBytes = maxInboundFrameBytes;
        this.keepAlive = keepAlive;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                LOG.info("push channel: refused {}: {}", ctx.channel().remoteAddress(),
                        ChannelPipelines.describe(done.cause()));
                ctx.close();
                return;
            }
            ChannelPipelines.addMessaging(ctx.pipeline(), maxInboundFrameBytes, keepAlive);
            ctx.pipeline().addLast("dataPlane", new DataPlaneConnection(server, ctx.channel()));
            ctx.pipeline().remove(this);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // before the handshake: a plain-TCP peer, a bad certificate; the handshake event says which
        ctx.close();
    }
}
