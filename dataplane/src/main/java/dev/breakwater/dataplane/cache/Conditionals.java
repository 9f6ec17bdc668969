package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Conditional requests and stored responses: a client's against one (RFC 9110 sections 13.1.2 and 13.1.3), and the
 * cache's own, to revalidate one.
 */
public final class Conditionals {

    private Conditionals() {
    }

    /**
     * True when the client's validators match the stored response, so it is answered 304: an {@code If-None-Match}
     * naming the stored entity tag (weak comparison) or {@code *}; else an {@code If-Modified-Since} no earlier than
     * the stored {@code Last-Modified} (or {@code Date}). If-None-Match, when present, decides alone.
     */
    public static boolean notModified(CachedResponse stored, HttpHeaders request) {
        String inm = request.get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm != null) {
            if (stored.etag() == null) {
                return false;
            }
            String tag = weak(stored.etag());
            for (String part : inm.split(",")) {
                String candidate = part.trim();
                if (candidate.equals("*") || weak(candidate).equals(tag)) {
                    return true;
                }
            }
            return false;
        }
        String ims = request.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims != null) {
            String lm = stored.lastModified() != null ? stored.lastModified() : stored.headers().get(HttpHeaderNames.DATE);
            // the strict parser of the cache (RFC 9110 5.6.7): an invalid date is ignored (13.1.3)
            long since = HttpDate.parse(ims);
            long last = lm == null ? HttpDate.INVALID : HttpDate.parse(lm);
            return since != HttpDate.INVALID && last != HttpDate.INVALID && last <= since;
        }
        return false;
    }

    /**
     * Asks the origin whether {@code stored} is still current (RFC 9111 4.3.1): its entity tag as
     * {@code If-None-Match}, its {@code Last-Modified} as {@code If-Modified-Since}, set on the request's fields.
     */
    public static void askWithValidators(HttpHeaders request, CachedResponse stored) {
        if (stored.etag() != null) {
            request.set(HttpHeaderNames.IF_NONE_MATCH, stored.etag());
        }
        if (stored.lastModified() != null) {
            request.set(HttpHeaderNames.IF_MODIFIED_SINCE, stored.lastModified());
        }
    }

    /** The entity tag without its weakness marker, for weak comparison. */
    private static String weak(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
