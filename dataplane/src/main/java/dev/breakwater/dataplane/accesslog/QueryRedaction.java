package dev.breakwater.dataplane.accesslog;

import java.util.Locale;
import java.util.Set;

/**
 * Hides credentials that travel in query strings before a line is written: the value of every parameter whose name
 * (case-insensitive) is one of {@link #NAMES}, or contains {@code token}, {@code secret}, {@code password} or
 * {@code signature}, becomes {@value #REDACTED}. The names and every other value stay as they came.
 */
public final class QueryRedaction {

    public static final String REDACTED = "REDACTED";

    /** Parameter names whose values are never logged (besides those containing the words above). */
    public static final Set<String> NAMES = Set.of("access_token", "id_token", "refresh_token", "token", "api_key",
            "apikey", "api-key", "key", "auth", "authorization", "password", "passwd", "pwd", "secret",
            "client_secret", "code", "sig", "signature", "session", "sessionid", "jwt", "x-amz-credential",
            "x-amz-signature", "x-amz-security-token", "x-goog-signature", "x-goog-credential");

    private static final String[] WORDS = {"token", "secret", "password", "signature"};

    private QueryRedaction() {
    }

    /** {@code query} (without {@code ?}) with the values of credential parameters replaced; null stays null. */
    public static String redact(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        StringBuilder out = null;
        int start = 0;
        int n = query.length();
        while (start <= n) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            int eq = query.indexOf('=', start);
            if (eq >= 0 && eq < end && sensitive(query.substring(start, eq)) && eq + 1 < end) {
                if (out == null) {
                    out = new StringBuilder(n).append(query, 0, start);
                }
                out.append(query, start, eq + 1).append(REDACTED);
            } else if (out != null) {
                out.append(query, start, end);
            }
            if (amp < 0) {
                break;
            }
            if (out != null) {
                out.append('&');
            }
            start = amp + 1;
        }
        return out == null ? query : out.toString();
    }

    /** A Referer with the query of its URL redacted the same way. */
    public static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        int hash = url.indexOf('#', q);
        String query = hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash);
        return url.substring(0, q + 1) + redact(query) + (hash < 0 ? "" : url.substring(hash));
    }

    static boolean sensitive(String rawName) {
        String name = decodeLoosely(rawName).toLowerCase(Locale.ROOT);
        if (NAMES.contains(name)) {
            return true;
        }
        for (String w : WORDS) {
            if (name.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** Percent-decoding good enough for a name test ({@code %5F} is {@code _}); malformed escapes are kept. */
    private static String decodeLoosely(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c == '+' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
