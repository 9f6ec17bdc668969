package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A stored response (RFC 9111): status, header fields and body, with what freshness and age need. Immutable;
 * a revalidation makes a new one.
 */
public final class CachedResponse {

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
    /** {@link #wireHead()}, made on the first hit that wants it. */
    private volatile byte[] wireHead;

    private CachedResponse(int status, HttpHeaders headers, byte[] body, PartialContent partial,
                           long requestTimeMillis, long responseTimeMillis, CacheControl cc, CacheSettings settings,
                           List<String> vary, Freshness.Lifetime known) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.partial = partial;
        this.responseTimeMillis = responseTimeMillis;
        long date = Freshness.dateOf(headers, responseTimeMillis);
        long apparentAge = Math.max(0, responseTimeMillis - date);
        long ageValue = Math.max(0, CacheControl.parse("age=" + headers.get(HttpHeaderNames.AGE, "0")).seconds("age"))
                * 1000;
        long correctedAgeValue = ageValue + (responseTimeMillis - requestTimeMillis);
        this.correctedInitialAgeMillis = Math.max(apparentAge, correctedAgeValue);
        Freshness.Lifetime lifetime = known != null ? known
                : Freshness.lifetime(status, headers, cc, settings, date);
        this.freshnessLifetimeMillis = lifetime.millis();
        this.heuristic = lifetime.heuristic();
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
     * A 206 to store (as {@link #store}), its parts combined with {@code older}'s when that holds parts of the
     * same representation (the same strong entity tag, RFC 9111 3.4): the header fields are the newer response's.
     * Once every byte is held, the result is a complete 200 (its {@code Content-Range} dropped).
     */
    public static CachedResponse storePart(HttpHeaders headers, byte[] body, CachedResponse older,
                                           long requestTimeMillis, long responseTimeMillis, CacheSettings settings,
                                           Freshness.Lifetime lifetime) {
        PartialContent.Range range = PartialContent.contentRange(headers);
        String etag = headers.get(HttpHeaderNames.ETAG);
        PartialContent parts = older != null && older.partial != null && etag.equals(older.etag)
                ? older.partial.combine(range, body) : PartialContent.of(range, body);
        headers.remove(HttpHeaderNames.CONTENT_RANGE);
        if (parts.complete()) {
            return store(200, headers, parts.whole(), requestTimeMillis, responseTimeMillis, settings, lifetime);
        }
        headers.remove(HttpHeaderNames.SET_COOKIE);
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        CacheControl cc = Freshness.effectiveCacheControl(headers, settings.targeted());
        headers.remove(Freshness.OWN_CACHE_CONTROL);
        return new CachedResponse(206, headers, new byte[0], parts, requestTimeMillis, responseTimeMillis, cc,
                settings, varyOf(headers), lifetime);
    }

    /**
     * A response to store. The headers must be a copy the caller no longer changes; hop-by-hop fields must be
     * gone. {@code Set-Cookie} is dropped here (only stored at all when the route allows it).
     *
     * @param lifetime the freshness lifetime found when the response was judged storable ({@link Storability}),
     *                 or null to work it out here
     */
    public static CachedResponse store(int status, HttpHeaders headers, byte[] body, long requestTimeMillis,
                                       long responseTimeMillis, CacheSettings settings, Freshness.Lifetime lifetime) {
        headers.remove(HttpHeaderNames.SET_COOKIE);
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        CacheControl cc = Freshness.effectiveCacheControl(headers, settings.targeted());
        headers.remove(Freshness.OWN_CACHE_CONTROL);
        return new CachedResponse(status, headers, body, null, requestTimeMillis, responseTimeMillis, cc, settings,
                varyOf(headers), lifetime);
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
        CacheControl cc = Freshness.effectiveCacheControl(merged, settings.targeted());
        merged.remove(Freshness.OWN_CACHE_CONTROL);
        return new CachedResponse(status, merged, body, partial, requestTimeMillis, responseTimeMillis, cc, settings,
                vary, null);
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

    /**
     * The status line and the stored header fields as HTTP/1.1 sends them (each {@code name: value} and CRLF; the
     * blank line that ends a head is not part of it), without the fields every answer sets for itself ({@code Age},
     * {@code X-Cache-Status}) and, for a 200 that does not say, with {@code Accept-Ranges: bytes}; the same fields in
     * the same order as an answer made of {@link #headers()}. Made once per stored response.
     */
    public byte[] wireHead() {
        byte[] w = wireHead;
        if (w == null) {
            w = encodeHead();
            wireHead = w;
        }
        return w;
    }

    private byte[] encodeHead() {
        StringBuilder b = new StringBuilder(256);
        b.append("HTTP/1.1 ").append(HttpResponseStatus.valueOf(status)).append("\r\n");
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            if (HttpHeaderNames.AGE.contentEqualsIgnoreCase(name)
                    || CacheRequest.X_CACHE_STATUS.contentEqualsIgnoreCase(name)) {
                continue;
            }
            b.append(name).append(": ").append(h.getValue()).append("\r\n");
        }
        if (status == 200 && !headers.contains(HttpHeaderNames.ACCEPT_RANGES)) {
            b.append("accept-ranges: bytes\r\n");
        }
        // as Netty's encoder writes a header: a character beyond one byte becomes '?'
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
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

    /** True when this response's freshness is a heuristic of this cache's (no explicit freshness, no route TTL). */
    public boolean heuristicFreshness() {
        return heuristic;
    }

    private static long extension(CacheControl cc, String directive, long routeDefault) {
        long v = cc.seconds(directive);
        return v >= 0 ? v * 1000 : routeDefault;
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
