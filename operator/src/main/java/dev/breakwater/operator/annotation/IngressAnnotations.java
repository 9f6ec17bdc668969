package dev.breakwater.operator.annotation;

import dev.breakwater.operator.compile.Diagnostic;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Compression;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.SessionAffinity;
import dev.breakwater.routing.SourceAllowlist;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The annotations of one Ingress, read as typed settings. Every key is read under both prefixes,
 * {@value #BREAKWATER} and ingress-nginx's {@value #NGINX} (ours wins when both are set), except where a key
 * exists under one prefix only. A value that does not parse is reported (a WARNING naming the annotation) and
 * the default applies. No annotation value is ever interpreted as configuration text: {@code *-snippet}
 * annotations are refused.
 *
 * @param sslRedirect      {@code ssl-redirect}: null when not set (default: redirect hosts that have TLS)
 * @param forceSslRedirect {@code force-ssl-redirect}: redirect to HTTPS even without TLS for the host
 * @param hsts             {@code breakwater.dev/hsts*}, or null
 * @param protocol         {@code backend-protocol} (HTTP1 when not set)
 * @param backendCaSecret  {@code proxy-ssl-secret} / {@code breakwater.dev/backend-ca-secret} as ns/name, or null
 * @param backendCaKey     the annotation that named {@code backendCaSecret} (for diagnostics), or null
 * @param backendVerify    {@code proxy-ssl-verify} / {@code breakwater.dev/backend-verify}
 * @param backendServerName {@code proxy-ssl-name} / {@code breakwater.dev/backend-server-name}, or null
 * @param clientCaSecret   {@code auth-tls-secret} / {@code breakwater.dev/client-ca-secret} as ns/name, or null
 * @param clientCaKey      the annotation that named {@code clientCaSecret} (for diagnostics), or null
 * @param clientCertRequired {@code auth-tls-verify-client} / {@code breakwater.dev/client-verify}: on (true) or
 *                         optional (false)
 * @param route            timeouts (connect, response, send), body limit, retries, affinity, source allowlist,
 *                         CORS and rate limit for the routes of this Ingress
 * @param cluster          balancing, health, outlier detection, draining and slow start for its backends
 * @param paths            redirect, rewrite and regex paths for the routes of this Ingress
 * @param canary           the canary settings of a canary Ingress ({@code canary: "true"}), or null for an Ingress
 *                         that is not one
 * @param authUnsupported  ingress-nginx authentication ({@code auth-url}, {@code auth-type}) is asked for, which
 *                         Breakwater cannot enforce: the Ingress's routes answer 503 rather than serve every client
 */
public record IngressAnnotations(Boolean sslRedirect, boolean forceSslRedirect, RoutePolicy.Hsts hsts,
                                 Cluster.Protocol protocol, String backendCaSecret, String backendCaKey,
                                 boolean backendVerify, String backendServerName, String clientCaSecret,
                                 String clientCaKey, boolean clientCertRequired, RoutePolicy route,
                                 ClusterPolicy cluster, Paths paths, Canary canary, boolean authUnsupported) {

    /**
     * What the annotations say about the paths of an Ingress and the requests they accept.
     *
     * @param redirect          {@code temporal-redirect} or {@code permanent-redirect} (with its code), or null
     * @param rewriteTarget     {@code rewrite-target}: what a path is rewritten to, groups {@code $1..$9} allowed,
     *                          or null
     * @param useRegex          {@code use-regex}: the Ingress's paths are regular expressions
     * @param forwardedPrefix   {@code x-forwarded-prefix}: the X-Forwarded-Prefix sent with rewritten requests, or
     *                          null
     * @param allowlistKey      the annotation that named the source allowlist (for diagnostics), or null
     * @param allowlistInvalid  the source allowlist could not be read: the Ingress's routes answer 503 (fail
     *                          closed, as ingress-nginx denies such locations)
     */
    public record Paths(RouteFilter.RequestRedirect redirect, String rewriteTarget, boolean useRegex,
                        String forwardedPrefix, String allowlistKey, boolean allowlistInvalid) {

        public static final Paths NONE = new Paths(null, null, false, null, null, false);

        /**
         * True when this Ingress's Prefix and ImplementationSpecific paths are regular expressions, matched
         * case-insensitively from the start of the request path: with {@code use-regex}, or with a
         * {@code rewrite-target} that changes some path (ingress-nginx's rule).
         */
        public boolean regexPaths(List<String> pathValues) {
            return useRegex || rewriteTarget != null && pathValues.stream().anyMatch(p -> !p.equals(rewriteTarget));
        }
    }

    /** ingress-nginx's default {@code cors-allow-methods} (see {@link AccessPolicies#DEFAULT_CORS_METHODS}). */
    public static final String DEFAULT_CORS_METHODS = String.join(", ", AccessPolicies.DEFAULT_CORS_METHODS);
    /** ingress-nginx's default {@code cors-allow-headers} (see {@link AccessPolicies#DEFAULT_CORS_HEADERS}). */
    public static final String DEFAULT_CORS_HEADERS = String.join(",", AccessPolicies.DEFAULT_CORS_HEADERS);
    /** ingress-nginx's default {@code cors-max-age}, in seconds (20 days). */
    public static final long DEFAULT_CORS_MAX_AGE = AccessPolicies.DEFAULT_CORS_MAX_AGE_SECONDS;

    public static final String BREAKWATER = "breakwater.dev/";
    public static final String NGINX = "nginx.ingress.kubernetes.io/";

    /**
     * Every key read under {@value #BREAKWATER} (without the prefix). Any other key under our prefix is a typo
     * or a setting of a newer version, and gets a warning instead of being silently ignored.
     */
    public static final java.util.Set<String> KEYS = java.util.Set.of(
            "ssl-redirect", "force-ssl-redirect",
            "hsts", "hsts-max-age", "hsts-include-subdomains", "hsts-preload",
            "backend-protocol", "backend-ca-secret", "backend-verify", "backend-server-name",
            "client-ca-secret", "client-verify",
            "connect-timeout", "response-timeout", "send-timeout", "max-body-size",
            "affinity", "session-cookie-name", "session-cookie-max-age", "session-cookie-path",
            "load-balance", "hash-by",
            "retries", "retry-on", "retry-budget-percent", "per-try-timeout",
            "health-check-path", "health-check-interval", "health-check-timeout", "healthy-threshold",
            "unhealthy-threshold",
            "outlier-consecutive-failures", "outlier-base-ejection", "outlier-max-ejection-percent",
            "drain-timeout", "slow-start",
            "cache", "cache-default-ttl", "cache-max-object-size", "cache-stale-while-revalidate",
            "cache-stale-if-error", "cache-store-set-cookie", "cache-purge-generation",
            "compression", "compression-min-size", "compression-types",
            "rewrite-target", "use-regex", "x-forwarded-prefix",
            "permanent-redirect", "permanent-redirect-code", "temporal-redirect", "temporal-redirect-code",
            "allowlist-source-range",
            "enable-cors", "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-expose-headers",
            "cors-allow-credentials", "cors-max-age",
            "canary", "canary-weight", "canary-weight-total", "canary-by-header", "canary-by-header-value",
            "canary-by-header-pattern", "canary-by-cookie",
            "rate-limit", "rate-limit-burst", "rate-limit-key", "rate-limit-exempt");

    /**
     * Every key read under {@value #NGINX} (without the prefix), each listed in docs/ingress-nginx-annotations.md.
     * Any other key under that prefix is an ingress-nginx setting Breakwater does not apply, and gets a warning;
     * {@code *-snippet} keys are refused with their own.
     */
    public static final java.util.Set<String> NGINX_KEYS = java.util.Set.of(
            "ssl-redirect", "force-ssl-redirect", "backend-protocol",
            "proxy-ssl-secret", "proxy-ssl-verify", "proxy-ssl-name", "auth-tls-secret", "auth-tls-verify-client",
            "proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout", "proxy-body-size",
            "affinity", "session-cookie-name", "session-cookie-max-age", "session-cookie-path",
            "load-balance", "upstream-hash-by", "proxy-next-upstream", "proxy-next-upstream-tries",
            "rewrite-target", "use-regex", "x-forwarded-prefix",
            "permanent-redirect", "permanent-redirect-code", "temporal-redirect", "temporal-redirect-code",
            "allowlist-source-range", "whitelist-source-range",
            "enable-cors", "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-expose-headers",
            "cors-allow-credentials", "cors-max-age",
            "canary", "canary-weight", "canary-weight-total", "canary-by-header", "canary-by-header-value",
            "canary-by-header-pattern", "canary-by-cookie", "affinity-canary-behavior",
            "auth-url", "auth-type",
            "limit-rps", "limit-rpm", "limit-burst-multiplier", "limit-allowlist", "limit-whitelist",
            "limit-connections", "limit-rate", "limit-rate-after");

    /**
     * The keys (under either prefix) a canary Ingress applies itself: its canary settings and those of its own
     * backends (balancing, health, draining). As in ingress-nginx, its paths take every other setting from the main
     * Ingress, and those keys are ignored on it (with a warning).
     */
    static final java.util.Set<String> CANARY_OWN_KEYS = java.util.Set.of(
            "canary", "canary-weight", "canary-weight-total", "canary-by-header", "canary-by-header-value",
            "canary-by-header-pattern", "canary-by-cookie", "affinity-canary-behavior",
            "load-balance", "hash-by", "upstream-hash-by",
            "health-check-path", "health-check-interval", "health-check-timeout", "healthy-threshold",
            "unhealthy-threshold", "outlier-consecutive-failures", "outlier-base-ejection",
            "outlier-max-ejection-percent", "drain-timeout", "slow-start");

    /** ingress-nginx's {@code limit-burst-multiplier} default: the burst is 5 times the rate. */
    public static final int DEFAULT_BURST_MULTIPLIER = 5;

    /** The HSTS max-age when {@code breakwater.dev/hsts} is on and no max-age is given: one year. */
    public static final long DEFAULT_HSTS_MAX_AGE_SECONDS = PolicyDefaults.HSTS_MAX_AGE_SECONDS;

    private static final Pattern SIZE = Pattern.compile("(\\d+)([kKmMgG]?)");
    /** An HTTP token (RFC 9110): what header and cookie names are made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** A rate: requests, an optional nginx-style {@code r}, a slash, and a unit or a duration. */
    private static final Pattern RATE = Pattern.compile("(\\d{1,10})\\s*r?\\s*/\\s*(s|m|h|(?:[0-9]+(?:ms|s|m|h))+)");
    private static final java.util.Set<Integer> REDIRECT_CODES = java.util.Set.of(301, 302, 303, 307, 308);

    /** Reads the annotations of {@code object} (in {@code namespace}); problems go to {@code diagnostics}. */
    public static IngressAnnotations read(String object, String namespace, Map<String, String> annotations,
                                          List<Diagnostic> diagnostics) {
        Reader r = new Reader(object, namespace, annotations == null ? Map.of() : annotations, diagnostics);
        return r.read();
    }

    /** Parses one Ingress's annotations. */
    private static final class Reader {
        private final String object;
        private final String namespace;
        private final Map<String, String> a;
        private final List<Diagnostic> diagnostics;

        Reader(String object, String namespace, Map<String, String> a, List<Diagnostic> diagnostics) {
            this.object = object;
            this.namespace = namespace;
            this.a = a;
            this.diagnostics = diagnostics;
        }

        IngressAnnotations read() {
            for (String key : new java.util.TreeSet<>(a.keySet())) {
                if ((key.startsWith(NGINX) || key.startsWith(BREAKWATER)) && key.endsWith("-snippet")) {
                    warn(key, "snippets are not supported: no annotation value is ever used as configuration "
                            + "text; this annotation is ignored");
                } else if (key.startsWith(BREAKWATER) && !KEYS.contains(key.substring(BREAKWATER.length()))) {
                    warn(key, "unknown annotation (a typo?); it is ignored");
                } else if (key.startsWith(NGINX) && !NGINX_KEYS.contains(key.substring(NGINX.length()))) {
                    warn(key, "this ingress-nginx annotation is not supported by Breakwater and is ignored (see "
                            + "docs/ingress-nginx-annotations.md)");
                }
            }
            Canary canary = canary();
            boolean authUnsupported = false;
            for (String k : List.of("auth-url", "auth-type")) {
                if (canary == null && value(NGINX + k) != null) {
                    diagnostics.add(Diagnostic.error(object, "metadata.annotations['" + NGINX + k + "']",
                            "ingress-nginx authentication is not supported by Breakwater; the Ingress's routes "
                                    + "answer 503 rather than serve clients that were meant to authenticate"));
                    authUnsupported = true;
                }
            }
            Boolean sslRedirect = bool("ssl-redirect", null);
            boolean force = bool("force-ssl-redirect", false);
            RoutePolicy.Hsts hsts = null;
            if (boolOnly(BREAKWATER + "hsts", false)) {
                hsts = new RoutePolicy.Hsts(seconds(BREAKWATER + "hsts-max-age", DEFAULT_HSTS_MAX_AGE_SECONDS),
                        boolOnly(BREAKWATER + "hsts-include-subdomains", false),
                        boolOnly(BREAKWATER + "hsts-preload", false));
            } else {
                for (String k : List.of("hsts-max-age", "hsts-include-subdomains", "hsts-preload")) {
                    if (value(BREAKWATER + k) != null) {
                        warn(BREAKWATER + k, "has no effect unless " + BREAKWATER + "hsts is \"true\"");
                    }
                }
            }
            Cluster.Protocol protocol = protocol();
            String backendCaKey = either(BREAKWATER + "backend-ca-secret", NGINX + "proxy-ssl-secret");
            String backendCa = secretRef(backendCaKey);
            String verifyKey = either(BREAKWATER + "backend-verify", NGINX + "proxy-ssl-verify");
            // our own CA annotation means "verify with it"; ingress-nginx's needs proxy-ssl-verify: on, as there
            boolean backendVerify = onOff(verifyKey, backendCa != null && backendCaKey.startsWith(BREAKWATER));
            String serverKey = either(BREAKWATER + "backend-server-name", NGINX + "proxy-ssl-name");
            String serverName = value(serverKey);
            if (!protocol.tls()) {
                for (String k : List.of(backendCaKey, verifyKey, serverKey)) {
                    if (value(k) != null) {
                        warn(k, "has no effect: the backend protocol is not HTTPS or GRPCS");
                    }
                }
            }
            String clientCaKey = either(BREAKWATER + "client-ca-secret", NGINX + "auth-tls-secret");
            String clientCa = secretRef(clientCaKey);
            boolean required = clientVerify();
            if ("off".equalsIgnoreCase(value(either(BREAKWATER + "client-verify", NGINX + "auth-tls-verify-client")))) {
                clientCa = null;
            }

            Long connect = duration(either(BREAKWATER + "connect-timeout", NGINX + "proxy-connect-timeout"), null);
            Long read = duration(either(BREAKWATER + "response-timeout", NGINX + "proxy-read-timeout"), null);
            Long send = duration(either(BREAKWATER + "send-timeout", NGINX + "proxy-send-timeout"), null);
            Long body = size(either(BREAKWATER + "max-body-size", NGINX + "proxy-body-size"));
            String allowlistKey = allowlistKey();
            boolean[] allowlistInvalid = new boolean[1];
            RoutePolicy route = new RoutePolicy(connect, read, body, null, hsts, null, retries(), affinity())
                    .withCache(cache())
                    .withCompression(compression())
                    .withSourceAllowlist(allowlist(allowlistKey, allowlistInvalid))
                    .withCors(cors())
                    .withSendTimeoutMillis(send)
                    .withRateLimit(rateLimit());
            ClusterPolicy cluster = new ClusterPolicy(loadBalancer(), healthCheck(), outlier(),
                    duration(BREAKWATER + "drain-timeout", null), duration(BREAKWATER + "slow-start", null));
            return new IngressAnnotations(sslRedirect, force, hsts, protocol, backendCa,
                    backendCa == null ? null : backendCaKey, backendVerify, serverName, clientCa,
                    clientCa == null ? null : clientCaKey, required, route, cluster,
                    paths(value(allowlistKey) == null ? null : allowlistKey, allowlistInvalid[0]), canary,
                    authUnsupported);
        }

        // ---- canary

        /**
         * The canary settings when {@code canary} is {@code "true"}, else null (and canary settings given without it
         * are reported: ingress-nginx then serves the Ingress as any other, and so do we).
         */
        private Canary canary() {
            List<String> settings = List.of("canary-weight", "canary-weight-total", "canary-by-header",
                    "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie");
            if (!bool("canary", false)) {
                for (String k : settings) {
                    String key = either(BREAKWATER + k, NGINX + k);
                    if (value(key) != null) {
                        warn(key, "has no effect without canary: \"true\"; the Ingress is served as one that is "
                                + "not a canary (as in ingress-nginx)");
                    }
                }
                if (value(NGINX + "affinity-canary-behavior") != null) {
                    warn(NGINX + "affinity-canary-behavior", "has no effect: the Ingress is not a canary");
                }
                return null;
            }
            for (String key : new java.util.TreeSet<>(a.keySet())) {
                String suffix = key.startsWith(NGINX) ? key.substring(NGINX.length())
                        : key.startsWith(BREAKWATER) ? key.substring(BREAKWATER.length()) : null;
                boolean known = suffix != null && (key.startsWith(NGINX) ? NGINX_KEYS : KEYS).contains(suffix);
                if (known && !CANARY_OWN_KEYS.contains(suffix)) {
                    warn(key, "has no effect on a canary Ingress: its paths take the main Ingress's settings (as in "
                            + "ingress-nginx); only the canary settings and those of its own backends (load-balance, "
                            + "upstream-hash-by, health checks, outlier detection, draining, slow start) apply");
                }
            }
            if (value(NGINX + "affinity-canary-behavior") != null) {
                warn(NGINX + "affinity-canary-behavior", "is not supported: a request's side (canary or main) is "
                        + "decided by the canary rules alone, whatever its session cookie; within a side the main "
                        + "Ingress's affinity applies");
            }
            String headerKey = either(BREAKWATER + "canary-by-header", NGINX + "canary-by-header");
            String header = token(headerKey, "a header name");
            String valueKey = either(BREAKWATER + "canary-by-header-value", NGINX + "canary-by-header-value");
            String headerValue = value(valueKey);
            String patternKey = either(BREAKWATER + "canary-by-header-pattern", NGINX + "canary-by-header-pattern");
            String pattern = value(patternKey);
            if (header == null) {
                for (String k : List.of(valueKey, patternKey)) {
                    if (value(k) != null) {
                        warn(k, "has no effect without canary-by-header (as in ingress-nginx)");
                    }
                }
                headerValue = null;
                pattern = null;
            }
            if (headerValue != null && headerValue.chars().anyMatch(c -> c < 32 && c != '\t' || c == 127)) {
                warn(valueKey, "holds control characters, which no header value can; ignored");
                headerValue = null;
            }
            if (headerValue != null && pattern != null) {
                warn(patternKey, "is ignored: canary-by-header-value is set too, and wins (as in ingress-nginx)");
                pattern = null;
            }
            if (pattern != null) {
                try {
                    Pattern.compile(Canary.searchRegex(pattern));
                } catch (PatternSyntaxException e) {
                    warn(patternKey, "\"" + pattern + "\" is not a regular expression (" + e.getDescription()
                            + "); ignored");
                    pattern = null;
                }
            }
            String cookie = token(either(BREAKWATER + "canary-by-cookie", NGINX + "canary-by-cookie"),
                    "a cookie name");
            String totalKey = either(BREAKWATER + "canary-weight-total", NGINX + "canary-weight-total");
            Integer total = integer(totalKey, 1, Integer.MAX_VALUE);
            if (total != null && total < Canary.DEFAULT_WEIGHT_TOTAL) {
                warn(totalKey, total + " is below 100, which ingress-nginx's balancer does not honour: the total is "
                        + "100");
            }
            int weightTotal = Math.max(Canary.DEFAULT_WEIGHT_TOTAL, total == null ? 0 : total);
            String weightKey = either(BREAKWATER + "canary-weight", NGINX + "canary-weight");
            Integer weight = integer(weightKey, 0, Integer.MAX_VALUE);
            if (weight != null && weight > weightTotal) {
                warn(weightKey, weight + " is more than the total weight " + weightTotal + ": every request goes to "
                        + "the canary");
                weight = weightTotal;
            }
            Canary canary = new Canary(header, headerValue, pattern, cookie, weight == null ? 0 : weight,
                    weightTotal);
            if (canary.sendsNothing()) {
                warn(either(BREAKWATER + "canary", NGINX + "canary"), "the canary gets no request: it has no "
                        + "canary-by-header, no canary-by-cookie and no canary-weight above 0");
            }
            return canary;
        }

        /** A header or cookie name (an HTTP token), or null when unset or not one (warned). */
        private String token(String key, String what) {
            String v = value(key);
            if (v == null || TOKEN.matcher(v).matches()) {
                return v;
            }
            warn(key, "\"" + v + "\" is not " + what + " (letters, digits and !#$%&'*+.^_`|~-); ignored");
            return null;
        }

        // ---- paths: redirect, rewrite, regex

        private Paths paths(String allowlistKey, boolean allowlistInvalid) {
            RouteFilter.RequestRedirect redirect = redirect();
            String targetKey = either(BREAKWATER + "rewrite-target", NGINX + "rewrite-target");
            String target = rewriteTarget(targetKey);
            if (redirect != null && target != null) {
                warn(targetKey, "has no effect: the Ingress redirects (as in ingress-nginx, the redirect wins)");
                target = null;
            }
            boolean useRegex = bool("use-regex", false);
            String prefixKey = either(BREAKWATER + "x-forwarded-prefix", NGINX + "x-forwarded-prefix");
            String prefix = value(prefixKey);
            if (prefix != null) {
                if (target == null) {
                    warn(prefixKey, "has no effect without rewrite-target (as in ingress-nginx)");
                    prefix = null;
                } else if (prefix.chars().anyMatch(c -> c < 32 || c == 127)) {
                    warn(prefixKey, "holds control characters; ignored");
                    prefix = null;
                }
            }
            if (redirect == null && target == null && !useRegex && allowlistKey == null) {
                return Paths.NONE;
            }
            return new Paths(redirect, target, useRegex, prefix, allowlistKey, allowlistInvalid);
        }

        /** {@code rewrite-target}: a path, maybe with groups $1..$9 (and a query), as nginx's rewrite takes it. */
        private String rewriteTarget(String key) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            if (v.startsWith("http://") || v.startsWith("https://")) {
                warn(key, "\"" + v + "\" is a URL, which nginx turns into a redirect; use permanent-redirect or "
                        + "temporal-redirect for that; no rewrite");
                return null;
            }
            for (int i = v.indexOf('$'); i >= 0; i = v.indexOf('$', i + 1)) {
                if (i + 1 >= v.length() || v.charAt(i + 1) < '1' || v.charAt(i + 1) > '9') {
                    warn(key, "\"" + v + "\" uses an nginx variable; only the groups $1 to $9 are supported; no "
                            + "rewrite");
                    return null;
                }
            }
            try {
                PathModifier.regex("/", v);
                return v;
            } catch (IllegalArgumentException e) {
                warn(key, "\"" + v + "\" is not a path (" + e.getMessage() + "); no rewrite");
                return null;
            }
        }

        /** {@code temporal-redirect} (302, or its code), else {@code permanent-redirect} (301, or its code). */
        private RouteFilter.RequestRedirect redirect() {
            String temporalKey = either(BREAKWATER + "temporal-redirect", NGINX + "temporal-redirect");
            String permanentKey = either(BREAKWATER + "permanent-redirect", NGINX + "permanent-redirect");
            String temporalCodeKey = either(BREAKWATER + "temporal-redirect-code", NGINX + "temporal-redirect-code");
            String permanentCodeKey = either(BREAKWATER + "permanent-redirect-code", NGINX + "permanent-redirect-code");
            boolean temporal = value(temporalKey) != null;
            boolean permanent = value(permanentKey) != null;
            if (temporal && permanent) {
                warn(permanentKey, "is ignored: temporal-redirect is set too, and wins (as in ingress-nginx)");
            }
            if (!temporal && value(temporalCodeKey) != null) {
                warn(temporalCodeKey, "has no effect without temporal-redirect");
            }
            if (!permanent && value(permanentCodeKey) != null) {
                warn(permanentCodeKey, "has no effect without permanent-redirect");
            }
            if (temporal) {
                return redirectTo(temporalKey, redirectCode(temporalCodeKey, 302));
            }
            return permanent ? redirectTo(permanentKey, redirectCode(permanentCodeKey, 301)) : null;
        }

        private int redirectCode(String key, int dflt) {
            String v = value(key);
            if (v == null) {
                return dflt;
            }
            if (v.matches("\\d{3}") && REDIRECT_CODES.contains(Integer.parseInt(v))) {
                return Integer.parseInt(v);
            }
            warn(key, "\"" + v + "\" is not one of 301, 302, 303, 307, 308; using " + dflt);
            return dflt;
        }

        /**
         * The redirect to an http(s) URL. As nginx's {@code return}, the Location is the URL as written, without
         * the request's path or query; a URL ending in {@code $request_uri} gets the request's path and query
         * appended.
         */
        private RouteFilter.RequestRedirect redirectTo(String key, int code) {
            String v = value(key);
            boolean appendRequest = v.endsWith("$request_uri");
            String url = appendRequest ? v.substring(0, v.length() - "$request_uri".length()) : v;
            if (url.indexOf('$') >= 0) {
                warn(key, "\"" + v + "\" uses an nginx variable; only a trailing $request_uri is supported; no "
                        + "redirect");
                return null;
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                warn(key, "\"" + v + "\" is not a URL (" + e.getReason() + "); no redirect");
                return null;
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
                warn(key, "\"" + v + "\" is not an http:// or https:// URL with a host; no redirect");
                return null;
            }
            if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                warn(key, "\"" + v + "\" has a fragment or user information, which a redirect does not carry; no "
                        + "redirect");
                return null;
            }
            int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            PathModifier modifier;
            if (appendRequest) {
                if (uri.getRawQuery() != null) {
                    warn(key, "\"" + v + "\" has a query before $request_uri; no redirect");
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
                warn(key, "\"" + v + "\" cannot be a redirect (" + e.getMessage() + "); no redirect");
                return null;
            }
        }

        // ---- source allowlist

        /** Ours, else ingress-nginx's allowlist-source-range, else its older name whitelist-source-range. */
        private String allowlistKey() {
            String key = either(BREAKWATER + "allowlist-source-range", NGINX + "allowlist-source-range");
            return a.containsKey(key) || !a.containsKey(NGINX + "whitelist-source-range") ? key
                    : NGINX + "whitelist-source-range";
        }

        private SourceAllowlist allowlist(String key, boolean[] invalid) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            SourceAllowlist allowlist = AccessPolicies.allowlist(AccessPolicies.commaSeparated(v), (i, reason) ->
                    diagnostics.add(Diagnostic.error(object, "metadata.annotations['" + key + "']", (i < 0 ? "\""
                            + v + "\" " : "") + reason + "; the Ingress's routes answer 503 rather than serve every "
                            + "client")));
            invalid[0] = allowlist == null;
            return allowlist;
        }

        // ---- CORS

        private Cors cors() {
            String enableKey = either(BREAKWATER + "enable-cors", NGINX + "enable-cors");
            List<String> settingKeys = List.of("cors-allow-origin", "cors-allow-methods", "cors-allow-headers",
                    "cors-expose-headers", "cors-allow-credentials", "cors-max-age");
            if (!bool("enable-cors", false)) {
                for (String k : settingKeys) {
                    String key = either(BREAKWATER + k, NGINX + k);
                    if (value(key) != null) {
                        warn(key, "has no effect unless " + enableKey + " is \"true\"");
                    }
                }
                return null;
            }
            String originKey = either(BREAKWATER + "cors-allow-origin", NGINX + "cors-allow-origin");
            String originValue = value(originKey);
            List<String> origins = AccessPolicies.origins(originValue == null ? List.of("*")
                    : AccessPolicies.commaSeparated(originValue), (i, reason) ->
                    warn(originKey, reason + "; this origin is skipped"));
            if (origins.isEmpty()) {
                warn(originKey, "no usable origin; CORS is off");
                return null;
            }
            List<String> methods = list("cors-allow-methods", AccessPolicies.CorsList.METHODS, DEFAULT_CORS_METHODS);
            List<String> headers = list("cors-allow-headers", AccessPolicies.CorsList.HEADERS, DEFAULT_CORS_HEADERS);
            List<String> expose = list("cors-expose-headers", AccessPolicies.CorsList.EXPOSED, "");
            boolean credentials = bool("cors-allow-credentials", true);
            String maxAgeKey = either(BREAKWATER + "cors-max-age", NGINX + "cors-max-age");
            long maxAge = seconds(maxAgeKey, DEFAULT_CORS_MAX_AGE);
            return AccessPolicies.cors(origins, methods, headers, expose, credentials, maxAge);
        }

        /**
         * A comma-separated CORS list checked as ingress-nginx checks it: one bad entry and the whole list gets the
         * default (null: {@link AccessPolicies#cors} fills it in).
         */
        private List<String> list(String suffix, AccessPolicies.CorsList kind, String dflt) {
            String key = either(BREAKWATER + suffix, NGINX + suffix);
            String v = value(key);
            if (v == null) {
                return null;
            }
            boolean[] bad = new boolean[1];
            List<String> entries = AccessPolicies.corsEntries(kind, AccessPolicies.commaSeparated(v),
                    (i, reason) -> bad[0] = true);
            if (bad[0]) {
                warn(key, "\"" + v + "\" is not a comma-separated list of "
                        + (kind == AccessPolicies.CorsList.METHODS ? "methods" : "header names") + "; using "
                        + (dflt.isEmpty() ? "none" : "\"" + dflt + "\""));
                return null;
            }
            return entries;
        }

        // ---- rate limit

        /**
         * {@code breakwater.dev/rate-limit} ({@code 100/s}: requests per period) with {@code rate-limit-burst}
         * (default: the requests), else ingress-nginx's {@code limit-rps} or {@code limit-rpm} with
         * {@code limit-burst-multiplier} (burst = rate x multiplier, default 5); keyed by {@code rate-limit-key} (the
         * client address by default); {@code rate-limit-exempt} (ingress-nginx: {@code limit-allowlist}, or its older
         * name {@code limit-whitelist}) exempts address ranges. One zone per Ingress: a client has one bucket for all
         * the Ingress's paths and hosts, as ingress-nginx's zone is per Ingress. Null without a rate, or with one that
         * cannot be read (warned: no limit).
         */
        private RateLimit rateLimit() {
            String oursKey = BREAKWATER + "rate-limit";
            String burstKey = BREAKWATER + "rate-limit-burst";
            String rateKeyKey = BREAKWATER + "rate-limit-key";
            String rpsKey = NGINX + "limit-rps";
            String rpmKey = NGINX + "limit-rpm";
            String multiplierKey = NGINX + "limit-burst-multiplier";
            String exemptKey = either(BREAKWATER + "rate-limit-exempt", NGINX + "limit-allowlist");
            if (!a.containsKey(exemptKey) && a.containsKey(NGINX + "limit-whitelist")) {
                exemptKey = NGINX + "limit-whitelist";
            }
            for (String k : List.of("limit-connections", "limit-rate", "limit-rate-after")) {
                if (value(NGINX + k) != null) {
                    warn(NGINX + k, "is not supported (Breakwater limits requests, not connections or bandwidth); "
                            + "ignored");
                }
            }
            long requests;
            long perMillis;
            long burst;
            String rateKey;
            if (value(oursKey) != null) {
                for (String k : List.of(rpsKey, rpmKey, multiplierKey)) {
                    if (value(k) != null) {
                        warn(k, "is ignored: " + oursKey + " is set, and wins");
                    }
                }
                long[] rate = rate(oursKey);
                if (rate == null) {
                    noEffectWithoutRate(burstKey, rateKeyKey, exemptKey);
                    return null;
                }
                requests = rate[0];
                perMillis = rate[1];
                Integer b = integer(burstKey, 1, (int) RateLimit.MAX_COUNT);
                burst = b != null ? b : requests;
                rateKey = oursKey;
            } else {
                Integer rps = integer(rpsKey, 0, (int) RateLimit.MAX_COUNT);
                Integer rpm = integer(rpmKey, 0, (int) RateLimit.MAX_COUNT);
                rps = rps == null || rps == 0 ? null : rps; // 0: no limit, as in ingress-nginx
                rpm = rpm == null || rpm == 0 ? null : rpm;
                if (rps == null && rpm == null) {
                    noEffectWithoutRate(burstKey, rateKeyKey, exemptKey, multiplierKey);
                    return null;
                }
                if (rps != null && rpm != null) {
                    // ingress-nginx applies both; one bucket applies the lower sustained rate
                    boolean perMinute = rpm < rps * 60L;
                    warn(perMinute ? rpsKey : rpmKey, "is ignored: ingress-nginx applies both limit-rps and "
                            + "limit-rpm, Breakwater one limit per Ingress, the lower rate ("
                            + (perMinute ? "limit-rpm: " + rpm : "limit-rps: " + rps) + ")");
                    rps = perMinute ? null : rps;
                }
                requests = rps != null ? rps : rpm;
                perMillis = rps != null ? 1000 : 60_000;
                rateKey = rps != null ? rpsKey : rpmKey;
                Integer ourBurst = integer(burstKey, 1, (int) RateLimit.MAX_COUNT);
                if (ourBurst != null) {
                    if (value(multiplierKey) != null) {
                        warn(multiplierKey, "is ignored: " + burstKey + " is set, and wins");
                    }
                    burst = ourBurst;
                } else {
                    Integer multiplier = integer(multiplierKey, 0, 1000);
                    long m = multiplier == null ? DEFAULT_BURST_MULTIPLIER : multiplier;
                    burst = Math.max(1, Math.min(RateLimit.MAX_COUNT, requests * m));
                }
            }
            return new RateLimit(requests, perMillis, burst, rateLimitKey(rateKeyKey), exempt(exemptKey),
                    object);
        }

        /** {@code N/UNIT}: requests and milliseconds ({@code 100/s}, {@code 600/m}, {@code 5/h}, {@code 10/30s}). */
        private long[] rate(String key) {
            String v = value(key);
            Matcher m = RATE.matcher(v);
            if (m.matches()) {
                try {
                    long requests = Long.parseLong(m.group(1));
                    String unit = m.group(2);
                    long per = switch (unit) {
                        case "s" -> 1000;
                        case "m" -> 60_000;
                        case "h" -> 3_600_000;
                        default -> Durations.millis(unit);
                    };
                    if (requests >= 1 && requests <= RateLimit.MAX_COUNT && per >= 1
                            && per <= RateLimit.MAX_PER_MILLIS) {
                        return new long[] {requests, per};
                    }
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            warn(key, "\"" + v + "\" is not a rate such as 100/s, 600/m, 5/h or 10/30s (1 to " + RateLimit.MAX_COUNT
                    + " requests per 1ms to 366 days); no rate limit");
            return null;
        }

        /** {@code source-ip} (default), {@code header:NAME} or {@code route}. */
        private RateLimit.Key rateLimitKey(String key) {
            String v = value(key);
            if (v == null || v.equals("source-ip")) {
                return RateLimit.Key.SOURCE_IP;
            }
            if (v.equals("route")) {
                return RateLimit.Key.ROUTE;
            }
            if (v.startsWith("header:")) {
                try {
                    return RateLimit.Key.header(v.substring(7).trim());
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            warn(key, "\"" + v + "\" is not source-ip, header:NAME or route; the limit is per client address");
            return RateLimit.Key.SOURCE_IP;
        }

        /** The exempt ranges that can be used; each other entry warned and left out (its clients are limited). */
        private List<String> exempt(String key) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            List<String> cidrs = new ArrayList<>();
            List<String> entries = AccessPolicies.commaSeparated(v);
            for (String entry : entries) {
                String cidr = entry.trim();
                if (cidr.isEmpty()) {
                    continue;
                }
                try {
                    dev.breakwater.routing.Cidr.parse(cidr);
                    cidrs.add(cidr);
                } catch (IllegalArgumentException e) {
                    warn(key, e.getMessage() + "; not exempt from the rate limit");
                }
            }
            return cidrs;
        }

        private void noEffectWithoutRate(String... keys) {
            for (String k : keys) {
                if (value(k) != null) {
                    warn(k, "has no effect without a rate (" + BREAKWATER + "rate-limit, or " + NGINX + "limit-rps or "
                            + "limit-rpm)");
                }
            }
        }

        // ---- the settings

        private Cluster.Protocol protocol() {
            String key = either(BREAKWATER + "backend-protocol", NGINX + "backend-protocol");
            String v = value(key);
            if (v == null) {
                return Cluster.Protocol.HTTP1;
            }
            switch (v.trim().toUpperCase(Locale.ROOT)) {
                case "HTTP":
                    return Cluster.Protocol.HTTP1;
                case "HTTPS":
                    return Cluster.Protocol.HTTPS;
                case "GRPC":
                case "H2C":
                    return Cluster.Protocol.H2C;
                case "GRPCS":
                    return Cluster.Protocol.H2;
                default:
                    warn(key, "\"" + v + "\" is not one of HTTP, HTTPS, GRPC, GRPCS, H2C; using HTTP");
                    return Cluster.Protocol.HTTP1;
            }
        }

        private boolean clientVerify() {
            String key = either(BREAKWATER + "client-verify", NGINX + "auth-tls-verify-client");
            String v = value(key);
            if (v == null) {
                return true;
            }
            switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "on":
                    return true;
                case "optional":
                case "optional_no_ca":
                    return false;
                case "off":
                    return false;
                default:
                    warn(key, "\"" + v + "\" is not one of on, optional, optional_no_ca, off; using on");
                    return true;
            }
        }

        private SessionAffinity affinity() {
            String key = either(BREAKWATER + "affinity", NGINX + "affinity");
            String v = value(key);
            if (v == null) {
                return null;
            }
            if (!v.trim().equalsIgnoreCase("cookie")) {
                warn(key, "\"" + v + "\" is not a supported affinity (only \"cookie\"); no affinity");
                return null;
            }
            boolean ours = key.startsWith(BREAKWATER);
            String nameKey = either(BREAKWATER + "session-cookie-name", NGINX + "session-cookie-name");
            String name = value(nameKey);
            if (name == null) {
                name = ours ? "BREAKWATER" : "INGRESSCOOKIE";
            }
            Long maxAgeMillis = duration(either(BREAKWATER + "session-cookie-max-age",
                    NGINX + "session-cookie-max-age"), null);
            String path = value(either(BREAKWATER + "session-cookie-path", NGINX + "session-cookie-path"));
            try {
                return new SessionAffinity(name, maxAgeMillis == null ? null : maxAgeMillis / 1000, path);
            } catch (IllegalArgumentException e) {
                warn(nameKey, e.getMessage() + "; no affinity");
                return null;
            }
        }

        private ClusterPolicy.LoadBalancer loadBalancer() {
            String hashKey = either(BREAKWATER + "hash-by", NGINX + "upstream-hash-by");
            String hashBy = value(hashKey);
            String lbKey = either(BREAKWATER + "load-balance", NGINX + "load-balance");
            String lb = value(lbKey);
            ClusterPolicy.HashKey key = hashBy == null ? null : hashKey(hashKey, hashBy);
            if (lb == null) {
                return key == null ? null : new ClusterPolicy.LoadBalancer(ClusterPolicy.LoadBalancer.Type.RING_HASH, key);
            }
            ClusterPolicy.LoadBalancer.Type type;
            switch (lb.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "round-robin" -> type = ClusterPolicy.LoadBalancer.Type.ROUND_ROBIN;
                case "least-request", "ewma" -> type = ClusterPolicy.LoadBalancer.Type.LEAST_REQUEST;
                case "random" -> type = ClusterPolicy.LoadBalancer.Type.RANDOM;
                case "ring-hash" -> type = ClusterPolicy.LoadBalancer.Type.RING_HASH;
                case "maglev" -> type = ClusterPolicy.LoadBalancer.Type.MAGLEV;
                default -> {
                    warn(lbKey, "\"" + lb + "\" is not one of round-robin, least-request, random, ring-hash, "
                            + "maglev; using round-robin");
                    return null;
                }
            }
            if ((type == ClusterPolicy.LoadBalancer.Type.RING_HASH || type == ClusterPolicy.LoadBalancer.Type.MAGLEV)
                    && key == null) {
                warn(lbKey, type.name().toLowerCase(Locale.ROOT).replace('_', '-') + " needs "
                        + BREAKWATER + "hash-by; using round-robin");
                return null;
            }
            return new ClusterPolicy.LoadBalancer(type, key);
        }

        /** {@code header:NAME}, {@code cookie:NAME}, {@code source-ip}, or nginx's {@code $http_x}, {@code $cookie_x}, {@code $remote_addr}. */
        private ClusterPolicy.HashKey hashKey(String key, String v) {
            String s = v.trim();
            if (s.equals("source-ip") || s.equals("$remote_addr") || s.equals("$binary_remote_addr")) {
                return new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.SOURCE_IP, null);
            }
            if (s.startsWith("header:") && s.length() > 7) {
                return new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.HEADER, s.substring(7));
            }
            if (s.startsWith("cookie:") && s.length() > 7) {
                return new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.COOKIE, s.substring(7));
            }
            if (s.startsWith("$http_") && s.length() > 6) {
                return new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.HEADER,
                        s.substring(6).replace('_', '-'));
            }
            if (s.startsWith("$cookie_") && s.length() > 8) {
                return new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.COOKIE, s.substring(8));
            }
            warn(key, "\"" + v + "\" is not header:NAME, cookie:NAME or source-ip (nor $http_NAME, $cookie_NAME, "
                    + "$remote_addr); no hashing");
            return null;
        }

        private Retries retries() {
            Integer attempts = integer(BREAKWATER + "retries", 1, 10);
            String on = value(BREAKWATER + "retry-on");
            String nginxNext = value(NGINX + "proxy-next-upstream");
            Integer nginxTries = integer(NGINX + "proxy-next-upstream-tries", 1, 10);
            Integer budget = integer(BREAKWATER + "retry-budget-percent", 0, 100);
            Long perTry = duration(BREAKWATER + "per-try-timeout", null);
            if (attempts == null && on == null && nginxNext == null && nginxTries == null && budget == null
                    && perTry == null) {
                return null;
            }
            boolean on5xx = false;
            boolean onReset = false;
            if (on != null) {
                for (String t : on.split(",")) {
                    switch (t.trim().toLowerCase(Locale.ROOT)) {
                        case "5xx" -> on5xx = true;
                        case "reset" -> onReset = true;
                        case "" -> { }
                        default -> warn(BREAKWATER + "retry-on", "\"" + t.trim() + "\" is not 5xx or reset; ignored");
                    }
                }
            } else if (nginxNext != null) {
                for (String t : nginxNext.trim().split("\\s+")) {
                    if (t.startsWith("http_50")) {
                        on5xx = true;
                    } else if (t.equals("error") || t.equals("timeout")) {
                        onReset = true;
                    }
                }
            }
            return PolicyDefaults.retries(attempts != null ? attempts : nginxTries, on5xx, onReset, perTry, budget,
                    null);
        }

        private ClusterPolicy.HealthCheck healthCheck() {
            String path = value(BREAKWATER + "health-check-path");
            if (path == null) {
                return null;
            }
            if (!path.startsWith("/")) {
                warn(BREAKWATER + "health-check-path", "\"" + path + "\" must start with /; no health check");
                return null;
            }
            return PolicyDefaults.healthCheck(path, duration(BREAKWATER + "health-check-interval", null),
                    duration(BREAKWATER + "health-check-timeout", null),
                    integer(BREAKWATER + "healthy-threshold", 1, 100),
                    integer(BREAKWATER + "unhealthy-threshold", 1, 100));
        }

        private ClusterPolicy.OutlierDetection outlier() {
            return PolicyDefaults.outlierDetection(integer(BREAKWATER + "outlier-consecutive-failures", 1, 1000),
                    duration(BREAKWATER + "outlier-base-ejection", null), null,
                    integer(BREAKWATER + "outlier-max-ejection-percent", 0, 100));
        }

        /** {@code breakwater.dev/cache: "true"} and its settings; null when the cache is off. */
        private CachePolicy cache() {
            boolean on = boolOnly(BREAKWATER + "cache", false);
            if (!on) {
                for (String k : List.of("cache-default-ttl", "cache-max-object-size", "cache-stale-while-revalidate",
                        "cache-stale-if-error", "cache-store-set-cookie", "cache-purge-generation")) {
                    if (a.containsKey(BREAKWATER + k)) {
                        warn(BREAKWATER + k, "has no effect without " + BREAKWATER + "cache: \"true\"");
                    }
                }
                return null;
            }
            Long ttl = wholeSeconds(BREAKWATER + "cache-default-ttl");
            Long maxObject = size(BREAKWATER + "cache-max-object-size");
            Long swr = wholeSeconds(BREAKWATER + "cache-stale-while-revalidate");
            Long sie = wholeSeconds(BREAKWATER + "cache-stale-if-error");
            boolean setCookie = boolOnly(BREAKWATER + "cache-store-set-cookie", false);
            Integer generation = integer(BREAKWATER + "cache-purge-generation", 0, Integer.MAX_VALUE);
            return new CachePolicy(ttl, maxObject == null || maxObject == Long.MAX_VALUE ? null : maxObject, swr, sie,
                    setCookie, generation == null ? 0 : generation);
        }

        /** {@code breakwater.dev/compression: "true"} and its settings; null when off. */
        private Compression compression() {
            if (!boolOnly(BREAKWATER + "compression", false)) {
                for (String k : List.of("compression-min-size", "compression-types")) {
                    if (a.containsKey(BREAKWATER + k)) {
                        warn(BREAKWATER + k, "has no effect without " + BREAKWATER + "compression: \"true\"");
                    }
                }
                return null;
            }
            Long min = size(BREAKWATER + "compression-min-size");
            String typesKey = BREAKWATER + "compression-types";
            List<String> types = null;
            String v = value(typesKey);
            if (v != null) {
                types = new java.util.ArrayList<>();
                for (String t : v.split(",")) {
                    String type = t.trim().toLowerCase(Locale.ROOT);
                    if (type.matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*|\\*\\+[a-z0-9.-]+)")) {
                        types.add(type);
                    } else if (!type.isEmpty()) {
                        warn(typesKey, "\"" + type + "\" is not a media type such as text/html, text/* or "
                                + "application/*+json; left out");
                    }
                }
            }
            return new Compression(min == null || min == Long.MAX_VALUE ? null : min, types);
        }

        /** A duration rounded down to whole seconds, zero allowed; null when unset or bad (warned). */
        private Long wholeSeconds(String key) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            if (v.equals("0") || v.equals("0s")) {
                return 0L;
            }
            Long ms = duration(key, null);
            return ms == null ? null : ms / 1000;
        }

        // ---- typed readers

        /** The key that is set, ours first; ours when neither is. */
        private String either(String ours, String nginx) {
            return a.containsKey(ours) || !a.containsKey(nginx) ? ours : nginx;
        }

        private String value(String key) {
            String v = a.get(key);
            return v == null || v.isBlank() ? null : v.trim();
        }

        private Boolean bool(String suffix, Boolean dflt) {
            String key = either(BREAKWATER + suffix, NGINX + suffix);
            String v = value(key);
            if (v == null) {
                return dflt;
            }
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            warn(key, "\"" + v + "\" is not true or false; ignored");
            return dflt;
        }

        private boolean boolOnly(String key, boolean dflt) {
            String v = value(key);
            if (v == null) {
                return dflt;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            warn(key, "\"" + v + "\" is not true or false; ignored");
            return dflt;
        }

        private boolean onOff(String key, boolean dflt) {
            String v = value(key);
            if (v == null) {
                return dflt;
            }
            switch (v.toLowerCase(Locale.ROOT)) {
                case "on", "true" -> {
                    return true;
                }
                case "off", "false" -> {
                    return false;
                }
                default -> {
                    warn(key, "\"" + v + "\" is not on or off; ignored");
                    return dflt;
                }
            }
        }

        private Integer integer(String key, int min, int max) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            warn(key, "\"" + v + "\" is not a whole number from " + min + " to " + max + "; ignored");
            return null;
        }

        /** Milliseconds: "500ms", "5s", "2m", "1h", "1m30s", or a plain number of seconds (see {@link Durations}). */
        private Long duration(String key, Long dflt) {
            String v = value(key);
            if (v == null) {
                return dflt;
            }
            long ms;
            try {
                ms = Durations.millis(v);
            } catch (IllegalArgumentException e) {
                warn(key, e.getMessage() + "; ignored");
                return dflt;
            }
            if (ms <= 0) {
                warn(key, "\"" + v + "\" must be more than zero; ignored");
                return dflt;
            }
            return ms;
        }

        /** A whole number of seconds, zero allowed (HSTS max-age=0 tells browsers to forget the host). */
        private long seconds(String key, long dflt) {
            String v = value(key);
            if (v == null) {
                return dflt;
            }
            if (v.matches("\\d{1,10}")) {
                return Long.parseLong(v);
            }
            warn(key, "\"" + v + "\" is not a whole number of seconds (0 or more); using " + dflt);
            return dflt;
        }

        /** Bytes: "0" (no limit), "8k", "10m", "1g" (ingress-nginx's proxy-body-size). */
        private Long size(String key) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            Matcher m = SIZE.matcher(v);
            if (!m.matches()) {
                warn(key, "\"" + v + "\" is not a size such as 8k, 10m or 1g; ignored");
                return null;
            }
            long n = Long.parseLong(m.group(1));
            long bytes = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> n << 10;
                case "m" -> n << 20;
                case "g" -> n << 30;
                default -> n;
            };
            return bytes == 0 ? Long.MAX_VALUE : bytes;
        }

        /** "name" (this namespace) or "namespace/name". */
        private String secretRef(String key) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            String[] parts = v.split("/");
            if (parts.length == 1) {
                return namespace + "/" + parts[0];
            }
            if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
                return v;
            }
            warn(key, "\"" + v + "\" is not NAME or NAMESPACE/NAME; ignored");
            return null;
        }

        private void warn(String key, String reason) {
            diagnostics.add(Diagnostic.warning(object, "metadata.annotations['" + key + "']", reason));
        }
    }
}
