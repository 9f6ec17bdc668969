package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The proxy's own request headers: {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Port},
 * {@code X-Real-IP} and {@code X-Request-Id}. An edge proxy replaces what the client sent; from a peer whose headers
 * it trusts ({@link ForwardedTrust}: the table's settings, or the data plane's {@code trustForwardedHeaders}) it
 * sends on the client the peer named, appending the peer to {@code X-Forwarded-For} when asked, and keeps the other
 * headers the peer set when asked. Runs after the route's header modifier, so these win over it. Stateless: what it
 * trusts is the request's ({@link FilterContext#forwardedTrust()}).
 */
public final class ForwardedHeadersFilter implements HttpFilter {

    /** The one filter: what it trusts comes with each request. */
    public static final ForwardedHeadersFilter INSTANCE = new ForwardedHeadersFilter();

    private ForwardedHeadersFilter() {
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
        ForwardedTrust trust = request.forwardedTrust();
        if (trust.trusts(clientIp)) {
            String client = request.clientAddress(); // read before the header is changed, kept for later readers
            if (trust.appendsForwardedFor()) {
                String prior = headers.get(ForwardedHeaders.X_FORWARDED_FOR);
                headers.set(ForwardedHeaders.X_FORWARDED_FOR, prior == null ? clientIp : prior + ", " + clientIp);
            } else {
                headers.set(ForwardedHeaders.X_FORWARDED_FOR, client);
            }
            if (trust.keepOthers()) {
                setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_PROTO, request.scheme());
                setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_HOST, host);
                setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_PORT, request.localPort());
            } else {
                replaceOthers(headers, request, host);
            }
            headers.set(ForwardedHeaders.X_REAL_IP, trust.realIpIsClient() ? client : clientIp);
        } else {
            headers.set(ForwardedHeaders.X_FORWARDED_FOR, clientIp);
            replaceOthers(headers, request, host);
            headers.set(ForwardedHeaders.X_REAL_IP, clientIp);
        }
        headers.set(ForwardedHeaders.X_REQUEST_ID, request.requestId());
    }

    private static void replaceOthers(HttpHeaders headers, FilterContext request, String host) {
        headers.set(ForwardedHeaders.X_FORWARDED_PROTO, request.scheme());
        if (host != null) {
            headers.set(ForwardedHeaders.X_FORWARDED_HOST, host);
        } else {
            headers.remove(ForwardedHeaders.X_FORWARDED_HOST);
        }
        headers.set(ForwardedHeaders.X_FORWARDED_PORT, request.localPort());
    }

    private static void setIfAbsent(HttpHeaders headers, CharSequence name, String value) {
        if (value != null && !headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
