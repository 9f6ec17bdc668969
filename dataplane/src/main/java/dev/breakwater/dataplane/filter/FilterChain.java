package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutePolicy;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters of one route, in the order they run, built once per table from the route's policy, filters and action,
 * and shared by every event loop. A route with none has {@link #EMPTY}, which costs a length check.
 *
 * <p>On a request: the source allowlist (403), a CORS preflight (204), a redirect, the rate limit (429), the request
 * header modifier and the URL rewrite (which change the request in place), a fixed response, the redirect to HTTPS
 * (308). The first that answers ends the chain. On a response, from the endpoint or the cache: HSTS, the CORS
 * headers, the response header modifier.
 */
public final class FilterChain {

    public static final FilterChain EMPTY = new FilterChain(new HttpFilter[0], new HttpFilter[0]);

    private final HttpFilter[] requestSide;
    private final HttpFilter[] responseSide;

    private FilterChain(HttpFilter[] requestSide, HttpFilter[] responseSide) {
        this.requestSide = requestSide;
        this.responseSide = responseSide;
    }

    /** A chain of the given filters: all of them see requests and responses, in this order. */
    public static FilterChain of(HttpFilter... filters) {
        return new FilterChain(filters.clone(), filters.clone());
    }

    /**
     * The chain of {@code route}.
     *
     * @param limiters where its rate limit's buckets come from (those of the table being served, when the limit is
     *                 the same)
     * @param metrics  where its rate-limited requests are counted
     */
    public static FilterChain of(Route route, RateLimiters.Generation limiters, ProxyMetrics metrics) {
        RoutePolicy policy = route.policy();
        PathMatch match = route.match().path();
        List<HttpFilter> request = new ArrayList<>();
        List<HttpFilter> response = new ArrayList<>();
        if (policy.sourceAllowlist() != null) {
            request.add(new AllowlistFilter(policy.sourceAllowlist()));
        }
        CorsFilter cors = policy.cors() == null ? null : new CorsFilter(policy.cors());
        if (cors != null) {
            request.add(cors);
        }
        HttpFilter headers = null;
        HttpFilter rewrite = null;
        HttpFilter responseHeaders = null;
        for (RouteFilter f : route.filters()) {
            if (f instanceof RouteFilter.RequestRedirect r) {
                request.add(new RedirectFilter(new Redirect(r, match)));
            } else if (f instanceof RouteFilter.RequestHeaderModifier m) {
                headers = new RequestHeaderFilter(new HeaderModifier(m.set(), m.add(), m.remove()));
            } else if (f instanceof RouteFilter.ResponseHeaderModifier m) {
                responseHeaders = new ResponseHeaderFilter(new HeaderModifier(m.set(), m.add(), m.remove()));
            } else if (f instanceof RouteFilter.URLRewrite u) {
                rewrite = new UrlRewriteFilter(u.hostname(),
                        u.path() == null ? null : new PathRewriter(u.path(), match));
            }
        }
        RateLimit limit = policy.rateLimit();
        if (limit != null) {
            request.add(new RateLimitFilter(limiters.limiter(route.name(), limit),
                    limit.exempt() == null ? null
                            : new SourceAllowlist(new dev.breakwater.routing.SourceAllowlist(limit.exempt())),
                    metrics.rateLimited(route.name()), HttpResponseStatus.valueOf(limit.statusOrDefault())));
        }
        addIfPresent(request, headers);
        addIfPresent(request, rewrite);
        if (route.action() instanceof RouteAction.FixedResponse fixed) {
            request.add(new FixedResponseFilter(fixed));
        }
        if (policy.redirectsToHttps()) {
            request.add(new HttpsRedirectFilter());
        }
        if (policy.hsts() != null) {
            response.add(new HstsFilter(policy.hsts().headerValue()));
        }
        addIfPresent(response, cors);
        addIfPresent(response, responseHeaders);
        if (request.isEmpty() && response.isEmpty()) {
            return EMPTY;
        }
        return new FilterChain(request.toArray(HttpFilter[]::new), response.toArray(HttpFilter[]::new));
    }

    private static void addIfPresent(List<HttpFilter> filters, HttpFilter filter) {
        if (filter != null) {
            filters.add(filter);
        }
    }

    /** Runs the request side: the answer of the first filter that gives one, or null to forward the request. */
    public LocalAnswer onRequest(FilterContext request) {
        for (HttpFilter f : requestSide) {
            LocalAnswer answer = f.onRequest(request);
            if (answer != null) {
                return answer;
            }
        }
        return null;
    }

    /** Runs the response side on a response head going to the client. */
    public void onResponse(FilterContext request, HttpHeaders response) {
        for (HttpFilter f : responseSide) {
            f.onResponse(request, response);
        }
    }

    /** True when the chain has filters on the response side: they may change a response's header fields. */
    public boolean changesResponses() {
        return responseSide.length != 0;
    }

    /** True when the chain changes nothing and answers nothing. */
    public boolean isEmpty() {
        return requestSide.length == 0 && responseSide.length == 0;
    }
}
