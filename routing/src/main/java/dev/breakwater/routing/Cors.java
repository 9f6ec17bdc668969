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
 * @param allowOrigins     {@code *}, or origins {@code scheme://host[:port]} whose host may start with one
 *                         {@code *.} label wildcard ({@code https://*.example.com}); compared case-insensitively
 * @param allowMethods     {@code Access-Control-Allow-Methods} of preflight answers (empty: none sent)
 * @param allowHeaders     {@code Access-Control-Allow-Headers} of preflight answers (empty: none sent)
 * @param exposeHeaders    {@code Access-Control-Expose-Headers} of responses (empty: none sent)
 * @param allowCredentials send {@code Access-Control-Allow-Credentials: true}
 * @param maxAgeSeconds    {@code Access-Control-Max-Age} of preflight answers, or null for none
 */
public record Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                   List<String> exposeHeaders, boolean allowCredentials, Long maxAgeSeconds) {

    private static final Pattern ORIGIN = Pattern.compile("https?://(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?");

    public Cors {
        allowOrigins = allowOrigins == null ? List.of() : allowOrigins.stream()
                .map(o -> o.trim().toLowerCase(Locale.ROOT)).toList();
        if (allowOrigins.isEmpty()) {
            throw new IllegalArgumentException("allowOrigins: empty (expected: * or at least one origin)");
        }
        for (String o : allowOrigins) {
            if (!o.equals("*") && !ORIGIN.matcher(o).matches()) {
                throw new IllegalArgumentException("allowOrigins: '" + o
                        + "' (expected: *, or scheme://host[:port] with an optional *. before the host)");
            }
        }
        allowMethods = tokens("allowMethods", allowMethods);
        allowHeaders = tokens("allowHeaders", allowHeaders);
        exposeHeaders = tokens("exposeHeaders", exposeHeaders);
        if (maxAgeSeconds != null && maxAgeSeconds < 0) {
            throw new IllegalArgumentException("maxAgeSeconds: " + maxAgeSeconds + " (expected: >= 0)");
        }
    }

    /** True when any origin is allowed ({@code *}): answers then say {@code *} and do not vary by origin. */
    @JsonIgnore
    public boolean allowsAnyOrigin() {
        return allowOrigins.contains("*");
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
