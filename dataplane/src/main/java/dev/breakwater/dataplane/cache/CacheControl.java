package dev.breakwater.dataplane.cache;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of {@code Cache-Control} header fields (RFC 9111 section 5.2), parsed once: names are
 * case-insensitive, values may be tokens or quoted strings, several fields (or lines) combine. Whole header
 * strings are never compared.
 */
public final class CacheControl {

    /** No directives at all. */
    public static final CacheControl NONE = new CacheControl(Map.of());

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    /** Parses every value of the field (each may hold several comma-separated directives). */
    public static CacheControl parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return NONE;
        }
        Map<String, String> out = new HashMap<>(8);
        for (String v : values) {
            parseInto(v, out);
        }
        return out.isEmpty() ? NONE : new CacheControl(out);
    }

    public static CacheControl parse(String value) {
        return value == null ? NONE : parse(List.of(value));
    }

    private static void parseInto(String s, Map<String, String> out) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ',' || s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            int nameStart = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',' && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
                i++;
            }
            if (i == nameStart) {
                break;
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            String value = "";
            if (i < n && s.charAt(i) == '=') {
                i++;
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder q = new StringBuilder();
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        q.append(s.charAt(i++));
                    }
                    i++; // closing quote
                    value = q.toString();
                } else {
                    int valueStart = i;
                    while (i < n && s.charAt(i) != ',' && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
                        i++;
                    }
                    value = s.substring(valueStart, i);
                }
            }
            // skip anything up to the next comma (a malformed tail of this directive)
            while (i < n && s.charAt(i) != ',') {
                i++;
            }
            // the first occurrence wins, except that a duplicate with another value makes a number invalid
            String prior = out.putIfAbsent(name, value);
            if (prior != null && !prior.equals(value)) {
                out.put(name, "\u0000conflict");
            }
        }
    }

    public boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** The raw argument of a directive ({@code ""} for a directive without one), or null when absent. */
    public String value(String directive) {
        return directives.get(directive);
    }

    /**
     * A delta-seconds argument: null when the directive is absent, -1 when present but not a valid
     * non-negative integer (RFC 9111 says such values are to be treated as stale / zero), capped at
     * 2^31 seconds as the RFC recommends.
     */
    public long seconds(String directive) {
        String v = directives.get(directive);
        if (v == null) {
            return ABSENT;
        }
        if (v.isEmpty() || v.length() > 19) {
            return v.length() > 19 && v.chars().allMatch(Character::isDigit) ? MAX_DELTA : INVALID;
        }
        long total = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            total = total * 10 + (c - '0');
        }
        return Math.min(total, MAX_DELTA);
    }

    /** {@link #seconds} of a directive that is absent. */
    public static final long ABSENT = -2;
    /** {@link #seconds} of a directive whose argument is not delta-seconds. */
    public static final long INVALID = -1;
    private static final long MAX_DELTA = 2147483648L;

    @Override
    public String toString() {
        return directives.toString();
    }
}
