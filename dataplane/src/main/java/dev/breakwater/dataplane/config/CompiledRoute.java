package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.auth.Authenticator;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.compress.ResponseCompressor;
import dev.breakwater.dataplane.cache.CacheFilter;
import dev.breakwater.dataplane.filter.BodyLimitFilter;
import dev.breakwater.dataplane.filter.ClientCertificateFilter;
import dev.breakwater.dataplane.filter.FilterChain;
import dev.breakwater.dataplane.filter.ForwardedHeadersFilter;
import dev.breakwater.dataplane.lb.AffinityCookie;
import dev.breakwater.dataplane.metrics.CacheMeters;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.metrics.RouteMeters;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.request.PathNormalizer;
import dev.breakwater.dataplane.request.PathPolicy;
import dev.breakwater.dataplane.request.RequestRefused;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.QueryParamMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.StringMatch;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** A route of the current table, ready for matching: regexes compiled, clusters resolved. */
public final class CompiledRoute {

    private final Route route;
    private final ClientAuth clientAuth;
    private final PathMatch.Type pathType;
    private final String pathValue;
    private final Pattern pathPattern;
    private final HeaderMatch[] headers;
    private final Pattern[] headerPatterns;
    private final QueryParamMatch[] queryParams;
    private final Pattern[] queryPatterns;
    private final String method;
    private final CompiledCluster[] clusters;
    private final int[] cumulativeWeights;
    private final RouteMeters meters;
    private final CacheMeters cacheMeters;
    private final ResponseCompressor compressor;
    private final FilterChain filters;
    private final RouteLimits limits;
    private final ClientCertificateFilter clientCertificates;
    private final BodyLimitFilter bodyLimit;
    private final ForwardedHeadersFilter forwardedHeaders;
    private final AffinityCookie affinity;
    private final CacheFilter cache;
    private final Authenticator authenticator;
    private final ErrorPageRoute errorPages;
    private final MirrorRoute mirror;
    private final dev.breakwater.dataplane.ratelimit.ConcurrencyLimit concurrency;

    CompiledRoute(Route route, ClientAuth clientAuth, Map<String, CompiledCluster> clustersByName,
                  ProxyMetrics metrics, RateLimiters.Generation limiters, ProxyConfig config) {
        this.route = route;
        this.limits = RouteLimits.resolve(route.policy(), config);
        this.clientAuth = clientAuth;
        PathMatch path = route.match().path();
        this.pathType = path.type();
        this.pathValue = comparable(path.type() == PathMatch.Type.PREFIX ? path.normalizedPrefix() : path.value());
        this.pathPattern = path.type() == PathMatch.Type.REGULAR_EXPRESSION ? Pattern.compile(path.value()) : null;
        List<HeaderMatch> hm = route.match().headers();
        this.headers = hm.toArray(HeaderMatch[]::new);
        this.headerPatterns = new Pattern[headers.length];
        for (int i = 0; i < headers.length; i++) {
            if (headers[i].type() == StringMatch.REGULAR_EXPRESSION) {
                headerPatterns[i] = Pattern.compile(headers[i].value());
            }
        }
        List<QueryParamMatch> qm = route.match().queryParams();
        this.queryParams = qm.toArray(QueryParamMatch[]::new);
        this.queryPatterns = new Pattern[queryParams.length];
        for (int i = 0; i < queryParams.length; i++) {
            if (queryParams[i].type() == StringMatch.REGULAR_EXPRESSION) {
                queryPatterns[i] = Pattern.compile(queryParams[i].value());
            }
        }
        this.method = route.match().method();
        if (route.action() instanceof RouteAction.Forward forward) {
            List<RouteAction.BackendRef> refs = forward.backends().stream().filter(b -> b.weight() > 0).toList();
            this.clusters = new CompiledCluster[refs.size()];
            this.cumulativeWeights = new int[refs.size()];
            int sum = 0;
            for (int i = 0; i < refs.size(); i++) {
                CompiledCluster c = clustersByName.get(refs.get(i).cluster());
                if (c == null) {
                    throw new IllegalArgumentException("route " + route.name() + ": cluster "
                            + refs.get(i).cluster() + " is not in the table");
                }
                clusters[i] = c;
                sum += refs.get(i).weight();
                cumulativeWeights[i] = sum;
            }
        } else {
            // a fixed response: its filter chain answers
            this.clusters = new CompiledCluster[0];
            this.cumulativeWeights = new int[0];
        }
        this.meters = metrics.route(route.name());
        this.filters = FilterChain.of(route, limiters, metrics);
        this.cacheMeters = route.policy().cache() == null ? null : metrics.cache(route.name());
        this.compressor = route.policy().compression() == null ? null
                : new ResponseCompressor(route.policy().compression());
        this.clientCertificates = clientAuth == null ? null : new ClientCertificateFilter(clientAuth,
                Boolean.TRUE.equals(route.policy().passClientCertificate()));
        this.bodyLimit = new BodyLimitFilter(limits.maxRequestBodyBytes());
        this.forwardedHeaders = ForwardedHeadersFilter.INSTANCE;
        this.authenticator = Authenticator.of(route.name(), route.policy(), forwardedHeaders, metrics);
        this.affinity = route.policy().affinity() == null ? null : new AffinityCookie(route.policy().affinity());
        this.cache = route.policy().cache() == null ? null
                : new CacheFilter(route.name(), route.policy().cache(), cacheMeters);
        this.errorPages = route.policy().errorPages() == null ? null
                : new ErrorPageRoute(route, clustersByName, metrics, limiters, config);
        this.mirror = route.policy().mirror() == null ? null
                : new MirrorRoute(route, clustersByName, metrics, limiters, config);
        this.concurrency = route.policy().concurrentPerClient() == null ? null
                : new dev.breakwater.dataplane.ratelimit.ConcurrencyLimit(route.policy().concurrentPerClient());
    }

