package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.accesslog.AccessEntry;
import dev.breakwater.dataplane.accesslog.AccessLog;
import dev.breakwater.dataplane.accesslog.TraceParent;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.filter.ClientTls;
import dev.breakwater.dataplane.filter.ForwardedTrust;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.upstream.AttemptTimes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The access-log line of an ended {@link Exchange}: what it read, sent and met, taken on its event loop and handed to
 * the {@link AccessLog} (which formats and writes it elsewhere). Nothing is taken when the log, the route or the
 * sample leaves the request out.
 */
final class ExchangeLog {

    /** Header names with their hash made once (a String name is hashed at every lookup). */
    private static final io.netty.util.AsciiString TRACEPARENT = io.netty.util.AsciiString.cached("traceparent");

    private ExchangeLog() {
    }

    /** The exchange ended (complete both ways, or its connection closed). */
    static void ended(Exchange x) {
        AccessLog log = x.services().accessLog();
        if (x.request == null || !log.wants(x.route == null || x.route.route().policy().writesAccessLog())) {
            return;
        }
        log.offer(entry(x));
    }

    private static AccessEntry entry(Exchange x) {
        HttpRequest req = x.request;
        HttpHeaders h = req.headers();
        ClientConnection c = x.connection();
        String path;
        String query;
        if (x.context != null) {
            path = x.context.path();
            query = x.context.query();
        } else {
            String uri = req.uri();
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
            query = q < 0 ? null : uri.substring(q + 1);
        }
        String forwardedFor = null;
        Router router = x.services().table().router();
        if (x.context != null) {
            forwardedFor = x.context.forwardedFor(); // as read before the proxy changed the header
        } else {
            ForwardedTrust trust = router == null ? ForwardedTrust.of(x.services().config()) : router.forwardedTrust();
            String value = trust.trusts(c.clientIp()) ? h.get(trust.header()) : null;
            forwardedFor = value == null ? null : trust.clientIn(value);
        }
        UpstreamEndpoint endpoint = x.call == null ? null : x.call.endpoint();
        AttemptTimes times = x.call == null ? null : x.call.times();
        ClientTls tls = c.tls();
        String contentType = h.get(HttpHeaderNames.CONTENT_TYPE);
        String kind = x.status == 101 ? "websocket"
                : contentType != null && contentType.startsWith("application/grpc") ? "grpc" : "http";
        String traceId = x.trace != null ? x.trace.traceId() : TraceParent.traceId(h.get(TRACEPARENT));
        return new AccessEntry(System.currentTimeMillis(), x.requestId, traceId,
                c.clientIp(), forwardedFor, req.method().name(), c.scheme(), x.host, path, query,
                c.http2() ? "HTTP/2.0" : req.protocolVersion().text(), x.status, x.bodyBytes, x.response.bytesSent,
                System.nanoTime() - x.startNanos,
                endpoint == null || times.attempts() == 0 ? null : endpoint.authority(),
                times == null ? 0 : times.status(), times == null ? -1 : times.connectNanos(),
                times == null ? -1 : times.headNanos(), times == null ? 0 : times.attempts(),
                x.route == null ? null : x.route.name(), x.route == null ? null : x.route.route().source(),
                x.cache == null ? null : x.cache.status(), tls == null ? null : tls.protocol(),
                tls == null ? null : tls.cipher(), tls == null ? null : tls.serverName(),
                h.get(HttpHeaderNames.USER_AGENT), h.get(HttpHeaderNames.REFERER), kind,
                router == null ? null : router.accessLine());
    }
}
