package dev.breakwater.operator.policy;

import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Compression;
import java.util.List;

/** The response cache and response compression of a route. */
public final class CachePolicies {

    private CachePolicies() {
    }

    /**
     * The cache: null values are the data plane's defaults; a maximum object size of {@link Long#MAX_VALUE} (no
     * limit written as 0) is the default too, and a missing or negative purge generation is 0.
     */
    public static CachePolicy cache(Long defaultTtlSeconds, Long maxObjectBytes, Long staleWhileRevalidateSeconds,
                                    Long staleIfErrorSeconds, boolean storeWithSetCookie, Long purgeGeneration) {
        return cache(defaultTtlSeconds, maxObjectBytes, staleWhileRevalidateSeconds, staleIfErrorSeconds,
                storeWithSetCookie, purgeGeneration, null, false);
    }

    /**
     * The same with the heuristic's cap (null: the data plane's default of a day; 0: no heuristic) and whether
     * the targeted fields of RFC 9213 are obeyed.
     */
    public static CachePolicy cache(Long defaultTtlSeconds, Long maxObjectBytes, Long staleWhileRevalidateSeconds,
                                    Long staleIfErrorSeconds, boolean storeWithSetCookie, Long purgeGeneration,
                                    Long heuristicMaxSeconds, boolean targetedCacheControl) {
        return new CachePolicy(defaultTtlSeconds, maxObjectBytes == null || maxObjectBytes == Long.MAX_VALUE ? null
                : maxObjectBytes, staleWhileRevalidateSeconds, staleIfErrorSeconds, storeWithSetCookie,
                purgeGeneration == null || purgeGeneration < 0 ? 0 : purgeGeneration, heuristicMaxSeconds,
                targetedCacheControl ? Boolean.TRUE : null);
    }

    /**
     * Compression of bodies of at least {@code minBytes} (null, or {@link Long#MAX_VALUE}: the data plane's default)
     * of {@code contentTypes} (null: the default list).
     */
    public static Compression compression(Long minBytes, List<String> contentTypes) {
        return new Compression(minBytes == null || minBytes == Long.MAX_VALUE ? null : minBytes, contentTypes);
    }
}
