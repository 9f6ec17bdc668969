package dev.breakwater.dataplane.cache;

import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.dataplane.metrics.CacheMeters;
import dev.breakwater.routing.CachePolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Set;

/**
 * The response cache's part in a caching route, built once per table: which requests it answers or fills (GET and
 * HEAD, not upgrades), which it invalidates (unsafe methods), and with which settings. The state of one request
 * is its {@link CacheRequest}.
 */
public final class CacheFilter {

    /** Methods that never invalidate stored responses. */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final CacheControl PRAGMA_NO_CACHE = CacheControl.parse("no-cache");

    private final String route;
    private final CachePolicy policy;
    private final CacheMeters meters;
    /** The policy against the cache's defaults: the same for every request (one cache per process), made once. */
    private CacheSettings settings;

    public CacheFilter(String route, CachePolicy policy, CacheMeters meters) {
        this.route = route;
        this.policy = policy;
        this.meters = meters;
    }

    CacheMeters meters() {
        return meters;
    }

    CacheSettings settings(ResponseCache cache) {
        CacheSettings s = settings;
        if (s == null) {
            s = CacheSettings.resolve(policy, cache.config());
            settings = s; // a record of finals: safe to publish by a race, and every race writes the same
        }
        return s;
    }

    /**
     * The cache's part in a request, or null when it has none.
     *
     * @param target  the request target as the client sent it (before any URL rewrite): the key's
     * @param upgrade true for a WebSocket upgrade, which is never cached
     */
    public CacheRequest onRequest(FilterContext request, ResponseCache cache, String target, boolean upgrade) {
        HttpMethod method = request.request().method();
        if (!upgrade && (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD))) {
            CacheSettings s = settings(cache);
            HttpHeaders headers = request.headers();
            List<String> cc = headers.getAll(HttpHeaderNames.CACHE_CONTROL);
            CacheControl requestCc = cc.isEmpty() && headers.containsValue(HttpHeaderNames.PRAGMA, "no-cache", true)
                    ? PRAGMA_NO_CACHE : CacheControl.parse(cc);
            CacheKey key = CacheKey.of(route, s.purgeGeneration(), request.scheme(), request.host(), target);
            return new CacheRequest(this, cache, s, request.request(), key, requestCc, null);
        }
        if (!SAFE_METHODS.contains(method.name())) {
            CacheKey stored = CacheKey.of(route, policy.purgeGeneration(), request.scheme(), request.host(), target);
            return new CacheRequest(this, cache, null, request.request(), null, null, stored);
        }
        return null;
    }
}
