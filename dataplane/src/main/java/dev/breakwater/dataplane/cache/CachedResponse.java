package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A stored response (RFC 9111): status, header fields and body, with what freshness and age need. Immutable;
 * a revalidation makes a new one.
 */
public final class CachedResponse {

    /** Status codes a cache may store without explicit freshness (heuristically cacheable), RFC 9110 15.1. */
    private static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);
    /**
     * The final status codes whose caching semantics this cache knows (RFC 9110's registry but 304, which only
     * refreshes): what {@code must-understand} asks for. Any other final
     * status, unknown ones included, is stored only with explicit freshness and without {@code must-understand}.
     */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 307,
            308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422,
            426, 500, 501, 502, 503, 504, 505);
    /** RFC 9110 10.2 lower bound of the heuristic: a tenth of the time since {@code Last-Modified}. */
    private static final long HEURISTIC_FRACTION = 10;
    private static final int HEADER_OVERHEAD = 32;

    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final long responseTimeMillis;
    private final long correctedInitialAgeMillis;
    private final long freshnessLifetimeMillis;
    private final long staleWhileRevalidateMillis;
    private final long staleIfErrorMillis;
    private final boolean noCache;
    private final boolean mayServeStale;
    private final List<String> vary;
    private final String etag;
    private final String lastModified;
    private final int weight;
    private final boolean heuristic;
    /** The parts held of a 206 (status 206, body empty), or null for a complete response. */
    private final PartialContent partial;

    private CachedResponse(int status, HttpHeaders headers, byte[] body, PartialContent partial,
                           long requestTimeMillis, long responseTimeMillis, CacheControl cc, CacheSettings settings,
                           List<String> vary) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.partial = partial;
        this.responseTimeMillis = responseTimeMillis;
        long date = dateOf(headers, responseTimeMillis);
        long apparentAge = Math.max(0, responseTimeMillis - date);
        long ageValue = Math.max(0, CacheControl.parse("age=" + headers.get(HttpHeaderNames.AGE, "0")).seconds("age"))
                * 1000;
        long correctedAgeValue = ageValue + (responseTimeMillis - requestTimeMillis);
        this.correctedInitialAgeMillis = Math.max(apparentAge, correctedAgeValue);
        long explicit = explicitLifetime(headers, cc, date, settings.targeted());
        if (explicit == NONE) {
            this.freshnessLifetimeMillis = defaultLifetime(status, headers, cc, settings, date);
            this.heuristic = freshnessLifetimeMillis > 0 && settings.defaultTtlMillis() == 0;
        } else {
            this.freshnessLifetimeMillis = Math.max(0, explicit);
            this.heuristic = false;
        }
        boolean revalidate = cc.has("must-revalidate") || cc.has("proxy-revalidate") || cc.has("s-maxage");
        this.noCache = cc.has("no-cache");
        this.mayServeStale = !revalidate && !noCache;
        this.staleWhileRevalidateMillis = revalidate || noCache ? 0
                : extension(cc, "stale-while-revalidate", settings.staleWhileRevalidateMillis());
        this.staleIfErrorMillis = revalidate || noCache ? 0
                : extension(cc, "stale-if-error", settings.staleIfErrorMillis());
        this.vary = vary;
        this.etag = headers.get(HttpHeaderNames.ETAG);
        this.lastModified = headers.get(HttpHeaderNames.LAST_MODIFIED);
        this.weight = weigh(partial == null ? body.length : partial.held(), headers);
    }

    /**
     * What age and freshness of a stored response rest on, as computed when it was received (RFC 9111 4.2): kept
     * with the entry by the disk tier, so that a response read back has the age and freshness it had.
     */
    record Timing(long responseTimeMillis, long correctedInitialAgeMillis, long freshnessLifetimeMillis,
                  long staleWhileRevalidateMillis, long staleIfErrorMillis, boolean noCache, boolean mayServeStale,
                  boolean heuristic) {
    }

    private CachedResponse(int status, HttpHeaders headers, byte[] body, List<String> vary, Timing t) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.partial = null;
        this.responseTimeMillis = t.responseTimeMillis();
        this.correctedInitialAgeMillis = t.correctedInitialAgeMillis();
        this.freshnessLifetimeMillis = t.freshnessLifetimeMillis();
        this.staleWhileRevalidateMillis = t.staleWhileRevalidateMillis();
        this.staleIfErrorMillis = t.staleIfErrorMillis();
        this.noCache = t.noCache();
        this.mayServeStale = t.mayServeStale();
        this.heuristic = t.heuristic();
        this.vary = vary;
        this.etag = headers.get(HttpHeaderNames.ETAG);
        this.lastModified = headers.get(HttpHeaderNames.LAST_MODIFIED);
        this.weight = weigh(body.length, headers);
    }

    /** A complete response read back from the disk tier, as it was stored. */
    static CachedResponse restore(int status, HttpHeaders headers, byte[] body, List<String> vary, Timing timing) {
        return new CachedResponse(status, headers, body, List.copyOf(vary), timing);
    }

    Timing timing() {
        return new Timing(responseTimeMillis, correctedInitialAgeMillis, freshnessLifetimeMillis,
                staleWhileRevalidateMillis, staleIfErrorMillis, noCache, mayServeStale, heuristic);
    }

    private static int weigh(long bodyBytes, HttpHeaders headers) {
        long headerBytes = 0;
        for (Map.Entry<String, String> h : headers) {
            headerBytes += h.getKey().length() + h.getValue().length() + HEADER_OVERHEAD;
        }
        return (int) Math.min(Integer.MAX_VALUE, bodyBytes + headerBytes + 128);
    }

    /**
     * Why a response to this request may not be stored (RFC 9111 section 3), or null when it may.
     *
     * @param method          the request method
     * @param requestCc       the request's Cache-Control
     * @param authorization   whether the request carried credentials
     * @param status          the response status
     * @param responseHeaders the response header fields
     * @param settings        the route's settings
     * @param nowMillis         the time received, for a response without a valid {@code Date}
     */
    public static String whyNotStorable(String method, CacheControl requestCc, boolean authorization, int status,
                                        HttpHeaders responseHeaders, CacheSettings settings, long nowMillis) {
        if (!"GET".equals(method)) {
            return "method";
        }
        if (status < 200 || status == 304) {
            return "status"; // interim, and 304 (refreshes, never stored)
        }
        if (status == 206) {
            String why = whyNotStorablePart(responseHeaders, settings);
            if (why != null) {
                return why;
            }
        }
        CacheControl cc = effectiveCacheControl(responseHeaders, settings.targeted());
        boolean mustUnderstand = cc.has("must-understand");
        if (mustUnderstand && !UNDERSTOOD.contains(status)) {
            return "must-understand";
        }
        // with must-understand, a cache that knows the status ignores no-store (RFC 9111 5.2.2.3)
        if (requestCc.has("no-store") || (cc.has("no-store") && !mustUnderstand)) {
            return "no-store";
        }
        if (cc.has("private")) {
            return "private";
        }
        if (authorization && !cc.has("public") && !cc.has("must-revalidate") && !cc.has("s-maxage")) {
            return "authorization";
        }
        if (responseHeaders.contains(HttpHeaderNames.SET_COOKIE) && !settings.storeWithSetCookie()) {
            return "set-cookie";
        }
        List<String> vary = varyOf(responseHeaders);
        if (vary == null) {
            return "vary *";
        }
        long date = dateOf(responseHeaders, nowMillis);
        if (explicitLifetime(responseHeaders, cc, date, settings.targeted()) != NONE) {
            return null;
        }
        if (!HEURISTIC.contains(status) && !cc.has("public")) {
            return "no freshness"; // an unknown or non-heuristic status needs explicit freshness
        }
        boolean validators = responseHeaders.contains(HttpHeaderNames.ETAG)
                || responseHeaders.contains(HttpHeaderNames.LAST_MODIFIED);
        if (defaultLifetime(status, responseHeaders, cc, settings, date) > 0 || (cc.has("no-cache") && validators)) {
            return null; // fresh for a while, or stored to be revalidated each time
        }
        return "no freshness";
    }

    /**
     * Why a 206 may not be stored as a part of its representation (RFC 9111 3.3): only a single part with a known
     * complete length no larger than the route stores, and a strong entity tag (the validator that lets parts be
     * combined, 3.4); not in a content coding.
     */
    private static String whyNotStorablePart(HttpHeaders headers, CacheSettings settings) {
        PartialContent.Range range = PartialContent.contentRange(headers);
        if (range == null) {
            return "206 without one Content-Range of known length";
        }
        if (range.length() > settings.maxObjectBytes()) {
            return "206 of a representation larger than " + settings.maxObjectBytes() + " bytes";
        }
        String etag = headers.get(HttpHeaderNames.ETAG);
        if (etag == null || !etag.startsWith("\"") || headers.getAll(HttpHeaderNames.ETAG).size() != 1) {
            return "206 without a strong entity tag";
        }
        if (headers.contains(HttpHeaderNames.CONTENT_ENCODING)) {
            return "206 in a content coding";
        }
        return null;
    }

    /**
     * A 206 to store (as {@link #store}), its parts combined with {@code older}'s when that holds parts of the
     * same representation (the same strong entity tag, RFC 9111 3.4): the header fields are the newer response's.
     * Once every byte is held, the result is a complete 200 (its {@code Content-Range} dropped).
     */
    public static CachedResponse storePart(HttpHeaders headers, byte[] body, CachedResponse older,
                                           long requestTimeMillis, long responseTimeMillis, CacheSettings settings) {
        PartialContent.Range range = PartialContent.contentRange(headers);
        String etag = headers.get(HttpHeaderNames.ETAG);
        PartialContent parts = older != null && older.partial != null && etag.equals(older.etag)
                ? older.partial.combine(range, body) : PartialContent.of(range, body);
        headers.remove(HttpHeaderNames.CONTENT_RANGE);
        if (parts.complete()) {
            return store(200, headers, parts.whole(), requestTimeMillis, responseTimeMillis, settings);
        }
        headers.remove(HttpHeaderNames.SET_COOKIE);
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        CacheControl cc = effectiveCacheControl(headers, settings.targeted());
        headers.remove(OWN_CACHE_CONTROL);
        return new CachedResponse(206, headers, new byte[0], parts, requestTimeMillis, responseTimeMillis, cc,
                settings, varyOf(headers));
    }

    /**
     * A response to store. The headers must be a copy the caller no longer changes; hop-by-hop fields must be
     * gone. {@code Set-Cookie} is dropped here (only stored at all when the route allows it).
     */
    public static CachedResponse store(int status, HttpHeaders headers, byte[] body, long requestTimeMillis,
                                       long responseTimeMillis, CacheSettings settings) {
        headers.remove(HttpHeaderNames.SET_COOKIE);
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        CacheControl cc = effectiveCacheControl(headers, settings.targeted());
        headers.remove(OWN_CACHE_CONTROL);
        return new CachedResponse(status, headers, body, null, requestTimeMillis, responseTimeMillis, cc, settings,
                varyOf(headers));
    }

    /**
     * This response refreshed by a 304 (RFC 9111 section 4.3.4): the 304's header fields replace the stored
     * ones (except the framing), and age and freshness start again.
     */
    public CachedResponse refreshedBy(HttpHeaders notModified, long requestTimeMillis, long responseTimeMillis,
                                      CacheSettings settings) {
        HttpHeaders merged = new DefaultHttpHeaders().set(headers);
        merged.remove(HttpHeaderNames.AGE);
        for (String name : notModified.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")
                    || lower.equals("set-cookie") || lower.equals("content-encoding")) {
                continue;
            }
            merged.set(name, notModified.getAll(name));
        }
        CacheControl cc = effectiveCacheControl(merged, settings.targeted());
        merged.remove(OWN_CACHE_CONTROL);
        return new CachedResponse(status, merged, body, partial, requestTimeMillis, responseTimeMillis, cc, settings,
                vary);
    }

    /** The request-header names that select this variant, lower case; never null. */
    public List<String> vary() {
        return vary;
    }

    public int status() {
        return status;
    }

    /** The stored header fields: never to be changed; copy them to answer. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The body of a complete response (empty for a partial one). */
    public byte[] body() {
        return body;
    }

    /** The parts held of a 206, or null for a complete response. */
    public PartialContent partial() {
        return partial;
    }

    public String etag() {
        return etag;
    }

    public String lastModified() {
        return lastModified;
    }

    /** True when the origin can be asked whether this response is still current. */
    public boolean hasValidators() {
        return etag != null || lastModified != null;
    }

    /** Bytes this entry is counted for against the cache's limit. */
    public int weight() {
        return weight;
    }

    /** RFC 9111 section 4.2.3: {@code current_age}. */
    public long currentAgeMillis(long nowMillis) {
        return correctedInitialAgeMillis + Math.max(0, nowMillis - responseTimeMillis);
    }

    /** How long past its freshness this response is (negative while fresh). */
    public long stalenessMillis(long nowMillis) {
        return currentAgeMillis(nowMillis) - freshnessLifetimeMillis;
    }

    /** Fresh for a request with the given Cache-Control (its max-age, min-fresh and max-stale). */
    public boolean freshFor(CacheControl requestCc, long nowMillis) {
        if (noCache) {
            return false;
        }
        long age = currentAgeMillis(nowMillis);
        long lifetime = freshnessLifetimeMillis;
        long maxAge = requestCc.seconds("max-age");
        if (maxAge >= 0 && age > maxAge * 1000) {
            return false;
        }
        long minFresh = requestCc.seconds("min-fresh");
        if (minFresh > 0) {
            lifetime -= minFresh * 1000;
        }
        if (age < lifetime) {
            return true;
        }
        if (requestCc.has("max-stale") && mayServeStale) {
            if (requestCc.value("max-stale").isEmpty()) {
                return true; // any staleness
            }
            long maxStale = requestCc.seconds("max-stale");
            return maxStale >= 0 && age - lifetime <= maxStale * 1000;
        }
        return false;
    }

    /** May be served stale while one request refreshes it. */
    public boolean withinStaleWhileRevalidate(long nowMillis) {
        long staleness = stalenessMillis(nowMillis);
        return staleness >= 0 && staleness < staleWhileRevalidateMillis;
    }

    /** May be served stale because the origin failed. */
    public boolean withinStaleIfError(long nowMillis) {
        return stalenessMillis(nowMillis) < staleIfErrorMillis;
    }

    /** The {@code Content-Encoding} of the stored body, lower case, or null for none. */
    public String contentEncoding() {
        String ce = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        return ce == null ? null : ce.trim().toLowerCase(Locale.ROOT);
    }

    /** {@link #explicitLifetime} when the response gives no explicit freshness. */
    private static final long NONE = Long.MIN_VALUE;

    /**
     * The freshness the response states (RFC 9111 4.2.1): {@code s-maxage}, else {@code max-age}, else
     * {@code Expires} minus {@code Date} (an {@code Expires} that is not one valid HTTP-date, or appears twice,
     * means already expired; with a targeted field in force, {@code Expires} is not read, RFC 9213 2.2); or
     * {@link #NONE}.
     */
    private static long explicitLifetime(HttpHeaders headers, CacheControl cc, long date, boolean targeted) {
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
    private static long defaultLifetime(int status, HttpHeaders headers, CacheControl cc, CacheSettings settings,
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

    /** True when this response's freshness is a heuristic of this cache's (no explicit freshness, no route TTL). */
    public boolean heuristicFreshness() {
        return heuristic;
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

    private static long extension(CacheControl cc, String directive, long routeDefault) {
        long v = cc.seconds(directive);
        return v >= 0 ? v * 1000 : routeDefault;
    }

    /** {@code Date}, or {@code fallback} (the time received) when it is absent or not one valid HTTP-date. */
    private static long dateOf(HttpHeaders headers, long fallback) {
        long d = HttpDate.parseSingle(headers.getAll(HttpHeaderNames.DATE));
        return d == HttpDate.INVALID ? fallback : d;
    }

    /** The lower-case field names of {@code Vary}; null for {@code Vary: *}. */
    static List<String> varyOf(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.VARY);
        if (values.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(2);
        for (String v : values) {
            for (String part : v.split(",")) {
                String n = part.trim().toLowerCase(Locale.ROOT);
                if (n.equals("*")) {
                    return null;
                }
                if (!n.isEmpty() && !names.contains(n)) {
                    names.add(n);
                }
            }
        }
        names.sort(null);
        return List.copyOf(names);
    }
}
