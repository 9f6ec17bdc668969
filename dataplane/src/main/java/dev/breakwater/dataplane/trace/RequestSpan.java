package dev.breakwater.dataplane.trace;

import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The server span of one request, from the moment it was routed to the end of its exchange; used on the request's
 * event loop only. Attributes are set only when the span is sampled (a span left out of the sample still has its
 * ids, which go upstream).
 */
public final class RequestSpan {

    private final Span span;
    private final boolean trusted;

    RequestSpan(Span span, boolean trusted) {
        this.span = span;
        this.trusted = trusted;
    }

    /** The trace id, 32 lower-case hex digits. */
    public String traceId() {
        return span.getSpanContext().getTraceId();
    }

    /** The span id, 16 lower-case hex digits. */
    public String spanId() {
        return span.getSpanContext().getSpanId();
    }

    /**
     * The request's attributes (the HTTP semantic conventions' and the route's).
     *
     * @param method        the request method
     * @param scheme        http or https
     * @param host          the request's host (without port), or null
     * @param port          the port the client connected to, or -1
     * @param path          the normalised path the routes saw
     * @param protocol      the request line's version ({@code HTTP/1.1})
     * @param http2         true for an HTTP/2 stream
     * @param clientAddress the client's address (a trusted load balancer's X-Forwarded-For, else the peer's)
     * @param peerAddress   the address of the client connection
     * @param userAgent     the User-Agent header, or null
     * @param route         the route's name
     * @param routeSource   the object it came from ({@code Ingress/namespace/name}), or null
     */
    public void request(String method, String scheme, String host, int port, String path, String protocol,
                        boolean http2, String clientAddress, String peerAddress, String userAgent, String route,
                        String routeSource) {
        if (!span.isRecording()) {
            return;
        }
        if (HttpAttributes.known(method)) {
            span.setAttribute(HttpAttributes.METHOD, method);
        } else {
            span.setAttribute(HttpAttributes.METHOD, "_OTHER");
            span.setAttribute(HttpAttributes.METHOD_ORIGINAL, method);
        }
        span.setAttribute(HttpAttributes.SCHEME, scheme);
        span.setAttribute(HttpAttributes.PATH, path);
        if (host != null) {
            span.setAttribute(HttpAttributes.SERVER_ADDRESS, host);
        }
        if (port > 0) {
            span.setAttribute(HttpAttributes.SERVER_PORT, (long) port);
        }
        span.setAttribute(HttpAttributes.PROTOCOL_VERSION, HttpAttributes.protocolVersion(protocol, http2));
        span.setAttribute(HttpAttributes.CLIENT_ADDRESS, clientAddress);
        span.setAttribute(HttpAttributes.PEER_ADDRESS, peerAddress);
        if (userAgent != null) {
            span.setAttribute(HttpAttributes.USER_AGENT, userAgent);
        }
        span.setAttribute(HttpAttributes.ROUTE, route);
        if (routeSource != null) {
            span.setAttribute(HttpAttributes.ROUTE_SOURCE, routeSource);
        }
    }

    /**
     * Puts this span's {@code traceparent} (and a trusted parent's {@code tracestate}) on the request to the
     * endpoint, in place of the client's.
     */
    public void inject(HttpHeaders headers) {
        headers.remove(HeaderSetter.TRACESTATE);
        Tracing.PROPAGATOR.inject(Context.root().with(span), headers, HeaderSetter.INSTANCE);
    }

    /** True when the client's traceparent was read (the route trusts it). */
    public boolean trusted() {
        return trusted;
    }

    /**
     * Ends the span.
     *
     * @param status          the status sent to the client, 0 when the connection closed before any
     * @param upstreamAddress the endpoint of the last attempt ({@code ip:port}), or null
     * @param attempts        attempts sent to endpoints
     */
    public void end(int status, String upstreamAddress, int attempts) {
        if (span.isRecording()) {
            if (status > 0) {
                span.setAttribute(HttpAttributes.STATUS, (long) status);
            }
            if (status >= 500) {
                span.setAttribute(HttpAttributes.ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            } else if (status == 0) {
                span.setAttribute(HttpAttributes.ERROR_TYPE, "connection_closed");
                span.setStatus(StatusCode.ERROR);
            }
            if (upstreamAddress != null) {
                span.setAttribute(HttpAttributes.UPSTREAM_ADDRESS, upstreamAddress);
            }
            if (attempts > 0) {
                span.setAttribute(HttpAttributes.ATTEMPTS, (long) attempts);
            }
        }
        span.end();
    }

    /** Writes W3C Trace Context headers on Netty's request headers. */
    private enum HeaderSetter implements TextMapSetter<HttpHeaders> {
        INSTANCE;

        static final String TRACESTATE = "tracestate";

        @Override
        public void set(HttpHeaders carrier, String key, String value) {
            if (carrier != null) {
                carrier.set(key, value);
            }
        }
    }
}
