package dev.breakwater.routing;

import java.util.Locale;
import java.util.Set;

/** Checks on the header names and values a table may set. */
final class HeaderNames {

    /**
     * Headers no filter may set, add or remove: hop-by-hop headers (RFC 9110 section 7.6.1), the body's
     * framing, and {@code Host} (a {@link RouteFilter.URLRewrite} sets that).
     */
    static final Set<String> RESERVED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "host");

    private HeaderNames() {
    }

    /** The name in lower case, checked to be a token and not reserved. */
    static String name(String field, String name) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(HeaderNames::tchar)) {
            throw new IllegalArgumentException(field + ": '" + name + "' (expected: a header name token)");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower)) {
            throw new IllegalArgumentException(field + ": " + name + " is hop-by-hop, framing or Host, which the "
                    + "proxy owns");
        }
        return lower;
    }

    /** The value, checked to hold no control characters (no CR or LF: no header injection). */
    static String value(String field, String value) {
        if (value == null || value.chars().anyMatch(c -> c < 32 && c != '\t' || c == 127)) {
            throw new IllegalArgumentException(field + ": the value of a header may not be null nor hold control "
                    + "characters");
        }
        return value;
    }

    /** RFC 9110 token character. */
    static boolean tchar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** A DNS host name or IP literal (IPv6 in brackets), lower case, without port. */
    static String hostname(String field, String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            throw new IllegalArgumentException(field + ": '" + host + "' (expected: a host name)");
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]") && Cidr.parseAddress(h) != null) {
            return h;
        }
        if (!h.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')
                || h.startsWith(".") || h.startsWith("-") || h.contains("..")) {
            throw new IllegalArgumentException(field + ": '" + host + "' (expected: a host name without port)");
        }
        return h;
    }
}
