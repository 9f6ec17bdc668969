package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.ProxyConfig;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutePolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * The filters of one route, prepared once per table (regexes compiled, names interned, CIDRs parsed) and
 * shared by every event loop: immutable, no per-request allocation beyond what a filter's answer needs.
 * A route with no filter, allowlist or CORS has none ({@link #of} gives null), so it costs nothing.
 *
 * <p>On a request, in this order: the source allowlist ({@code 403}); a CORS preflight ({@code 204}); a
 * redirect; then the request header modifier and the URL rewrite, which change the request in place. On a
 * response from the backend: the CORS headers, then the response header modifier.
 */
public final class RequestFilters {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    private final SourceAllowlist allowlist;
    private final CorsPolicy cors;
    private final Redirect redirect;
    private final HeaderModifier requestHeaders;
    private final HeaderModifier responseHeaders;
    private final String rewriteHost;
    private final PathRewriter rewritePath;

    private RequestFilters(Route route) {
        RoutePolicy policy = route.policy();
        PathMatch match = route.match().path();
        allowlist = policy.sourceAllowlist() == null ? null : new SourceAllowlist(policy.sourceAllowlist());
        cors = policy.cors() == null ? null : new CorsPolicy(policy.cors());
        Redirect r = null;
        HeaderModifier req = null;
        HeaderModifier resp = null;
        String host = null;
        PathRewriter path = null;
        for (RouteFilter f : route.filters()) {
            if (f instanceof RouteFilter.RequestRedirect rr) {
                r = new Redirect(rr, match);
            } else if (f instanceof RouteFilter.RequestHeaderModifier m) {
                req = new HeaderModifier(m.set(), m.add(), m.remove());
            } else if (f instanceof RouteFilter.ResponseHeaderModifier m) {
                resp = new HeaderModifier(m.set(), m.add(), m.remove());
            } else if (f instanceof RouteFilter.URLRewrite u) {
                host = u.hostname();
                path = u.path() == null ? null : new PathRewriter(u.path(), match);
            }
        }
        redirect = r;
        requestHeaders = req;
        responseHeaders = resp;
        rewriteHost = host;
        rewritePath = path;
    }

    /** The filters of {@code route}, or null when it has none. */
    public static RequestFilters of(Route route) {
        RoutePolicy p = route.policy();
        if (route.filters().isEmpty() && p.sourceAllowlist() == null && p.cors() == null) {
            return null;
        }
        return new RequestFilters(route);
    }

    /**
     * Applies the request side. Returns the answer to give instead of forwarding, or null to forward the
     * request, whose headers and target may have been changed.
     *
     * @param request  the request (its target in origin form)
     * @param scheme   {@code http} or {@code https}
     * @param host     the Host header, or null
     * @param path     the request path, without query
     * @param query    the query, or null
     * @param clientIp the address of the client connection
     * @param config   the proxy's settings (public HTTPS port, whether X-Forwarded-For is trusted)
     */
    public LocalAnswer onRequest(HttpRequest request, String scheme, String host, String path, String query,
                                 String clientIp, ProxyConfig config) {
        HttpHeaders headers = request.headers();
        if (allowlist != null && !allowlist.allows(clientAddress(headers, clientIp, config))) {
            return new LocalAnswer(HttpResponseStatus.FORBIDDEN, "client address not allowed", null);
        }
        if (cors != null) {
            LocalAnswer preflight = cors.preflight(request);
            if (preflight != null) {
                return preflight;
            }
        }
        if (redirect != null) {
            return redirect.answer(scheme, host, path, query, config.publicHttpsPort());
        }
        if (requestHeaders != null) {
            requestHeaders.applyToRequest(headers);
        }
        if (rewriteHost != null) {
            headers.set(HttpHeaderNames.HOST, rewriteHost);
        }
        if (rewritePath != null) {
            String newPath = rewritePath.apply(path);
            if (newPath != null) {
                request.setUri(PathRewriter.target(newPath, query));
            }
        }
        return null;
    }

    /** Applies the response side to a response head from the backend. */
    public void onResponse(HttpRequest request, HttpResponse response) {
        if (cors != null) {
            cors.onResponse(request, response.headers());
        }
        if (responseHeaders != null) {
            responseHeaders.apply(response.headers());
        }
    }

    /**
     * The client's address: the connection's, or behind a trusted load balancer
     * ({@link ProxyConfig#trustForwardedHeaders()}) the last address of X-Forwarded-For, which that balancer
     * appended.
     */
    private static String clientAddress(HttpHeaders headers, String clientIp, ProxyConfig config) {
        if (!config.trustForwardedHeaders()) {
            return clientIp;
        }
        String xff = headers.get(X_FORWARDED_FOR);
        if (xff == null) {
            return clientIp;
        }
        int comma = xff.lastIndexOf(',');
        return xff.substring(comma + 1).trim();
    }
}
