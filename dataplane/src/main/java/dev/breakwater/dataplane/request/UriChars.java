package dev.breakwater.dataplane.request;

/** The character classes of RFC 3986 that a request target is checked against (and a cache key normalised by). */
public final class UriChars {

    private static final String HEX = "0123456789ABCDEF";
    private static final boolean[] UNRESERVED = new boolean[128];
    private static final boolean[] SUB_DELIMS = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            UNRESERVED[c] = true;
            UNRESERVED[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            UNRESERVED[c] = true;
        }
        for (char c : "-._~".toCharArray()) {
            UNRESERVED[c] = true;
        }
        for (char c : "!$&'()*+,;=".toCharArray()) {
            SUB_DELIMS[c] = true;
        }
    }

    private UriChars() {
    }

    /** ALPHA / DIGIT / "-" / "." / "_" / "~". */
    public static boolean unreserved(int c) {
        return c >= 0 && c < 128 && UNRESERVED[c];
    }

    static boolean subDelim(int c) {
        return c >= 0 && c < 128 && SUB_DELIMS[c];
    }

    /** A character a path may carry as it is: pchar without percent-encoding, or the separator. */
    static boolean pathChar(int c) {
        return unreserved(c) || subDelim(c) || c == ':' || c == '@' || c == '/';
    }

    /** A character a query may carry as it is. */
    static boolean queryChar(int c) {
        return pathChar(c) || c == '?';
    }

    /** A control character (C0 or DEL), never accepted in a request target. */
    static boolean control(int c) {
        return c < 0x20 || c == 0x7f;
    }

    /** The value of a hexadecimal digit, or -1. */
    public static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** True when {@code s} holds two hexadecimal digits at {@code i} and {@code i + 1}. */
    static boolean hexPairAt(String s, int i) {
        return i + 1 < s.length() && hex(s.charAt(i)) >= 0 && hex(s.charAt(i + 1)) >= 0;
    }

    /** Appends {@code %XX} for an octet, in upper-case hex (RFC 3986 section 6.2.2.1). */
    static void appendEncoded(StringBuilder out, int octet) {
        out.append('%').append(HEX.charAt(octet >> 4 & 0xf)).append(HEX.charAt(octet & 0xf));
    }
}
