package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The proxy's own request headers: {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Port},
 * {@code X-Real-IP} and {@code X-Request-Id}. An edge proxy replaces what the client sent; behind a trusted load
 * balancer ({@code trustForwardedHeaders}) it appends the client to {@code X-Forwarded-For} and keeps the others
 * the balancer set. Runs after the route's header modifier, so these win over it.
 */
public final class ForwardedHeadersFilter implements HttpFilter {

    private final boolean trustIncoming;

    public ForwardedHeadersFilter(boolean trustIncoming) {
        this.trustIncoming = trustIncoming;
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        set(request.headers(), request);
        return null;
    }

    /** Sets the headers on {@code headers} (the request's, or a copy of them for a fetch of its own). */
    public void set(HttpHeaders headers, FilterContext request) {
        String clientIp = request.clientIp();
        String host = request.host();
        if (trustIncoming) {
            request.forwardedFor(); // the balancer's client, kept for later readers (the access log)
            String prior = headers.get(ForwardedHeaders.X_FORWARDED_FOR);
            headers.set(ForwardedHeaders.X_FORWARDED_FOR, prior == null ? clientIp : prior + ", " + clientIp);
            setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_PROTO, request.scheme());
            setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_HOST, host);
            setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_PORT, request.localPort());
        } else {
            headers.set(ForwardedHeaders.X_FORWARDED_FOR, clientIp);
            headers.set(ForwardedHeaders.X_FORWARDED_PROTO, request.scheme());
            if (host != null) {
                headers.set(ForwardedHeaders.X_FORWARDED_HOST, host);
            }
            headers.set(ForwardedHeaders.X_FORWARDED_PORT, request.localPort());
        }
        headers.set(ForwardedHeaders.X_REAL_IP, clientIp);
        headers.set(ForwardedHeaders.X_REQUEST_ID, request.requestId());
    }

    private static void setIfAbsent(HttpHeaders headers, CharSequence name, String value) {
        if (value != null && !headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
