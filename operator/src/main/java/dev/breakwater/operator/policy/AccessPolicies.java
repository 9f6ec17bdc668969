package dev.breakwater.operator.policy;

import dev.breakwater.operator.crd.Formats;
import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.SourceAllowlist;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Source allowlists and CORS settings, read the same way whether Ingress annotations (comma-separated values) or
 * Route fields (lists) give them: each entry is checked on its own, and each one that cannot be used is reported
 * through {@link Problems} with its place in the list and the reason; the caller names the field and says what
 * follows (the Ingress's routes fail closed, the Route's rule answers 503, the entry is skipped, ...).
 */
public final class AccessPolicies {

    /** ingress-nginx's default {@code cors-allow-methods}, also a Route's when {@code allowMethods} is not given. */
    public static final List<String> DEFAULT_CORS_METHODS = List.of("GET", "PUT", "POST", "DELETE", "PATCH",
            "OPTIONS");
    /** ingress-nginx's default {@code cors-allow-headers}, also a Route's when {@code allowHeaders} is not given. */
    public static final List<String> DEFAULT_CORS_HEADERS = List.of("DNT", "Keep-Alive", "User-Agent",
            "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Range", "Authorization");
    /** ingress-nginx's default {@code cors-max-age}, in seconds (20 days), also a Route's. */
    public static final long DEFAULT_CORS_MAX_AGE_SECONDS = 1_728_000L;

    /** The CORS lists and what one entry of each may be, as ingress-nginx checks them (the Route schema's patterns). */
    public enum CorsList {
        /** {@code Access-Control-Allow-Methods}: method names. */
        METHODS(Pattern.compile(Formats.CORS_METHOD), "a method name (letters)"),
        /** {@code Access-Control-Allow-Headers}: header names. */
        HEADERS(Pattern.compile(Formats.CORS_HEADER), "a header name (letters, digits, - and _)"),
        /** {@code Access-Control-Expose-Headers}: header names, or {@code *}. */
        EXPOSED(Pattern.compile(Formats.CORS_EXPOSED_HEADER), "a header name (letters, digits, - and _) or *");

        private final Pattern item;
        private final String expected;

        CorsList(Pattern item, String expected) {
            this.item = item;
            this.expected = expected;
        }

        /** True when {@code entry} (trimmed) may be an entry of this list. */
        public boolean accepts(String entry) {
            return entry != null && item.matcher(entry.trim()).matches();
        }
    }

    /** Receives the problems of a list, one call per entry that cannot be used. */
    @FunctionalInterface
    public interface Problems {
        /**
         * @param index  the entry's place in the list given (counting blank entries), or -1 for the list as a whole
         * @param reason what is wrong, without the field's name
         */
        void report(int index, String reason);
    }

    private AccessPolicies() {
    }

    /**
     * The allowlist of {@code entries} (IPv4/IPv6 addresses and CIDR ranges; blank entries skipped), or null when
     * it cannot be used: an entry is not an address or range, or none is given. Each problem is reported, and the
     * caller must then fail closed (serve no client) rather than serve every client.
     */
    public static SourceAllowlist allowlist(List<String> entries, Problems problems) {
        List<String> cidrs = new ArrayList<>();
        boolean invalid = false;
        for (int i = 0; i < entries.size(); i++) {
            String cidr = entries.get(i) == null ? "" : entries.get(i).trim();
            if (cidr.isEmpty()) {
                continue;
            }
            try {
                Cidr.parse(cidr);
                cidrs.add(cidr);
            } catch (IllegalArgumentException e) {
                invalid = true;
                problems.report(i, e.getMessage());
            }
        }
        if (cidrs.isEmpty() && !invalid) {
            problems.report(-1, "names no address range");
            return null;
        }
        return invalid ? null : new SourceAllowlist(cidrs);
    }

    /**
     * The origins of {@code entries} that can be used: just {@code *} when any entry is {@code *}, else each entry
     * that is {@code http(s)://host[:port]} or {@code http(s)://*.host[:port]}, in order (blank entries skipped).
     * Each other entry is reported. The list may come back empty.
     */
    public static List<String> origins(List<String> entries, Problems problems) {
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String o = entries.get(i) == null ? "" : entries.get(i).trim();
            if (o.equals("*")) {
                return List.of("*");
            }
            if (o.isEmpty()) {
                continue;
            }
            try {
                new Cors(List.of(o), null, null, null, false, null);
                origins.add(o);
            } catch (IllegalArgumentException e) {
                problems.report(i, "\"" + o + "\" is not *, http(s)://host[:port] nor http(s)://*.host[:port]");
            }
        }
        return origins;
    }

    /** The entries of a CORS list that {@code list} accepts, trimmed, in order (blank ones skipped); others reported. */
    public static List<String> corsEntries(CorsList list, List<String> entries, Problems problems) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i) == null ? "" : entries.get(i).trim();
            if (e.isEmpty()) {
                continue;
            }
            if (list.accepts(e)) {
                out.add(e);
            } else {
                problems.report(i, "\"" + e + "\" is not " + list.expected);
            }
        }
        return out;
    }

    /**
     * CORS for {@code origins} (at least one, as {@link #origins} gives them), the defaults filling in what is null
     * or empty: {@link #DEFAULT_CORS_METHODS}, {@link #DEFAULT_CORS_HEADERS}, no exposed headers,
     * {@link #DEFAULT_CORS_MAX_AGE_SECONDS}.
     */
    public static Cors cors(List<String> origins, List<String> methods, List<String> headers, List<String> expose,
                            boolean credentials, Long maxAgeSeconds) {
        return new Cors(origins, methods == null || methods.isEmpty() ? DEFAULT_CORS_METHODS : methods,
                headers == null || headers.isEmpty() ? DEFAULT_CORS_HEADERS : headers,
                expose == null ? List.of() : expose, credentials,
                maxAgeSeconds == null ? DEFAULT_CORS_MAX_AGE_SECONDS : maxAgeSeconds);
    }

    /** The entries of a comma-separated annotation value, as written (blank ones kept, so indexes stay). */
    public static List<String> commaSeparated(String value) {
        return value == null ? List.of() : List.of(value.split(",", -1));
    }
}
