package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

/**
 * What a filter knows of the request it runs for: the head as checked and normalised at the edge (HTTP/1.1 and
 * HTTP/2 alike), the scheme it came in on, the client's address and the proxy's settings. One per request.
 *
 * @param request  the request head (origin-form target, normalised path)
 * @param scheme   {@code http} or {@code https}
 * @param host     the Host header (or the absolute-form target's authority), or null for an HTTP/1.0 request without
 * @param path     the normalised path, without the query
 * @param query    the query, or null
 * @param clientIp the address of the client connection
 * @param config   the proxy's settings
 */
public record FilterContext(HttpRequest request, String scheme, String host, String path, String query,
                            String clientIp, ProxyConfig config) {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    public HttpHeaders headers() {
        return request.headers();
    }

    public boolean https() {
        return "https".equals(scheme);
    }

    /**
     * The client's address, for allowlists and rate-limit keys: the connection's, or behind a trusted load balancer
     * ({@link ProxyConfig#trustForwardedHeaders()}) the last address of X-Forwarded-For, which that balancer appended.
     */
    public String clientAddress() {
        if (!config.trustForwardedHeaders()) {
            return clientIp;
        }
        String xff = request.headers().get(X_FORWARDED_FOR);
        if (xff == null) {
            return clientIp;
        }
        int comma = xff.lastIndexOf(',');
        return xff.substring(comma + 1).trim();
    }
}
