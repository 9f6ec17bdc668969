package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.request.Authority;
import dev.breakwater.dataplane.trace.RequestSpan;
import dev.breakwater.dataplane.trace.Tracing;
import dev.breakwater.dataplane.upstream.AttemptTimes;
import dev.breakwater.routing.RoutePolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The server span of an {@link Exchange}: begun once the request is routed (when tracing is on and the route is
 * traced), ended with the exchange. With tracing off nothing is made.
 */
final class ExchangeTrace {

    private ExchangeTrace() {
    }

    /** The routed request's span, or null when it is not traced. */
    static RequestSpan begin(Exchange x) {
        Tracing tracing = x.services().tracing();
        if (!tracing.on()) {
            return null;
        }
        RoutePolicy policy = x.route.route().policy();
        if (!tracing.traces(policy.tracing())) {
            return null;
        }
        HttpRequest req = x.request;
        ClientConnection c = x.connection();
        String method = req.method().name();
        RequestSpan span = tracing.begin(req.headers(), tracing.trusts(policy.trustIncomingSpan()), method);
        span.request(method, c.scheme(), Authority.host(x.host), port(c.localPort()), x.context.path(), req.protocolVersion().text(),
                c.http2(), x.context.clientAddress(), c.clientIp(), req.headers().get(HttpHeaderNames.USER_AGENT),
                x.route.name(), x.route.route().source());
        return span;
    }

    /** The exchange ended (complete both ways, or its connection closed). */
    static void ended(Exchange x) {
        RequestSpan span = x.trace;
        if (span == null) {
            return;
        }
        x.trace = null;
        UpstreamEndpoint endpoint = x.call == null ? null : x.call.endpoint();
        AttemptTimes times = x.call == null ? null : x.call.times();
        int attempts = times == null ? 0 : times.attempts();
        span.end(x.status, endpoint == null || attempts == 0 ? null : endpoint.authority(), attempts);
    }

    private static int port(String localPort) {
        try {
            return localPort == null ? -1 : Integer.parseInt(localPort);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
