package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;

import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.RouteFilter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Rewrites, regular-expression paths and redirects. */
final class PathAnnotations {

    static final AnnotationKey<String> REWRITE_TARGET = both("rewrite-target", PathAnnotations::rewriteTarget).doc(
            "a path, `$1`..`$9` allowed", "the path sent to the endpoint; the Ingress's paths become case-insensitive "
                    + "regular expressions", "Java regular expressions; only the annotated Ingress's paths become "
                    + "regexes (ingress-nginx turns every path of the host into one); other nginx variables are "
                    + "warnings and nothing is rewritten");
    static final AnnotationKey<Boolean> USE_REGEX = both("use-regex", Parsers.BOOLEAN).doc("boolean",
            "the Ingress's `Prefix`/`ImplementationSpecific` paths are case-insensitive regular expressions matched "
                    + "from the start of the path", "as `rewrite-target`; `Exact` paths stay exact");
    static final AnnotationKey<String> X_FORWARDED_PREFIX = both("x-forwarded-prefix", Parsers.TEXT).doc("a path",
            "`X-Forwarded-Prefix` on rewritten requests", "");
    static final AnnotationKey<String> PERMANENT_REDIRECT = both("permanent-redirect", Parsers.TEXT).doc(
            "an `http(s)://` URL, a trailing `$request_uri` allowed", "every request of the Ingress is redirected "
                    + "there (`301`)", "other nginx variables are warnings and there is no redirect");
    static final AnnotationKey<Integer> PERMANENT_REDIRECT_CODE = both("permanent-redirect-code",
            Parsers.redirectCode(301)).doc("301, 302, 303, 307, 308", "its status",
            "other codes are warnings and the default applies");
    static final AnnotationKey<String> TEMPORAL_REDIRECT = both("temporal-redirect", Parsers.TEXT).doc(
            "as `permanent-redirect`", "the same, `302`; wins over `permanent-redirect`", "");
    static final AnnotationKey<Integer> TEMPORAL_REDIRECT_CODE = both("temporal-redirect-code",
            Parsers.redirectCode(302)).doc("301, 302, 303, 307, 308", "its status", "");

    static final List<AnnotationKey<?>> KEYS = List.of(REWRITE_TARGET, USE_REGEX, X_FORWARDED_PREFIX,
            PERMANENT_REDIRECT, PERMANENT_REDIRECT_CODE, TEMPORAL_REDIRECT, TEMPORAL_REDIRECT_CODE);

    private PathAnnotations() {
    }

    /** The redirect, rewrite and regex paths of the Ingress, with its source allowlist's key and state. */
    static IngressSettings.Paths read(AnnotationReader r, String allowlistKey, boolean allowlistInvalid) {
        RouteFilter.RequestRedirect redirect = redirect(r);
        String targetKey = r.name(REWRITE_TARGET);
        String target = r.get(REWRITE_TARGET);
        if (redirect != null && target != null) {
            r.warn(targetKey, "has no effect: the Ingress redirects (as in ingress-nginx, the redirect wins)");
            target = null;
        }
        boolean useRegex = r.get(USE_REGEX, false);
        String prefixKey = r.name(X_FORWARDED_PREFIX);
        String prefix = r.value(prefixKey);
        if (prefix != null) {
            if (target == null) {
                r.warn(prefixKey, "has no effect without rewrite-target (as in ingress-nginx)");
                prefix = null;
            } else if (prefix.chars().anyMatch(c -> c < 32 || c == 127)) {
                r.warn(prefixKey, "holds control characters; ignored");
                prefix = null;
            }
        }
        if (redirect == null && target == null && !useRegex && allowlistKey == null) {
            return IngressSettings.Paths.NONE;
        }
        return new IngressSettings.Paths(redirect, target, useRegex, prefix, allowlistKey, allowlistInvalid);
    }

