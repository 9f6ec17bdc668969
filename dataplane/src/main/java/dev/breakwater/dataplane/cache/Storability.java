package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Set;

/**
 * Whether a response may be stored (RFC 9111 section 3), judged once when its head arrives; the freshness lifetime
 * found on the way goes with the verdict to {@link CachedResponse#store}, so that it is not worked out twice.
 */
final class Storability {

    /**
     * The final status codes whose caching semantics this cache knows (RFC 9110's registry but 304, which only
     * refreshes): what {@code must-understand} asks for. Any other final
     * status, unknown ones included, is stored only with explicit freshness and without {@code must-understand}.
     */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 307,
            308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422,
            426, 500, 501, 502, 503, 504, 505);

    /** The verdict: why not ({@code whyNot}, null when it may be stored) and, when it may, its freshness lifetime. */
    record Verdict(String whyNot, Freshness.Lifetime lifetime) {
        public boolean storable() {
            return whyNot == null;
        }

        static Verdict no(String why) {
            return new Verdict(why, null);
        }
    }

    private Storability() {
    }

    /**
     * Whether the response to a client's {@code request} may be stored ({@link #check}), and is no larger than the
     * route stores by its {@code Content-Length}.
     */
    static Verdict checkFor(HttpRequest request, CacheControl requestCc, int status, HttpHeaders responseHeaders,
                            CacheSettings settings, long nowMillis) {
        Verdict verdict = check(request.method().name(), requestCc,
                request.headers().contains(HttpHeaderNames.AUTHORIZATION), status, responseHeaders, settings, nowMillis);
        if (verdict.storable() && contentLength(responseHeaders) > settings.maxObjectBytes()) {
            return Verdict.no("larger than " + settings.maxObjectBytes() + " bytes");
        }
        return verdict;
    }

    private static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether a response to this request may be stored.
     *
     * @param method          the request method
     * @param requestCc       the request's Cache-Control
     * @param authorization   whether the request carried credentials
     * @param status          the response status
     * @param responseHeaders the response header fields
     * @param settings        the route's settings
     * @param nowMillis       the time received, for a response without a valid {@code Date}
     */
    static Verdict check(String method, CacheControl requestCc, boolean authorization, int status,
                                HttpHeaders responseHeaders, CacheSettings settings, long nowMillis) {
        if (!"GET".equals(method)) {
            return Verdict.no("method");
        }
        if (status < 200 || status == 304) {
            return Verdict.no("status"); // interim, and 304 (refreshes, never stored)
        }
        if (status == 206) {
            String why = whyNotStorablePart(responseHeaders, settings);
            if (why != null) {
                return Verdict.no(why);
            }
        }
        CacheControl cc = Freshness.effectiveCacheControl(responseHeaders, settings.targeted());
        boolean mustUnderstand = cc.has("must-understand");
        if (mustUnderstand && !UNDERSTOOD.contains(status)) {
            return Verdict.no("must-understand");
        }
        // with must-understand, a cache that knows the status ignores no-store (RFC 9111 5.2.2.3)
        if (requestCc.has("no-store") || (cc.has("no-store") && !mustUnderstand)) {
            return Verdict.no("no-store");
        }
        if (cc.has("private")) {
            return Verdict.no("private");
        }
        if (authorization && !cc.has("public") && !cc.has("must-revalidate") && !cc.has("s-maxage")) {
            return Verdict.no("authorization");
        }
        if (responseHeaders.contains(HttpHeaderNames.SET_COOKIE) && !settings.storeWithSetCookie()) {
            return Verdict.no("set-cookie");
        }
        if (CachedResponse.varyOf(responseHeaders) == null) {
            return Verdict.no("vary *");
        }
        Freshness.Lifetime lifetime = Freshness.lifetime(status, responseHeaders, cc, settings,
                Freshness.dateOf(responseHeaders, nowMillis));
        if (lifetime.explicit()) {
            return new Verdict(null, lifetime);
        }
        if (!Freshness.HEURISTIC.contains(status) && !cc.has("public")) {
            return Verdict.no("no freshness"); // an unknown or non-heuristic status needs explicit freshness
        }
        boolean validators = responseHeaders.contains(HttpHeaderNames.ETAG)
                || responseHeaders.contains(HttpHeaderNames.LAST_MODIFIED);
        if (lifetime.millis() > 0 || (cc.has("no-cache") && validators)) {
            return new Verdict(null, lifetime); // fresh for a while, or stored to be revalidated each time
        }
        return Verdict.no("no freshness");
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
}
