package dev.breakwater.dataplane.cache;

import dev.breakwater.routing.CachePolicy;

/**
 * One route's cache settings with the data plane's defaults filled in, resolved once per table.
 *
 * @param purgeGeneration            part of every key of the route
 * @param defaultTtlMillis           freshness of responses without explicit freshness (0: not stored)
 * @param maxObjectBytes             largest body stored
 * @param staleWhileRevalidateMillis stale-while-revalidate where the response does not say
 * @param staleIfErrorMillis         stale-if-error where the response does not say
 * @param storeWithSetCookie         store responses with Set-Cookie (without the cookie)
 * @param heuristicMaxMillis         cap of the heuristic freshness (a tenth of the time since Last-Modified) of
 *                                   responses without explicit freshness where no default TTL applies; 0: none
 * @param targeted                   obey the targeted fields Breakwater-Cache-Control and CDN-Cache-Control
 *                                   (RFC 9213) over Cache-Control
 */
public record CacheSettings(long purgeGeneration, long defaultTtlMillis, long maxObjectBytes,
                            long staleWhileRevalidateMillis, long staleIfErrorMillis, boolean storeWithSetCookie,
                            long heuristicMaxMillis, boolean targeted) {

    /** The heuristic's cap where the route does not say: one day. */
    public static final long DEFAULT_HEURISTIC_MAX_MILLIS = 86_400_000L;

    public static CacheSettings resolve(CachePolicy policy, CacheConfig config) {
        return new CacheSettings(policy.purgeGeneration(),
                policy.defaultTtlSeconds() != null ? policy.defaultTtlSeconds() * 1000 : config.defaultTtl().toMillis(),
                policy.maxObjectBytes() != null ? policy.maxObjectBytes() : config.maxObjectBytes(),
                policy.staleWhileRevalidateSeconds() != null ? policy.staleWhileRevalidateSeconds() * 1000 : 0,
                policy.staleIfErrorSeconds() != null ? policy.staleIfErrorSeconds() * 1000 : 0,
                policy.storeWithSetCookie(),
                policy.heuristicMaxSeconds() != null ? policy.heuristicMaxSeconds() * 1000 : DEFAULT_HEURISTIC_MAX_MILLIS,
                Boolean.TRUE.equals(policy.targetedCacheControl()));
    }
}
