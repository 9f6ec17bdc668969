package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.ProxyConfig;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiter;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutePolicy;
import io.micrometer.core.instrument.Counter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * The filters of one route, prepared once per table (regexes compiled, names interned, CIDRs parsed) and
 * shared by every event loop: immutable, no per-request allocation beyond what a filter's answer needs (and a rate
 * limit's key). A route with no filter, allowlist, CORS or rate limit has none ({@link #of} gives null), so it costs
 * nothing.
 *
 * <p>On a request, in this order: the source allowlist ({@code 403}); a CORS preflight ({@code 204}); a
 * redirect; the rate limit ({@code 429}); then the request header modifier and the URL rewrite, which change the
 * request in place. On a response from the backend: the CORS headers, then the response header modifier.
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
    private final RateLimiter limiter;
    private final SourceAllowlist limitExempt;
    private final Counter limited;

    private RequestFilters(Route route, RateLimiters.Generation limiters, ProxyMetrics metrics) {
        RoutePolicy policy = route.policy();
        PathMatch match = route.match().path();
        allowlist = policy.sourceAllowlist() == null ? null : new SourceAllowlist(policy.sourceAllowlist());
        cors = policy.cors() == null ? null : new CorsPolicy(policy.cors());
        RateLimit limit = policy.rateLimit();
        limiter = limit == null ? null : limiters.limiter(route.name(), limit);
        limitExempt = limit == null || limit.exempt() == null ? null
                : new SourceAllowlist(new dev.breakwater.routing.SourceAllowlist(limit.exempt()));
        limited = limit == null ? null : metrics.rateLimited(route.name());
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

    /**
     * The filters of {@code route}, or null when it has none.
     *
     * @param limiters where its rate limit's buckets come from (those of the table being served, when the limit is
     *                 the same)
     * @param metrics  where its rejected requests are counted
     */
    public static RequestFilters of(Route route, RateLimiters.Generation limiters, ProxyMetrics metrics) {
        RoutePolicy p = route.policy();
        if (route.filters().isEmpty() && p.sourceAllowlist() == null && p.cors() == null && p.rateLimit() == null) {
            return null;
        }
        return new RequestFilters(route, limiters, metrics);
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
        String address = null;
        if (allowlist != null && !allowlist.allows(address = clientAddress(headers, clientIp, config))) {
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
        if (limiter != null) {
            if (address == null) {
                address = clientAddress(headers, clientIp, config);
            }
            if (limitExempt == null || !limitExempt.allows(address)) {
                long wait = limiter.acquire(headers, address);
                if (wait > 0) {
                    limited.increment();
                    return new LocalAnswer(HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit exceeded",
                            new DefaultHttpHeaders().set(HttpHeaderNames.RETRY_AFTER,
                                    RateLimiter.retryAfterSeconds(wait)));
                }
            }
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
     * The client's address, for the allowlist and rate-limit keys: the connection's, or behind a trusted load balancer
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