    /** Its limit of requests in progress per client address (limit-connections), or null. */
    public dev.breakwater.dataplane.ratelimit.ConcurrencyLimit concurrency() {
        return concurrency;
    }

    /** Its request mirror (mirror-target), or null. */
    public MirrorRoute mirror() {
        return mirror;
    }

    /** Its error pages (custom-http-errors), or null. */
    public ErrorPageRoute errorPages() {
        return errorPages;
    }


    /** The client-certificate check of its virtual host, or null when the host asks for none. */
    public ClientCertificateFilter clientCertificates() {
        return clientCertificates;
    }

    /** Its request body limit. */
    public BodyLimitFilter bodyLimit() {
        return bodyLimit;
    }

    /** The X-Forwarded-* and X-Request-Id headers it sends to endpoints. */
    public ForwardedHeadersFilter forwardedHeaders() {
        return forwardedHeaders;
    }

    /** Its Basic and external authentication, or null when it has none. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** Its session-affinity cookie, or null when it has no session affinity. */
    public AffinityCookie affinity() {
        return affinity;
    }

    /** The response cache's part in it, or null when it does not cache. */
    public CacheFilter cache() {
        return cache;
    }

    /** The route's cache meters, or null when its responses are not cached. */
    public CacheMeters cacheMeters() {
        return cacheMeters;
    }

    /** The route's response compressor, or null when it does not compress. */
    public ResponseCompressor compressor() {
        return compressor;
    }

    public String name() {
        return route.name();
    }

    public Route route() {
        return route;
    }

    /** The client certificates its virtual host asks for, or null. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    public RouteMeters meters() {
        return meters;
    }

    /** Its limits and timeouts, resolved against the proxy's defaults. */
    public RouteLimits limits() {
        return limits;
    }

    /** Its filter chain (allowlist, CORS, redirects, rate limit, rewrites, fixed response, HTTPS redirect, HSTS). */
    public FilterChain filters() {
        return filters;
    }

    /** The cluster for the next request, by weight; null when every backend has weight 0. */
    public CompiledCluster pickCluster() {
        int n = clusters.length;
        if (n <= 1) {
            return n == 0 ? null : clusters[0];
        }
        int r = ThreadLocalRandom.current().nextInt(cumulativeWeights[n - 1]);
        for (int i = 0; i < n; i++) {
            if (r < cumulativeWeights[i]) {
                return clusters[i];
            }
        }
        return clusters[n - 1];
    }

    boolean matches(String path, String query, String requestMethod, HttpHeaders requestHeaders) {
        if (!matchesPath(path)) {
            return false;
        }
        if (method != null && !method.equals(requestMethod)) {
            return false;
        }
        for (int i = 0; i < headers.length; i++) {
            if (!matchesHeader(i, requestHeaders)) {
                return false;
            }
        }
        if (queryParams.length > 0) {
            Map<String, List<String>> params = new QueryStringDecoder(query == null ? "" : query, false).parameters();
            for (int i = 0; i < queryParams.length; i++) {
                if (!matchesValues(params.get(queryParams[i].name()), queryParams[i].value(), queryPatterns[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** How a route's own path is read: normalised as request paths are, but never refused and slashes kept. */
    private static final PathPolicy ROUTE_PATHS = new PathPolicy(false, PathPolicy.EscapedSlashes.KEEP);

    /**
     * A route's Exact or Prefix path in the form request paths take once normalised ({@code /%7euser} is
     * {@code /~user}), so that it is compared with them like for like.
     */
    private static String comparable(String value) {
        if (value.isEmpty()) {
            return value;
        }
        try {
            return PathNormalizer.normalize(value, ROUTE_PATHS);
        } catch (RequestRefused e) {
            return value; // never matches a request path, as before
        }
    }

    private boolean matchesPath(String path) {
        switch (pathType) {
            case EXACT:
                return path.equals(pathValue);
            case PREFIX:
                int n = pathValue.length();
                return n == 0 || path.startsWith(pathValue) && (path.length() == n || path.charAt(n) == '/');
            default:
                return pathPattern.matcher(path).matches();
        }
    }

    private boolean matchesHeader(int i, HttpHeaders requestHeaders) {
        return matchesValues(requestHeaders.getAll(headers[i].name()), headers[i].value(), headerPatterns[i]);
    }

    private static boolean matchesValues(List<String> values, String expected, Pattern pattern) {
        if (values == null) {
            return false;
        }
        for (String v : values) {
            if (pattern == null ? expected.equals(v) : pattern.matcher(v).matches()) {
                return true;
            }
        }
        return false;
    }
}
