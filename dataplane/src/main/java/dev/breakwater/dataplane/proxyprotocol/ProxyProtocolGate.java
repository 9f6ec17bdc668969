package dev.breakwater.dataplane.proxyprotocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection on a listener that accepts the PROXY protocol: a peer outside the trusted
 * ranges is refused (closed at once); a trusted peer must begin with a v1 or v2 header within the header timeout.
 * The header's source becomes the connection's {@link ClientAddress}; then the rest of the pipeline is added
 * ({@code then}) and this handler leaves, the bytes after the header flowing on. A {@code LOCAL} header (a health
 * check of the load balancer) keeps the peer's own address. Added to an accepted (active) channel.
 */
public final class ProxyProtocolGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolGate.class);

    private final TrustedSources trusted;
    private final long headerTimeoutMillis;
    private final Runnable onRefused;
    private final Runnable then;
    private ScheduledFuture<?> timeout;
    private boolean done;

    /**
     * @param onRefused counts a refused connection (untrusted peer, bad or missing header)
     * @param then      adds the rest of the pipeline, once the header is read
     */
    public ProxyProtocolGate(TrustedSources trusted, long headerTimeoutMillis, Runnable onRefused, Runnable then) {
        this.trusted = trusted;
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.onRefused = onRefused;
        this.then = then;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!trusted.trusts(ctx.channel().remoteAddress())) {
            refuse(ctx, "not a trusted PROXY protocol source");
            return;
        }
        ctx.pipeline().addBefore(ctx.name(), "proxy-protocol-decoder", new HAProxyMessageDecoder());
        timeout = ctx.executor().schedule(() -> refuse(ctx, "no PROXY protocol header within "
                + headerTimeoutMillis + " ms"), headerTimeoutMillis, TimeUnit.MILLISECONDS);
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // held: the rest of the pipeline is added once the header is read
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "bytes before the PROXY protocol header");
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                ctx.channel().attr(ClientAddress.KEY).set(new InetSocketAddress(
                        io.netty.util.NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()),
                        header.sourcePort()));
            }
        } finally {
            header.release();
        }
        done = true;
        timeout.cancel(false);
        then.run();
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            refuse(ctx, "bad PROXY protocol header: " + cause.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (done) {
            return;
        }
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        LOG.debug("connection from {} refused: {}", ctx.channel().remoteAddress(), reason);
        onRefused.run();
        ctx.close();
    }
}
