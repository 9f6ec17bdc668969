package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cross-origin resource sharing, answered by the proxy: a preflight ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) from an allowed origin gets {@code 204} with the allowed methods and
 * headers, without reaching the backend; other requests from an allowed origin get
 * {@code Access-Control-Allow-Origin} (and credentials, exposed headers) on their response. Requests from other
 * origins pass unchanged. Modelled on Gateway API's {@code HTTPCORSFilter}.
 *
 * <p>An origin without port has its scheme's default one: {@code https://a.com} and {@code https://a.com:443} are
 * the same origin. Preflight answers carry {@code Access-Control-Expose-Headers} too.
 *
 * @param allowOrigins     {@code *}, or origins {@code scheme://host[:port]} whose host may start with one
 *                         {@code *.} wildcard ({@code https://*.example.com}; how many labels it covers is the
 *                         dialect's); compared case-insensitively
 * @param allowMethods     {@code Access-Control-Allow-Methods} of preflight answers (empty: none sent)
 * @param allowHeaders     {@code Access-Control-Allow-Headers} of preflight answers (empty: none sent)
 * @param exposeHeaders    {@code Access-Control-Expose-Headers} of answers (empty: none sent)
 * @param allowCredentials send {@code Access-Control-Allow-Credentials: true}
 * @param maxAgeSeconds    {@code Access-Control-Max-Age} of preflight answers, or null for none
 * @param dialect          the rules that differ between ingress-nginx and Gateway API; null (also what
 *                         {@code INGRESS_NGINX} becomes): ingress-nginx's
 */
public record Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                   List<String> exposeHeaders, boolean allowCredentials, Long maxAgeSeconds, Dialect dialect) {

    /** Where the ingress-nginx CORS annotations (and the Route CRD's {@code cors}) and Gateway API's filter differ. */
    public enum Dialect {
        /**
         * A {@code *.} wildcard covers one label ({@code https://*.example.com} allows {@code https://a.example.com},
         * not {@code https://a.b.example.com}); a preflight from an origin not allowed goes to the backend.
         */
        INGRESS_NGINX,
        /**
         * Gateway API's {@code HTTPCORSFilter}: a {@code *.} wildcard covers one or more labels, a host of
         * {@code *} alone ({@code https://*}) any host; a preflight from an origin not allowed is answered
         * {@code 204} without CORS headers, never reaching the backend. With {@code allowCredentials} no answer
         * says {@code *} (browsers refuse it then): the request's {@code Origin} is echoed, a {@code *} of
         * {@code allowMethods} or {@code allowHeaders} echoes the preflight's {@code Access-Control-Request-Method}
         * or {@code -Headers} (none when it has none), and a {@code *} of {@code exposeHeaders} is left out.
         * (ingress-nginx answers {@code *} as written.)
         */
        GATEWAY_API
    }

    private static final Pattern ORIGIN = Pattern.compile("https?://(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?");
    private static final Pattern ANY_HOST = Pattern.compile("https?://\\*(:[0-9]{1,5})?");

    public Cors {
        if (dialect != Dialect.GATEWAY_API) {
            dialect = null; // one encoding for ingress-nginx's: a table with CORS keeps its bytes and hash
        }
        allowOrigins = allowOrigins == null ? List.of() : allowOrigins.stream()
                .map(o -> o.trim().toLowerCase(Locale.ROOT)).toList();
        if (allowOrigins.isEmpty()) {
            throw new IllegalArgumentException("allowOrigins: empty (expected: * or at least one origin)");
        }
        for (String o : allowOrigins) {
            if (!o.equals("*") && !ORIGIN.matcher(o).matches()
                    && !(dialect == Dialect.GATEWAY_API && ANY_HOST.matcher(o).matches())) {
                throw new IllegalArgumentException("allowOrigins: '" + o + "' (expected: *, or scheme://host[:port] "
                        + "with an optional *. before the host" + (dialect == Dialect.GATEWAY_API ? ", or * as host)" : ")"));
            }
        }
        allowMethods = tokens("allowMethods", allowMethods);
        allowHeaders = tokens("allowHeaders", allowHeaders);
        exposeHeaders = tokens("exposeHeaders", exposeHeaders);
        if (maxAgeSeconds != null && maxAgeSeconds < 0) {
            throw new IllegalArgumentException("maxAgeSeconds: " + maxAgeSeconds + " (expected: >= 0)");
        }
    }

    /** CORS as the ingress-nginx annotations and the Route CRD mean it. */
    public Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                List<String> exposeHeaders, boolean allowCredentials, Long maxAgeSeconds) {
        this(allowOrigins, allowMethods, allowHeaders, exposeHeaders, allowCredentials, maxAgeSeconds,
                Dialect.INGRESS_NGINX);
    }

    /** True in the Gateway API dialect. */
    @JsonIgnore
    public boolean gatewayApi() {
        return dialect == Dialect.GATEWAY_API;
    }

    /** True when any origin is allowed ({@code *}). */
    @JsonIgnore
    public boolean allowsAnyOrigin() {
        return allowOrigins.contains("*");
    }

    /**
     * {@code origin} without its scheme's default port ({@code :443} for https, {@code :80} for http), lower case:
     * the form origins are compared in.
     */
    public static String normalizeOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.startsWith("https://") && o.endsWith(":443")) {
            return o.substring(0, o.length() - 4);
        }
        if (o.startsWith("http://") && o.endsWith(":80")) {
            return o.substring(0, o.length() - 3);
        }
        return o;
    }

    private static List<String> tokens(String field, List<String> values) {
        List<String> list = values == null ? List.of() : values.stream().map(String::trim).toList();
        for (String v : list) {
            if (v.isEmpty() || !v.chars().allMatch(HeaderNames::tchar)) {
                throw new IllegalArgumentException(field + ": '" + v + "' (expected: a token or *)");
            }
        }
        return list;
    }
}
