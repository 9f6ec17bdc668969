package dev.breakwater.dataplane.request;

/**
 * Checks a Host header or the authority of an absolute-form target: RFC 3986's {@code host [ ":" port ]}, where host
 * is a reg-name (unreserved, sub-delims, percent-encodings), an IPv4 address (a reg-name of digits and dots) or an
 * IPv6 literal in brackets, and port is at most five digits up to 65535. Anything else (spaces, {@code user@},
 * slashes, a second colon outside brackets, control characters) is not a host.
 */
public final class Authority {

    private Authority() {
    }

    /**
     * The host of a valid authority, without its port: {@code a.example.com:8443} is {@code a.example.com},
     * {@code [2001:db8::1]:443} is {@code 2001:db8::1}; null stays null.
     */
    public static String host(String authority) {
        if (authority == null || authority.isEmpty()) {
            return authority;
        }
        if (authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            return close < 0 ? authority : authority.substring(1, close);
        }
        int colon = authority.indexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    public static boolean valid(String authority) {
        if (authority == null || authority.isEmpty()) {
            return false;
        }
        int portColon;
        if (authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            if (close < 3 || !ipv6Literal(authority, 1, close)) {
                return false;
            }
            if (close + 1 == authority.length()) {
                return true;
            }
            if (authority.charAt(close + 1) != ':') {
                return false;
            }
            portColon = close + 1;
        } else {
            portColon = authority.indexOf(':');
            int end = portColon < 0 ? authority.length() : portColon;
            if (end == 0 || !regName(authority, 0, end)) {
                return false;
            }
            if (portColon < 0) {
                return true;
            }
        }
        return port(authority, portColon + 1);
    }

    private static boolean regName(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (!UriChars.hexPairAt(s, i + 1) || i + 2 >= to) {
                    return false;
                }
                i += 2;
            } else if (!UriChars.unreserved(c) && !UriChars.subDelim(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean ipv6Literal(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (UriChars.hex(c) < 0 && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** An empty port is allowed (RFC 3986: {@code port = *DIGIT}); otherwise 1-5 digits, at most 65535. */
    private static boolean port(String s, int from) {
        int digits = s.length() - from;
        if (digits > 5) {
            return false;
        }
        int value = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 65535;
    }
}
