package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;
import static dev.breakwater.operator.annotation.AnnotationKey.nginx;

import dev.breakwater.operator.policy.AccessPolicies;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.SourceAllowlist;
import java.util.List;

/** Which clients are served (the source allowlist) and CORS. */
final class AccessAnnotations {

    static final AnnotationKey<String> ALLOWLIST = both("allowlist-source-range", Parsers.TEXT).doc(
            "comma-separated CIDRs or addresses, IPv4 and IPv6", "other clients get `403`", "a value that does not "
                    + "parse is an error and the routes answer `503`; the allowlist is checked before any redirect");
    static final AnnotationKey<String> WHITELIST = nginx("whitelist-source-range", Parsers.TEXT).doc(
            "as `allowlist-source-range` (its older name)", "the same", "");
    static final AnnotationKey<Boolean> ENABLE_CORS = both("enable-cors", Parsers.BOOLEAN).doc(
            "boolean; default `false`", "CORS answered by the proxy", "preflights are answered only for allowed "
                    + "origins (ingress-nginx answers every `OPTIONS` with `204` when the origin is `*`)");
    static final AnnotationKey<String> CORS_ALLOW_ORIGIN = both("cors-allow-origin", Parsers.TEXT).doc(
            "comma-separated `http(s)://host[:port]`, `http(s)://*.host`, `*`; default `*`", "allowed origins",
            "bad entries are warnings and skipped");
    static final AnnotationKey<String> CORS_ALLOW_METHODS = both("cors-allow-methods", Parsers.TEXT).doc(
            "comma-separated methods; default `GET, PUT, POST, DELETE, PATCH, OPTIONS`",
            "`Access-Control-Allow-Methods`", "an invalid list is a warning and the default applies (ingress-nginx "
                    + "takes the default silently)");
    static final AnnotationKey<String> CORS_ALLOW_HEADERS = both("cors-allow-headers", Parsers.TEXT).doc(
            "comma-separated header names; default ingress-nginx's", "`Access-Control-Allow-Headers`",
            "as `cors-allow-methods`");
    static final AnnotationKey<String> CORS_EXPOSE_HEADERS = both("cors-expose-headers", Parsers.TEXT).doc(
            "comma-separated header names or `*`", "`Access-Control-Expose-Headers`", "as `cors-allow-methods`");
    static final AnnotationKey<Boolean> CORS_ALLOW_CREDENTIALS = both("cors-allow-credentials", Parsers.BOOLEAN).doc(
            "boolean; default `true`", "`Access-Control-Allow-Credentials`", "");
    static final AnnotationKey<Long> CORS_MAX_AGE = both("cors-max-age",
            Parsers.seconds(AccessPolicies.DEFAULT_CORS_MAX_AGE_SECONDS)).doc("seconds; default `1728000`",
            "`Access-Control-Max-Age`", "");

    static final List<AnnotationKey<?>> KEYS = List.of(ALLOWLIST, WHITELIST, ENABLE_CORS, CORS_ALLOW_ORIGIN,
            CORS_ALLOW_METHODS, CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_ALLOW_CREDENTIALS, CORS_MAX_AGE);

    /** ingress-nginx's default {@code cors-allow-methods}, as the warning for a bad list names it. */
    private static final String DEFAULT_CORS_METHODS = String.join(", ", AccessPolicies.DEFAULT_CORS_METHODS);
    /** ingress-nginx's default {@code cors-allow-headers}, as the warning for a bad list names it. */
    private static final String DEFAULT_CORS_HEADERS = String.join(",", AccessPolicies.DEFAULT_CORS_HEADERS);

    private AccessAnnotations() {
    }

    /** Ours, else ingress-nginx's allowlist-source-range, else its older name whitelist-source-range. */
    static String allowlistKey(AnnotationReader r) {
        String key = r.name(ALLOWLIST);
        return r.has(key) || !r.has(WHITELIST.nginxName()) ? key : WHITELIST.nginxName();
    }

    /**
     * The allowlist annotation {@code key} gives, or null; {@code invalid[0]} set when it cannot be read (an error:
     * the Ingress's routes answer 503).
     */
    static SourceAllowlist allowlist(AnnotationReader r, String key, boolean[] invalid) {
        String v = r.value(key);
        if (v == null) {
            return null;
        }
        SourceAllowlist allowlist = AccessPolicies.allowlist(AccessPolicies.commaSeparated(v), (i, reason) ->
                r.error(key, (i < 0 ? "\"" + v + "\" " : "") + reason + "; the Ingress's routes answer 503 rather "
                        + "than serve every client"));
        invalid[0] = allowlist == null;
        return allowlist;
    }

    /** CORS when {@code enable-cors} is true, else null. */
    static Cors cors(AnnotationReader r) {
        String enableKey = r.name(ENABLE_CORS);
        if (!r.get(ENABLE_CORS, false)) {
            for (AnnotationKey<?> k : List.of(CORS_ALLOW_ORIGIN, CORS_ALLOW_METHODS, CORS_ALLOW_HEADERS,
                    CORS_EXPOSE_HEADERS, CORS_ALLOW_CREDENTIALS, CORS_MAX_AGE)) {
                if (r.value(k) != null) {
                    r.warn(r.name(k), "has no effect unless " + enableKey + " is \"true\"");
                }
            }
            return null;
        }
        String originKey = r.name(CORS_ALLOW_ORIGIN);
        String originValue = r.value(originKey);
        List<String> origins = AccessPolicies.origins(originValue == null ? List.of("*")
                : AccessPolicies.commaSeparated(originValue), (i, reason) ->
                r.warn(originKey, reason + "; this origin is skipped"));
        if (origins.isEmpty()) {
            r.warn(originKey, "no usable origin; CORS is off");
            return null;
        }
        List<String> methods = list(r, CORS_ALLOW_METHODS, AccessPolicies.CorsList.METHODS, DEFAULT_CORS_METHODS);
        List<String> headers = list(r, CORS_ALLOW_HEADERS, AccessPolicies.CorsList.HEADERS, DEFAULT_CORS_HEADERS);
        List<String> expose = list(r, CORS_EXPOSE_HEADERS, AccessPolicies.CorsList.EXPOSED, "");
        boolean credentials = r.get(CORS_ALLOW_CREDENTIALS, true);
        long maxAge = r.get(CORS_MAX_AGE, AccessPolicies.DEFAULT_CORS_MAX_AGE_SECONDS);
        return AccessPolicies.cors(origins, methods, headers, expose, credentials, maxAge);
    }

    /**
     * A comma-separated CORS list checked as ingress-nginx checks it: one bad entry and the whole list gets the
     * default (null: {@link AccessPolicies#cors} fills it in).
     */
    private static List<String> list(AnnotationReader r, AnnotationKey<String> k, AccessPolicies.CorsList kind,
                                     String dflt) {
        String key = r.name(k);
        String v = r.value(key);
        if (v == null) {
            return null;
        }
        boolean[] bad = new boolean[1];
        List<String> entries = AccessPolicies.corsEntries(kind, AccessPolicies.commaSeparated(v),
                (i, reason) -> bad[0] = true);
        if (bad[0]) {
            r.warn(key, "\"" + v + "\" is not a comma-separated list of "
                    + (kind == AccessPolicies.CorsList.METHODS ? "methods" : "header names") + "; using "
                    + (dflt.isEmpty() ? "none" : "\"" + dflt + "\""));
            return null;
        }
        return entries;
    }
}
