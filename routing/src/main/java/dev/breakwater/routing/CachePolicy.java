package dev.breakwater.routing;

/**
 * A route's response cache (RFC 9111, shared cache). Present on a route means the cache is on for it; the
 * origin's {@code Cache-Control} still decides what is stored and for how long, these settings fill in what
 * the origin leaves open.
 *
 * @param defaultTtlSeconds            freshness of a storable response that carries no explicit freshness
 *                                     ({@code s-maxage}, {@code max-age}, {@code Expires}); null: the data
 *                                     plane's default; 0: such responses are not stored
 * @param maxObjectBytes               largest body stored (bigger responses pass through unstored); null: the
 *                                     data plane's default
 * @param staleWhileRevalidateSeconds  how long past freshness a stale entry is served while one request
 *                                     refreshes it in the background, when the response does not say
 * @param staleIfErrorSeconds          how long past freshness a stale entry is served when the origin fails
 *                                     (5xx, unreachable, timed out), when the response does not say
 * @param storeWithSetCookie           store responses that carry {@code Set-Cookie} (the stored copy drops
 *                                     the cookie; only the client that caused the fetch gets it)
 * @param purgeGeneration              bumping it drops every entry stored for this route
 * @param heuristicMaxSeconds          cap of the heuristic freshness RFC 9111 4.2.2 allows a response with
 *                                     {@code Last-Modified} and no explicit freshness, when no default TTL
 *                                     applies (a tenth of the time since it was last modified); null: one day; 0:
 *                                     no heuristic
 * @param targetedCacheControl         obey the targeted fields of RFC 9213, {@code Breakwater-Cache-Control} then
 *                                     {@code CDN-Cache-Control}, instead of {@code Cache-Control} (and
 *                                     {@code Expires}) when the origin sends one; null: no
 */
public record CachePolicy(Long defaultTtlSeconds, Long maxObjectBytes, Long staleWhileRevalidateSeconds,
                          Long staleIfErrorSeconds, boolean storeWithSetCookie, long purgeGeneration,
                          Long heuristicMaxSeconds, Boolean targetedCacheControl) {

    /** The cache on, every setting at the data plane's default. */
    public static final CachePolicy DEFAULTS = new CachePolicy(null, null, null, null, false, 0);

    /** The settings before the heuristic cap and targeted fields existed (both at their defaults). */
    public CachePolicy(Long defaultTtlSeconds, Long maxObjectBytes, Long staleWhileRevalidateSeconds,
                       Long staleIfErrorSeconds, boolean storeWithSetCookie, long purgeGeneration) {
        this(defaultTtlSeconds, maxObjectBytes, staleWhileRevalidateSeconds, staleIfErrorSeconds, storeWithSetCookie,
                purgeGeneration, null, null);
    }

    public CachePolicy {
        requireNonNegative("heuristicMaxSeconds", heuristicMaxSeconds);
        requireNonNegative("defaultTtlSeconds", defaultTtlSeconds);
        requireNonNegative("staleWhileRevalidateSeconds", staleWhileRevalidateSeconds);
        requireNonNegative("staleIfErrorSeconds", staleIfErrorSeconds);
        if (maxObjectBytes != null && maxObjectBytes <= 0) {
            throw new IllegalArgumentException("maxObjectBytes: " + maxObjectBytes + " (expected: > 0)");
        }
    }

    private static void requireNonNegative(String name, Long value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }
}
