package dev.breakwater.dataplane.cache;

import dev.breakwater.dataplane.request.UriChars;
import java.util.Locale;

/**
 * The primary cache key: the route (with its purge generation), the scheme, the host and the request target.
 * Two hosts, two routes or two schemes never share an entry. The host is lower-cased without a default port;
 * the path and query have their percent-encoding normalised (RFC 3986 section 6.2.2: unreserved characters
 * decoded, other escapes upper-cased); the order of query parameters is kept, since origins may depend on it.
 *
 * @param route      the route's name
 * @param generation the route's purge generation
 * @param scheme {@code http} or {@code https}
 * @param host   the normalised host
 * @param target the normalised path and query
 */
public record CacheKey(String route, long generation, String scheme, String host, String target) {

    public static CacheKey of(String route, long purgeGeneration, String scheme, String host, String target) {
        return new CacheKey(route, purgeGeneration, scheme,
                normaliseHost(scheme, host), normaliseTarget(target));
    }

    /** The path part of the target (without the query). */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The URL this key was made for, as a client would write it. */
    public String url() {
        return scheme + "://" + host + target;
    }

    static String normaliseHost(String scheme, String host) {
        if (host == null) {
            return "";
        }
        String h = host.toLowerCase(Locale.ROOT);
        if ("http".equals(scheme) && h.endsWith(":80")) {
            return h.substring(0, h.length() - 3);
        }
        if ("https".equals(scheme) && h.endsWith(":443")) {
            return h.substring(0, h.length() - 4);
        }
        return h;
    }

    static String normaliseTarget(String target) {
        if (target.indexOf('%') < 0) {
            return target;
        }
        StringBuilder out = new StringBuilder(target.length());
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%' && i + 2 < target.length() && UriChars.hex(target.charAt(i + 1)) >= 0
                    && UriChars.hex(target.charAt(i + 2)) >= 0) {
                int value = UriChars.hex(target.charAt(i + 1)) * 16 + UriChars.hex(target.charAt(i + 2));
                if (UriChars.unreserved(value)) {
                    out.append((char) value);
                } else {
                    out.append('%').append(Character.toUpperCase(target.charAt(i + 1)))
                            .append(Character.toUpperCase(target.charAt(i + 2)));
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
