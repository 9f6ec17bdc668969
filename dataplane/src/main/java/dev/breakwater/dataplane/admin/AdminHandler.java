package dev.breakwater.dataplane.admin;

import dev.breakwater.dataplane.cache.ResponseCache;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

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
    private final ResponseCache cache;
    private final byte[] token;

    /**
     * @param cache      the response cache (null when off)
     * @param adminToken the bearer token that authorises changes (cache purges); null: changes are refused
     */
    AdminHandler(TableHolder table, ProxyMetrics metrics, BooleanSupplier draining, ResponseCache cache,
                 String adminToken) {
        this.table = table;
        this.metrics = metrics;
        this.draining = draining;
        this.cache = cache;
        this.token = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.equals("/cache/purge")) {
            purge(ctx, req);
            return;
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
                    "not found; try /healthz, /readyz, /metrics, /table or POST /cache/purge\n");
        }
    }

    /**
     * {@code POST /cache/purge?url=https://host/path?query} drops the entries of one URL;
     * {@code POST /cache/purge?host=H&prefix=/p} every entry of host H whose path starts with /p. Needs
     * {@code Authorization: Bearer <admin token>}.
     */
    private void purge(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "use POST\n");
            return;
        }
        if (token == null) {
            send(ctx, req, HttpResponseStatus.FORBIDDEN, "text/plain",
                    "purging is disabled: no admin token is configured (--admin-token-file)\n");
            return;
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        byte[] presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, token)) {
            FullHttpResponse denied = response(ctx, req, HttpResponseStatus.UNAUTHORIZED, "text/plain",
                    "a valid admin bearer token is required\n");
            denied.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            write(ctx, req, denied);
            return;
        }
        if (cache == null) {
            send(ctx, req, HttpResponseStatus.CONFLICT, "text/plain", "the response cache is off\n");
            return;
        }
        Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
        String url = first(params, "url");
        String host = first(params, "host");
        String prefix = first(params, "prefix");
        int purged;
        if (url != null) {
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", "url: not a URL: " + e.getMessage() + "\n");
                return;
            }
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain",
                        "url: expected an absolute http(s) URL like https://example.com/path\n");
                return;
            }
            String target = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            purged = cache.purgeUrl(u.getScheme().toLowerCase(java.util.Locale.ROOT), u.getRawAuthority(), target);
        } else if (host != null) {
            purged = cache.purgePrefix(host, prefix == null ? "/" : prefix);
        } else {
            send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain",
                    "give url=<absolute URL>, or host=<host> with an optional prefix=<path prefix>\n");
            return;
        }
        send(ctx, req, HttpResponseStatus.OK, "application/json", "{\"purged\":" + purged + "}\n");
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                             String contentType, String text) {
        write(ctx, req, response(ctx, req, status, contentType, text));
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, FullHttpRequest req,
                                             HttpResponseStatus status, String contentType, String text) {
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
        return resp;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
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
