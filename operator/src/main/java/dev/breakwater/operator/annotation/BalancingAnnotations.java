package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;
import static dev.breakwater.operator.annotation.AnnotationKey.named;
import static dev.breakwater.operator.annotation.AnnotationKey.ours;

import dev.breakwater.operator.policy.BalancingPolicies;
import dev.breakwater.operator.policy.HealthPolicies;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.SessionAffinity;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Session affinity, balancing, health checks, outlier detection, draining and slow start. */
final class BalancingAnnotations {

    static final AnnotationKey<String> AFFINITY = both("affinity", BalancingAnnotations::affinityType).doc(
            "`cookie`", "cookie session affinity", "the cookie holds an endpoint id, not nginx's hash; a session "
                    + "stays on its endpoint while that endpoint can serve (`affinity-mode: persistent`)");
    static final AnnotationKey<String> AFFINITY_MODE = both("affinity-mode", BalancingAnnotations::affinityMode).doc(
            "`balanced`, `persistent`", "`persistent`: what Breakwater does, a session keeps its endpoint while "
                    + "that endpoint can serve", "`balanced` (ingress-nginx's default) is a warning: sessions are "
                    + "not moved to new endpoints when the Service scales up");
    static final AnnotationKey<String> SESSION_COOKIE_NAME = both("session-cookie-name", Parsers.TEXT).doc(
            "a cookie name; default `INGRESSCOOKIE`", "the affinity cookie's name", "");
    static final AnnotationKey<Long> SESSION_COOKIE_MAX_AGE = both("session-cookie-max-age", Parsers.DURATION).doc(
            "duration (seconds)", "its `Max-Age`; a session cookie without it (and without `session-cookie-expires`)",
            "");
    static final AnnotationKey<Long> SESSION_COOKIE_EXPIRES = both("session-cookie-expires", Parsers.DURATION).doc(
            "duration (seconds)", "how long the cookie lasts, when `session-cookie-max-age` does not say",
            "written as `Max-Age`, not as an `Expires` date (clients take `Max-Age` over `Expires`, so a cookie "
                    + "lasts the same)");
    static final AnnotationKey<String> SESSION_COOKIE_PATH = both("session-cookie-path", Parsers.TEXT).doc(
            "a path; default `/`", "its `Path`", "not required with `use-regex`");
    static final AnnotationKey<String> SESSION_COOKIE_DOMAIN = both("session-cookie-domain",
            BalancingAnnotations::cookieDomain).doc("a domain name", "its `Domain`: the cookie is sent to that "
                    + "domain and its subdomains", "");
    static final AnnotationKey<String> SESSION_COOKIE_SAMESITE = both("session-cookie-samesite",
            BalancingAnnotations::sameSite).doc("`Strict`, `Lax`, `None` (any case)", "its `SameSite`; none without "
                    + "it", "`session-cookie-conditional-samesite-none` is not read: `None` is sent to every client");
    static final AnnotationKey<Boolean> SESSION_COOKIE_SECURE = both("session-cookie-secure", Parsers.BOOLEAN).doc(
            "boolean; default: the request's scheme", "`true`: the cookie says `Secure` on HTTP responses too; "
                    + "`false`: never; without it, on HTTPS responses only", "");
    static final AnnotationKey<ClusterPolicy.LoadBalancer.Type> LOAD_BALANCE = both("load-balance",
            BalancingAnnotations::balancer).canaryOwn().doc("`round_robin`, `ewma`", "smooth weighted round-robin; "
            + "`ewma` becomes least-request (power of two choices)", "");
    static final AnnotationKey<ClusterPolicy.HashKey> HASH_BY = named("hash-by", "upstream-hash-by",
            BalancingAnnotations::hashKey).canaryOwn().doc("`$http_NAME`, `$cookie_NAME`, `$remote_addr`",
            "consistent hashing (ring hash) on that header, cookie or client address", "other nginx variables "
                    + "(`$request_uri`, combinations) are warnings and no hashing applies; `upstream-hash-by-subset` "
                    + "is not read");
    static final AnnotationKey<String> HEALTH_CHECK_PATH = ours("health-check-path", Parsers.TEXT).canaryOwn();
    static final AnnotationKey<Long> HEALTH_CHECK_INTERVAL = ours("health-check-interval", Parsers.DURATION)
            .canaryOwn();
    static final AnnotationKey<Long> HEALTH_CHECK_TIMEOUT = ours("health-check-timeout", Parsers.DURATION).canaryOwn();
    static final AnnotationKey<Integer> HEALTHY_THRESHOLD = ours("healthy-threshold", Parsers.integer(1, 100))
            .canaryOwn();
    static final AnnotationKey<Integer> UNHEALTHY_THRESHOLD = ours("unhealthy-threshold", Parsers.integer(1, 100))
            .canaryOwn();
    static final AnnotationKey<Integer> OUTLIER_CONSECUTIVE_FAILURES = ours("outlier-consecutive-failures",
            Parsers.integer(1, 1000)).canaryOwn();
    static final AnnotationKey<Long> OUTLIER_BASE_EJECTION = ours("outlier-base-ejection", Parsers.DURATION)
            .canaryOwn();
    static final AnnotationKey<Integer> OUTLIER_MAX_EJECTION_PERCENT = ours("outlier-max-ejection-percent",
            Parsers.integer(0, 100)).canaryOwn();
    static final AnnotationKey<Long> DRAIN_TIMEOUT = ours("drain-timeout", Parsers.DURATION).canaryOwn();
    static final AnnotationKey<Long> SLOW_START = ours("slow-start", Parsers.DURATION).canaryOwn();

