package dev.breakwater.dataplane.admin;

import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.routing.TableCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The admin endpoints: {@code /healthz} (the process is up), {@code /readyz} (a table is loaded and the
 * proxy is not draining), {@code /metrics} (Prometheus text) and {@code /table} (the current table as JSON).
 * Stateless, so one instance serves every admin connection.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final TableHolder table;
    private final ProxyMetrics metrics;
    private final BooleanSupplier draining;

    AdminHandler(TableHolder table, ProxyMetrics metrics, BooleanSupplier draining) {
        this.table = table;
        this.metrics = metrics;
        this.draining = draining;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n");
            return;
        }
        switch (path) {
            case "/healthz" -> send(ctx, req, HttpResponseStatus.OK, "text/plain", "ok\n");
            case "/readyz" -> {
                Router r = table.router();
                if (draining.getAsBoolean()) {
                    send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "draining\n");
                } else if (r == null) {
                    send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "no routing table yet\n");
                } else {
                    send(ctx, req, HttpResponseStatus.OK, "text/plain", "ready: table v" + r.version() + "\n");
                }
            }
            case "/metrics" -> send(ctx, req, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape());
            case "/table" -> {
                Router r = table.router();
                if (r == null) {
                    send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "no routing table yet\n");
                } else {
                    send(ctx, req, HttpResponseStatus.OK, "application/json",
                            TableCodec.encodeRedacted(r.table()) + "\n");
                }
            }
            default -> send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain",
                    "not found; try /healthz, /readyz, /metrics or /table\n");
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                             String contentType, String text) {
        ByteBuf body = ctx.alloc().buffer(text.length());
        body.writeCharSequence(text, StandardCharsets.UTF_8);
        int length = body.readableBytes();
        if (req.method().equals(HttpMethod.HEAD)) {
            body.clear();
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (keepAlive) {
            ctx.writeAndFlush(resp, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
