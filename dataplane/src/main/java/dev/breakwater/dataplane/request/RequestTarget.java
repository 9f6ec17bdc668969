package dev.breakwater.dataplane.request;

/**
 * A request target as the edge accepts it (RFC 9112 section 3.2): origin-form ({@code /path?query}) or absolute-form
 * ({@code http://host/path?query}, scheme in any case, which then names the host instead of the Host header), its
 * path normalised by {@link PathNormalizer}. Fragments, the asterisk and authority forms and other schemes are
 * refused with 400.
 *
 * @param authority the authority of an absolute-form target, or null for origin-form
 * @param path      the normalised path
 * @param query     the query (after {@code ?}), or null when there is none
 */
public record RequestTarget(String authority, String path, String query) {

    public static RequestTarget parse(String target, PathPolicy policy) throws RequestRefused {
        if (target.indexOf('#') >= 0) {
            throw new RequestRefused(400, "the request target has a fragment (#), which clients never send");
        }
        String authority = null;
        String rest = target;
        if (target.isEmpty() || target.charAt(0) != '/') {
            int schemeEnd = schemeEnd(target);
            if (schemeEnd < 0) {
                throw new RequestRefused(400, "the request target must be a path starting with / or an http(s) URL");
            }
            int authorityStart = schemeEnd + 3;
            int authorityEnd = authorityStart;
            while (authorityEnd < target.length() && target.charAt(authorityEnd) != '/'
                    && target.charAt(authorityEnd) != '?') {
                authorityEnd++;
            }
            authority = target.substring(authorityStart, authorityEnd);
            if (authority.indexOf('@') >= 0) {
                throw new RequestRefused(400, "the request target carries user information (user@)");
            }
            if (!Authority.valid(authority)) {
                throw new RequestRefused(400, "the request target's host is not a valid host name or address");
            }
            rest = target.substring(authorityEnd);
            if (rest.isEmpty() || rest.charAt(0) == '?') {
                rest = "/" + rest;
            }
        }
        int q = rest.indexOf('?');
        String path = PathNormalizer.normalize(q < 0 ? rest : rest.substring(0, q), policy);
        String query = q < 0 ? null : PathNormalizer.normalizeQuery(rest.substring(q + 1));
        return new RequestTarget(authority, path, query);
    }

    /**
     * True when the target holds no space or control character, so that it can be read at all (an HTTP/1.1 request
     * line cannot carry one; an HTTP/2 {@code :path} must not).
     */
    public static boolean readable(CharSequence target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code http} or {@code https} (any case) ends, when followed by {@code ://}; else -1. */
    private static int schemeEnd(String target) {
        for (String scheme : new String[] {"http", "https"}) {
            int n = scheme.length();
            if (target.length() > n + 3 && target.regionMatches(true, 0, scheme, 0, n)
                    && target.startsWith("://", n)) {
                return n;
            }
        }
        return -1;
    }

    /** The target as forwarded: the normalised path and the query. */
    public String uri() {
        return query == null ? path : path + "?" + query;
    }
}