    /** {@code rewrite-target}: a path, maybe with groups $1..$9 (and a query), as nginx's rewrite takes it. */
    private static String rewriteTarget(String v, Consumer<String> problems) {
        if (v.startsWith("http://") || v.startsWith("https://")) {
            problems.accept("\"" + v + "\" is a URL, which nginx turns into a redirect; use permanent-redirect or "
                    + "temporal-redirect for that; no rewrite");
            return null;
        }
        for (int i = v.indexOf('$'); i >= 0; i = v.indexOf('$', i + 1)) {
            if (i + 1 >= v.length() || v.charAt(i + 1) < '1' || v.charAt(i + 1) > '9') {
                problems.accept("\"" + v + "\" uses an nginx variable; only the groups $1 to $9 are supported; no "
                        + "rewrite");
                return null;
            }
        }
        try {
            PathModifier.regex("/", v);
            return v;
        } catch (IllegalArgumentException e) {
            problems.accept("\"" + v + "\" is not a path (" + e.getMessage() + "); no rewrite");
            return null;
        }
    }

    /** {@code temporal-redirect} (302, or its code), else {@code permanent-redirect} (301, or its code). */
    private static RouteFilter.RequestRedirect redirect(AnnotationReader r) {
        String temporalKey = r.name(TEMPORAL_REDIRECT);
        String permanentKey = r.name(PERMANENT_REDIRECT);
        String temporalCodeKey = r.name(TEMPORAL_REDIRECT_CODE);
        String permanentCodeKey = r.name(PERMANENT_REDIRECT_CODE);
        boolean temporal = r.value(temporalKey) != null;
        boolean permanent = r.value(permanentKey) != null;
        if (temporal && permanent) {
            r.warn(permanentKey, "is ignored: temporal-redirect is set too, and wins (as in ingress-nginx)");
        }
        if (!temporal && r.value(temporalCodeKey) != null) {
            r.warn(temporalCodeKey, "has no effect without temporal-redirect");
        }
        if (!permanent && r.value(permanentCodeKey) != null) {
            r.warn(permanentCodeKey, "has no effect without permanent-redirect");
        }
        if (temporal) {
            return redirectTo(r, temporalKey, r.get(TEMPORAL_REDIRECT_CODE, 302));
        }
        return permanent ? redirectTo(r, permanentKey, r.get(PERMANENT_REDIRECT_CODE, 301)) : null;
    }

    /**
     * The redirect to an http(s) URL. As nginx's {@code return}, the Location is the URL as written, without
     * the request's path or query; a URL ending in {@code $request_uri} gets the request's path and query
     * appended.
     */
    private static RouteFilter.RequestRedirect redirectTo(AnnotationReader r, String key, int code) {
        String v = r.value(key);
        boolean appendRequest = v.endsWith("$request_uri");
        String url = appendRequest ? v.substring(0, v.length() - "$request_uri".length()) : v;
        if (url.indexOf('$') >= 0) {
            r.warn(key, "\"" + v + "\" uses an nginx variable; only a trailing $request_uri is supported; no "
                    + "redirect");
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            r.warn(key, "\"" + v + "\" is not a URL (" + e.getReason() + "); no redirect");
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
            r.warn(key, "\"" + v + "\" is not an http:// or https:// URL with a host; no redirect");
            return null;
        }
        if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            r.warn(key, "\"" + v + "\" has a fragment or user information, which a redirect does not carry; no "
                    + "redirect");
            return null;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        PathModifier modifier;
        if (appendRequest) {
            if (uri.getRawQuery() != null) {
                r.warn(key, "\"" + v + "\" has a query before $request_uri; no redirect");
                return null;
            }
            modifier = path.isEmpty() ? null : PathModifier.regex("^(.*)$", path + "$1");
        } else {
            // the URL as written; the trailing ? drops the request's query
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            modifier = PathModifier.fullPath((path.isEmpty() ? "/" : path) + query + "?");
        }
        try {
            return new RouteFilter.RequestRedirect(scheme, uri.getHost(), port, modifier, code);
        } catch (IllegalArgumentException e) {
            r.warn(key, "\"" + v + "\" cannot be a redirect (" + e.getMessage() + "); no redirect");
            return null;
        }
    }
}
