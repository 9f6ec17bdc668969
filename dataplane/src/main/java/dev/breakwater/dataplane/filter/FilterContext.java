package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.lb.PickContext;
import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

/**
 * What the filters and the balancer know of the request they run for: the head as checked and normalised at the
 * edge (HTTP/1.1 and HTTP/2 alike), the scheme it came in on, the client connection and the proxy's settings. One per
 * request, made when the request is routed; it holds no per-request state of any filter.
 */
public final class FilterContext implements PickContext {

    private final HttpRequest request;
    private final String scheme;
    private final String host;
    private final String path;
    private final String query;
    private final String clientIp;
    private String trustedAddress;
    private boolean forwardedRead;
    private final String localPort;
    private final String requestId;
    private final ClientTls clientTls;
    private final ProxyConfig config;
    private final ForwardedTrust forwardedTrust;

    /**
     * @param request   the request head (origin-form target, normalised path)
     * @param scheme    {@code http} or {@code https}
     * @param host      the Host header (or the absolute-form target's authority), or null for an HTTP/1.0 request
     *                  without
     * @param path      the normalised path, without the query
     * @param query     the query, or null
     * @param clientIp  the address of the client connection
     * @param localPort the port the client connected to (X-Forwarded-Port)
     * @param requestId the request's id (X-Request-Id)
     * @param clientTls what the connection's TLS handshake established, or null on plain HTTP
     * @param config    the proxy's settings
     * @param forwardedTrust whose forwarded headers are believed (the table's)
     */
    public FilterContext(HttpRequest request, String scheme, String host, String path, String query, String clientIp,
                         String localPort, String requestId, ClientTls clientTls, ProxyConfig config,
                         ForwardedTrust forwardedTrust) {
        this.request = request;
        this.scheme = scheme;
        this.host = host;
        this.path = path;
        this.query = query;
        this.clientIp = clientIp;
        this.localPort = localPort;
        this.requestId = requestId;
        this.clientTls = clientTls;
        this.config = config;
        this.forwardedTrust = forwardedTrust;
    }

    /** A request whose forwarded headers are believed as the data plane's own setting says. */
    public FilterContext(HttpRequest request, String scheme, String host, String path, String query, String clientIp,
                         String localPort, String requestId, ClientTls clientTls, ProxyConfig config) {
        this(request, scheme, host, path, query, clientIp, localPort, requestId, clientTls, config,
                ForwardedTrust.of(config));
    }

    /** A request on a plain connection with no port or id of its own (tests of filters that need neither). */
    public FilterContext(HttpRequest request, String scheme, String host, String path, String query, String clientIp,
                         ProxyConfig config) {
        this(request, scheme, host, path, query, clientIp, "", "", null, config);
    }

    public HttpRequest request() {
        return request;
    }

    public String scheme() {
        return scheme;
    }

    public String host() {
        return host;
    }

    public String path() {
        return path;
    }

    public String query() {
        return query;
    }

    public String clientIp() {
        return clientIp;
    }

    public String localPort() {
        return localPort;
    }

    public String requestId() {
        return requestId;
    }

    /** What the TLS handshake of the client connection established, or null on plain HTTP. */
    public ClientTls clientTls() {
        return clientTls;
    }

    public ProxyConfig config() {
        return config;
    }

    public HttpHeaders headers() {
        return request.headers();
    }

    public boolean https() {
        return "https".equals(scheme);
    }

    /** Whose forwarded headers are believed. */
    public ForwardedTrust forwardedTrust() {
        return forwardedTrust;
    }

    /**
     * The client's address, for allowlists and rate-limit keys: the connection's, or from a trusted peer
     * ({@link ForwardedTrust}) the client its forwarded header names.
     */
    public String clientAddress() {
        String forwarded = forwardedFor();
        return forwarded == null ? clientIp : forwarded;
    }

    /**
     * From a trusted peer, the client named by the forwarded header the request came with (read once, before this
     * proxy changes the header); else, or without one, null.
     */
    public String forwardedFor() {
        if (!forwardedRead) {
            forwardedRead = true;
            if (forwardedTrust.trusts(clientIp)) {
                String value = request.headers().get(forwardedTrust.header());
                trustedAddress = value == null ? null : forwardedTrust.clientIn(value);
            }
        }
        return trustedAddress;
    }

    // ---- PickContext: what a hashing balancer or session affinity reads

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public String cookie(String name) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
        }
        return null;
    }

    @Override
    public String sourceIp() {
        return clientIp;
    }
}