    static final List<AnnotationKey<?>> KEYS = List.of(AFFINITY, AFFINITY_MODE, SESSION_COOKIE_NAME, SESSION_COOKIE_MAX_AGE,
            SESSION_COOKIE_EXPIRES, SESSION_COOKIE_PATH, SESSION_COOKIE_DOMAIN, SESSION_COOKIE_SAMESITE,
            SESSION_COOKIE_SECURE, LOAD_BALANCE, HASH_BY, HEALTH_CHECK_PATH, HEALTH_CHECK_INTERVAL, HEALTH_CHECK_TIMEOUT,
            HEALTHY_THRESHOLD, UNHEALTHY_THRESHOLD, OUTLIER_CONSECUTIVE_FAILURES, OUTLIER_BASE_EJECTION,
            OUTLIER_MAX_EJECTION_PERCENT, DRAIN_TIMEOUT, SLOW_START);

    private BalancingAnnotations() {
    }

    /** Cookie affinity, or null for none. */
    static SessionAffinity affinity(AnnotationReader r) {
        String key = r.name(AFFINITY);
        if (r.get(AFFINITY) == null) {
            return null;
        }
        boolean ours = key.equals(AFFINITY.oursName());
        String nameKey = r.name(SESSION_COOKIE_NAME);
        String name = r.value(nameKey);
        if (name == null) {
            name = ours ? "BREAKWATER" : "INGRESSCOOKIE";
        }
        Long maxAgeMillis = r.get(SESSION_COOKIE_MAX_AGE);
        if (maxAgeMillis == null) {
            maxAgeMillis = r.get(SESSION_COOKIE_EXPIRES);
        }
        String path = r.value(SESSION_COOKIE_PATH);
        SessionAffinity affinity = BalancingPolicies.affinity(name, maxAgeMillis == null ? null : maxAgeMillis / 1000,
                path, reason -> r.warn(nameKey, reason));
        if (affinity == null) {
            return null;
        }
        if ("balanced".equals(r.get(AFFINITY_MODE))) {
            r.warn(r.name(AFFINITY_MODE), "\"balanced\" is not applied: Breakwater keeps each session on its "
                    + "endpoint while that endpoint can serve (as persistent); sessions are not moved to endpoints "
                    + "added later");
        }
        String sameSite = r.get(SESSION_COOKIE_SAMESITE);
        Boolean secure = r.get(SESSION_COOKIE_SECURE);
        if ("None".equals(sameSite) && Boolean.FALSE.equals(secure)) {
            r.warn(r.name(SESSION_COOKIE_SAMESITE), "SameSite=None without Secure is refused by browsers: the "
                    + "cookie is likely to be dropped (session-cookie-secure is false)");
        }
        return new SessionAffinity(affinity.cookieName(), affinity.maxAgeSeconds(), affinity.path(),
                r.get(SESSION_COOKIE_DOMAIN), sameSite, secure);
    }

