package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.metrics.ProxyMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP/2 connection: closes it (GOAWAY, then close) when it stayed idle with no stream open,
 * when the proxy drains, and when the connection failed. A connection error (a client breaking the protocol, a reset
 * socket) is counted by its HTTP/2 error code and logged in one line at DEBUG: at the edge these are the clients'
 * doing, not the proxy's, and a stack trace per broken client would flood the log.
 */
final class Http2ConnectionCloser extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionCloser.class);

    private final ProxyMetrics metrics;

    Http2ConnectionCloser(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof DrainEvent) {
            ctx.close(); // GOAWAY; open streams may finish (up to the codec's graceful shutdown timeout)
            return;
        }
        if (evt instanceof IdleStateEvent) {
            Http2ConnectionHandler codec = ctx.pipeline().get(Http2ConnectionHandler.class);
            if (codec == null || codec.connection().numActiveStreams() == 0) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable h2 = cause instanceof Http2Exception ? cause : cause.getCause();
        String code = h2 instanceof Http2Exception e ? e.error().name().toLowerCase(Locale.ROOT) : "io";
        metrics.http2ConnectionError(code);
        LOG.debug("HTTP/2 connection from {} failed ({}): {}", ctx.channel().remoteAddress(), code, cause.toString());
        if (!(h2 instanceof Http2Exception)) {
            ctx.close(); // an HTTP/2 error is the codec's to answer: it sends GOAWAY with the error's code, then closes
        }
    }
}
