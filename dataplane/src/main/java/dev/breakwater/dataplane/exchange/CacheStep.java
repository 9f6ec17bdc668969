package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.cache.BackgroundRefresh;
import dev.breakwater.dataplane.cache.CacheKey;
import dev.breakwater.dataplane.cache.CacheRequest;
import dev.breakwater.dataplane.cache.CacheSettings;
import dev.breakwater.dataplane.cache.CachedResponse;
import dev.breakwater.dataplane.cache.ResponseCache;
import dev.breakwater.dataplane.compress.ResponseCompressor;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.upstream.UpstreamHeads;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An exchange's turn at the response cache, between its route's checks and the endpoint: the stored answer served,
 * another request's fetch waited for, or a stale answer served while it is fetched again in the background. Holds no
 * state of its own (the exchange's {@link CacheRequest} does); runs on the exchange's event loop.
 */
final class CacheStep {

    private CacheStep() {
    }

    /** True when {@code x} is answered from the cache or waits for another request's fetch. */
    static boolean consult(Exchange x, boolean mayWait) {
        CacheRequest c = x.cache;
        CacheRequest.Outcome outcome = c.consult(mayWait, x.downstream().eventLoop(), () -> fillEnded(x, c),
                (key, stale, settings, fill) -> refreshInBackground(x, key, stale, settings, fill));
        switch (outcome) {
            case ANSWER:
                x.response.serveCached();
                return true;
            case WAIT:
                x.prepareCall(); // the body read while it waits goes to the call
                return true;
            case NOT_CACHED:
                x.response.respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT,
                        "not in the cache (the request said only-if-cached)", null);
                return true;
            default:
                return false;
        }
    }

    /** The fetch {@code x} waited for ended (or the wait timed out): look again, else go to the endpoint. */
    private static void fillEnded(Exchange x, CacheRequest c) {
        if (c != x.cache || x.closed || x.ended) {
            return;
        }
        if (!consult(x, false)) {
            x.forward();
            x.flushUpstream(); // nothing else flushes what was written upstream (the call and a mirror copy)
        }
    }

    /**
     * stale-while-revalidate: fetches the response again on a connection of the exchange's event loop, while the
     * exchange is answered with the stale one.
     */
    private static void refreshInBackground(Exchange x, CacheKey key, CachedResponse stale, CacheSettings settings,
                                            ResponseCache.Fill fill) {
        CompiledRoute route = x.route;
        CompiledCluster c = route.pickCluster();
        UpstreamEndpoint target = c == null ? null : c.pick(x.context, null);
        if (target == null) {
            fill.finish();
            return;
        }
        HttpRequest fetch = BackgroundRefresh.requestFor(x.request, stale);
        route.forwardedHeaders().set(fetch.headers(), x.context);
        UpstreamHeads.forEndpoint(fetch, x.context.host(), target, false);
        ResponseCompressor compressor = route.compressor();
        String acceptEncoding = x.request.headers().get(HttpHeaderNames.ACCEPT_ENCODING);
        BackgroundRefresh.Encoding encoding = compressor == null ? BackgroundRefresh.Encoding.IDENTITY
                : (st, h, body) -> {
                    String coding = compressor.begin(st, h, acceptEncoding);
                    return coding == null ? body : ResponseCompressor.encodeAll(coding, body);
                };
        new BackgroundRefresh(x.connection().pool(), target, fetch, x.services().cache(), fill, key, stale, settings,
                route.cacheMeters(), encoding, route.limits().connectTimeoutMillis(),
                route.limits().responseTimeoutNanos()).start();
    }
}
