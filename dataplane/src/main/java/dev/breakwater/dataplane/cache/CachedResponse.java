package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A stored response (RFC 9111): status, header fields and body, with what freshness and age need. Immutable;
 * a revalidation makes a new one.
 */
public final class CachedResponse {

    /** Status codes a cache may store with heuristic (here: the route's default) freshness, RFC 9110 15.1. */
    private static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);
    /** Status codes this cache stores at all (no partial content: range requests are passed through). */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405,
            410, 414, 501);
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

    private CachedResponse(int status, HttpHeaders headers, byte[] body, long requestTimeMillis,
                           long responseTimeMillis, CacheControl cc, CacheSettings settings, List<String> vary) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.responseTimeMillis = responseTimeMillis;
        long date = dateOf(headers, responseTimeMillis);
        long apparentAge = Math.max(0, responseTimeMillis - date);
        long ageValue = Math.max(0, CacheControl.parse("age=" + headers.get(HttpHeaderNames.AGE, "0")).seconds("age"))
                * 1000;
        long correctedAgeValue = ageValue + (responseTimeMillis - requestTimeMillis);
        this.correctedInitialAgeMillis = Math.max(apparentAge, correctedAgeValue);
        this.freshnessLifetimeMillis = Math.max(0, freshnessLifetime(status, headers, cc, settings, date));
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
        int headerBytes = 0;
        for (Map.Entry<String, String> h : headers) {
            headerBytes += h.getKey().length() + h.getValue().length() + HEADER_OVERHEAD;
        }
        this.weight = body.length + headerBytes + 128;
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
     */
    public static String whyNotStorable(String method, CacheControl requestCc, boolean authorization, int status,
                                        HttpHeaders responseHeaders, CacheSettings settings) {
        if (!"GET".equals(method)) {
            return "method";
        }
        if (!UNDERSTOOD.contains(status)) {
            return "status";
        }
        CacheControl cc = CacheControl.parse(responseHeaders.getAll(HttpHeaderNames.CACHE_CONTROL));
        if (requestCc.has("no-store") || cc.has("no-store")) {
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
        if (responseHeaders.contains(HttpHeaderNames.CONTENT_RANGE)) {
            return "partial content";
        }
        List<String> vary = varyOf(responseHeaders);
        if (vary == null) {
            return "vary *";
        }
        boolean explicit = cc.has("s-maxage") || cc.has("max-age") || responseHeaders.contains(HttpHeaderNames.EXPIRES);
        boolean heuristic = HEURISTIC.contains(status) && settings.defaultTtlMillis() > 0;
        if (!explicit && !heuristic && !(cc.has("public") && settings.defaultTtlMillis() > 0)) {
            return "no freshness";
        }
        return null;
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
        CacheControl cc = CacheControl.parse(headers.getAll(HttpHeaderNames.CACHE_CONTROL));
        return new CachedResponse(status, headers, body, requestTimeMillis, responseTimeMillis, cc, settings,
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
        CacheControl cc = CacheControl.parse(merged.getAll(HttpHeaderNames.CACHE_CONTROL));
        return new CachedResponse(status, merged, body, requestTimeMillis, responseTimeMillis, cc, settings, vary);
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

    public byte[] body() {
        return body;
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

    private static long freshnessLifetime(int status, HttpHeaders headers, CacheControl cc, CacheSettings settings,
                                          long date) {
        long sMaxAge = cc.seconds("s-maxage");
        if (sMaxAge != CacheControl.ABSENT) {
            return Math.max(0, sMaxAge) * 1000;
        }
        long maxAge = cc.seconds("max-age");
        if (maxAge != CacheControl.ABSENT) {
            return Math.max(0, maxAge) * 1000;
        }
        String expires = headers.get(HttpHeaderNames.EXPIRES);
        if (expires != null) {
            Date e = DateFormatter.parseHttpDate(expires);
            return e == null ? 0 : e.getTime() - date;
        }
        if (HEURISTIC.contains(status) || cc.has("public")) {
            return settings.defaultTtlMillis();
        }
        return 0;
    }

    private static long extension(CacheControl cc, String directive, long routeDefault) {
        long v = cc.seconds(directive);
        return v >= 0 ? v * 1000 : routeDefault;
    }

    private static long dateOf(HttpHeaders headers, long fallback) {
        String d = headers.get(HttpHeaderNames.DATE);
        Date parsed = d == null ? null : DateFormatter.parseHttpDate(d);
        return parsed == null ? fallback : parsed.getTime();
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
