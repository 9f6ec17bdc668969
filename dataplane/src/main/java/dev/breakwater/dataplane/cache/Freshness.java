package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Set;

/**
 * How long a response is fresh (RFC 9111 4.2.1 and 4.2.2), from the directives this cache obeys (RFC 9213's
 * targeted fields first, where the route says): explicit freshness, else the route's default TTL, else the
 * heuristic.
 */
final class Freshness {

    /** A response's freshness lifetime; {@code explicit} when the response stated it, {@code heuristic} when guessed. */
    record Lifetime(long millis, boolean explicit, boolean heuristic) {
    }

    private Freshness() {
    }

    /** The freshness lifetime of a response whose {@code Date} (or time received) is {@code date}. */
    static Lifetime lifetime(int status, HttpHeaders headers, CacheControl cc, CacheSettings settings, long date) {
        long explicit = explicitLifetime(headers, cc, date, settings.targeted());
        if (explicit != NONE) {
            return new Lifetime(Math.max(0, explicit), true, false);
        }
        long guessed = defaultLifetime(status, headers, cc, settings, date);
        return new Lifetime(guessed, false, guessed > 0 && settings.defaultTtlMillis() == 0);
    }

    /** Status codes a cache may store without explicit freshness (heuristically cacheable), RFC 9110 15.1. */
    static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);
    /** RFC 9110 10.2 lower bound of the heuristic: a tenth of the time since {@code Last-Modified}. */
    private static final long HEURISTIC_FRACTION = 10;
    /** {@link #explicitLifetime} when the response gives no explicit freshness. */
    static final long NONE = Long.MIN_VALUE;

    /**
     * The freshness the response states (RFC 9111 4.2.1): {@code s-maxage}, else {@code max-age}, else
     * {@code Expires} minus {@code Date} (an {@code Expires} that is not one valid HTTP-date, or appears twice,
     * means already expired; with a targeted field in force, {@code Expires} is not read, RFC 9213 2.2); or
     * {@link #NONE}.
     */
    static long explicitLifetime(HttpHeaders headers, CacheControl cc, long date, boolean targeted) {
        long sMaxAge = cc.seconds("s-maxage");
        if (sMaxAge != CacheControl.ABSENT) {
            return Math.max(0, sMaxAge) * 1000;
        }
        long maxAge = cc.seconds("max-age");
        if (maxAge != CacheControl.ABSENT) {
            return Math.max(0, maxAge) * 1000;
        }
        if (targeted && targetedField(headers) != null) {
            return NONE;
        }
        List<String> expires = headers.getAll(HttpHeaderNames.EXPIRES);
        if (!expires.isEmpty()) {
            long e = HttpDate.parseSingle(expires);
            return e == HttpDate.INVALID ? 0 : e - date;
        }
        return NONE;
    }

    /**
     * Freshness without explicit freshness, for heuristically cacheable statuses and {@code public}: the route's
     * default TTL when it has one; else RFC 9111 4.2.2's heuristic, a tenth of the time between
     * {@code Last-Modified} and {@code Date}, at most the route's heuristic cap (0: no heuristic); else 0.
     */
    static long defaultLifetime(int status, HttpHeaders headers, CacheControl cc, CacheSettings settings,
                                        long date) {
        if (!HEURISTIC.contains(status) && !cc.has("public")) {
            return 0;
        }
        if (settings.defaultTtlMillis() > 0) {
            return settings.defaultTtlMillis();
        }
        if (settings.heuristicMaxMillis() <= 0) {
            return 0;
        }
        long lastModified = HttpDate.parseSingle(headers.getAll(HttpHeaderNames.LAST_MODIFIED));
        if (lastModified == HttpDate.INVALID || lastModified > date) {
            return 0;
        }
        return Math.min((date - lastModified) / HEURISTIC_FRACTION, settings.heuristicMaxMillis());
    }

    /** Breakwater's own targeted field (RFC 9213): read before {@code CDN-Cache-Control}, never stored. */
    public static final String OWN_CACHE_CONTROL = "Breakwater-Cache-Control";
    private static final String CDN_CACHE_CONTROL = "CDN-Cache-Control";

    /** The targeted field in force, Breakwater's own first, then {@code CDN-Cache-Control}; or null. */
    private static List<String> targetedField(HttpHeaders headers) {
        List<String> own = headers.getAll(OWN_CACHE_CONTROL);
        if (!own.isEmpty()) {
            return own;
        }
        List<String> cdn = headers.getAll(CDN_CACHE_CONTROL);
        return cdn.isEmpty() ? null : cdn;
    }

    /**
     * The directives this cache obeys: with targeted fields on for the route (RFC 9213), the first present of
     * {@code Breakwater-Cache-Control} and {@code CDN-Cache-Control} replaces {@code Cache-Control} whole; else
     * {@code Cache-Control}.
     */
    public static CacheControl effectiveCacheControl(HttpHeaders headers, boolean targeted) {
        if (targeted) {
            List<String> field = targetedField(headers);
            if (field != null) {
                return CacheControl.parse(field);
            }
        }
        return CacheControl.parse(headers.getAll(HttpHeaderNames.CACHE_CONTROL));
    }

    /** {@code Date}, or {@code fallback} (the time received) when it is absent or not one valid HTTP-date. */
    static long dateOf(HttpHeaders headers, long fallback) {
        long d = HttpDate.parseSingle(headers.getAll(HttpHeaderNames.DATE));
        return d == HttpDate.INVALID ? fallback : d;
    }
}