    private static String affinityMode(String v, Consumer<String> problems) {
        String mode = v.toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("balanced") && !mode.equals("persistent")) {
            problems.accept("\"" + v + "\" is not balanced or persistent; ignored");
            return null;
        }
        return mode;
    }

    private static String sameSite(String v, Consumer<String> problems) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "strict" -> "Strict";
            case "lax" -> "Lax";
            case "none" -> "None";
            default -> {
                problems.accept("\"" + v + "\" is not Strict, Lax or None; the cookie has no SameSite");
                yield null;
            }
        };
    }

    private static String cookieDomain(String v, Consumer<String> problems) {
        String d = v.toLowerCase(java.util.Locale.ROOT);
        if (!d.matches("\\.?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
            problems.accept("\"" + v + "\" is not a domain name; the cookie has no Domain");
            return null;
        }
        return d;
    }

    /** Balancing, health, outlier detection, draining and slow start of the Ingress's backends. */
    static ClusterPolicy cluster(AnnotationReader r) {
        return new ClusterPolicy(loadBalancer(r), healthCheck(r), HealthPolicies.outlierDetection(
                r.get(OUTLIER_CONSECUTIVE_FAILURES), r.get(OUTLIER_BASE_EJECTION), null,
                r.get(OUTLIER_MAX_EJECTION_PERCENT), reason -> r.warn(r.name(OUTLIER_CONSECUTIVE_FAILURES), reason
                        + "; the default outlier detection applies")), r.get(DRAIN_TIMEOUT), r.get(SLOW_START));
    }

    private static ClusterPolicy.LoadBalancer loadBalancer(AnnotationReader r) {
        ClusterPolicy.HashKey key = r.get(HASH_BY);
        String lbKey = r.name(LOAD_BALANCE);
        if (r.value(lbKey) == null) {
            return key == null ? null : new ClusterPolicy.LoadBalancer(ClusterPolicy.LoadBalancer.Type.RING_HASH, key);
        }
        ClusterPolicy.LoadBalancer.Type type = r.get(LOAD_BALANCE);
        if (type == null) {
            return null;
        }
        return BalancingPolicies.loadBalancer(type, key, () -> r.warn(lbKey, BalancingPolicies.name(type) + " needs "
                + HASH_BY.oursName() + "; using round-robin"));
    }

    private static ClusterPolicy.HealthCheck healthCheck(AnnotationReader r) {
        String path = r.get(HEALTH_CHECK_PATH);
        if (path == null) {
            return null;
        }
        if (!path.startsWith("/")) {
            r.warn(r.name(HEALTH_CHECK_PATH), "\"" + path + "\" must start with /; no health check");
            return null;
        }
        return HealthPolicies.healthCheck(path, r.get(HEALTH_CHECK_INTERVAL), r.get(HEALTH_CHECK_TIMEOUT),
                r.get(HEALTHY_THRESHOLD), r.get(UNHEALTHY_THRESHOLD), reason -> r.warn(r.name(HEALTH_CHECK_PATH),
                        reason + "; no health check"));
    }

    private static String affinityType(String v, Consumer<String> problems) {
        if (v.trim().equalsIgnoreCase("cookie")) {
            return "cookie";
        }
        problems.accept("\"" + v + "\" is not a supported affinity (only \"cookie\"); no affinity");
        return null;
    }

    private static ClusterPolicy.LoadBalancer.Type balancer(String v, Consumer<String> problems) {
        switch (v.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "round-robin":
                return ClusterPolicy.LoadBalancer.Type.ROUND_ROBIN;
            case "least-request":
            case "ewma":
                return ClusterPolicy.LoadBalancer.Type.LEAST_REQUEST;
            case "random":
                return ClusterPolicy.LoadBalancer.Type.RANDOM;
            case "ring-hash":
                return ClusterPolicy.LoadBalancer.Type.RING_HASH;
            case "maglev":
                return ClusterPolicy.LoadBalancer.Type.MAGLEV;
            default:
                problems.accept("\"" + v + "\" is not one of round-robin, least-request, random, ring-hash, maglev; "
                        + "using round-robin");
                return null;
        }
    }

    /** {@code header:NAME}, {@code cookie:NAME}, {@code source-ip}, or nginx's {@code $http_x}, {@code $cookie_x}, {@code $remote_addr}. */
    private static ClusterPolicy.HashKey hashKey(String v, Consumer<String> problems) {
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
            return new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.HEADER, s.substring(6).replace('_', '-'));
        }
        if (s.startsWith("$cookie_") && s.length() > 8) {
            return new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.COOKIE, s.substring(8));
        }
        problems.accept("\"" + v + "\" is not header:NAME, cookie:NAME or source-ip (nor $http_NAME, $cookie_NAME, "
                + "$remote_addr); no hashing");
        return null;
    }
}
