package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.named;
import static dev.breakwater.operator.annotation.AnnotationKey.nginx;
import static dev.breakwater.operator.annotation.AnnotationKey.ours;

import dev.breakwater.operator.policy.AccessPolicies;
import dev.breakwater.operator.policy.Durations;
import dev.breakwater.operator.policy.RateLimits;
import dev.breakwater.routing.RateLimit;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rate limits: {@code breakwater.dev/rate-limit} ({@code 100/s}: requests per period) with {@code rate-limit-burst}
 * (default: the requests), else ingress-nginx's {@code limit-rps} or {@code limit-rpm} with
 * {@code limit-burst-multiplier} (burst = rate x multiplier, default 5); keyed by {@code rate-limit-key} (the client
 * address by default); {@code rate-limit-exempt} (ingress-nginx: {@code limit-allowlist}, or its older name
 * {@code limit-whitelist}) exempts address ranges. One zone per Ingress: a client has one bucket for all the
 * Ingress's paths and hosts, as ingress-nginx's zone is per Ingress.
 */
final class RateLimitAnnotations {

    /** ingress-nginx's {@code limit-burst-multiplier} default: the burst is 5 times the rate. */
    static final int DEFAULT_BURST_MULTIPLIER = 5;

    static final AnnotationKey<long[]> RATE = ours("rate-limit", RateLimitAnnotations::rate);
    static final AnnotationKey<Integer> BURST = ours("rate-limit-burst", Parsers.integer(1, (int) RateLimit.MAX_COUNT));
    static final AnnotationKey<RateLimit.Key> KEY = ours("rate-limit-key", RateLimitAnnotations::key);
    static final AnnotationKey<Integer> STATUS = ours("rate-limit-status", Parsers.integer(400, 599));
    static final AnnotationKey<Integer> LIMIT_RPS = nginx("limit-rps", Parsers.integer(0, (int) RateLimit.MAX_COUNT))
            .doc("whole requests per second; `0`: no limit", "a token bucket per client address (or the key of "
                    + "`breakwater.dev/rate-limit-key`) shared by all the Ingress's paths and hosts; over it `429` with "
                    + "`Retry-After`, the endpoint never sees the request", "ingress-nginx answers `503` by default (the "
                    + "ConfigMap's `limit-req-status-code` or `breakwater.dev/rate-limit-status` sets the status); "
                    + "with both `limit-rps` and `limit-rpm` only the lower sustained rate applies (warned); limits are "
                    + "per data-plane pod");
    static final AnnotationKey<Integer> LIMIT_RPM = nginx("limit-rpm", Parsers.integer(0, (int) RateLimit.MAX_COUNT))
            .doc("whole requests per minute; `0`: no limit", "as `limit-rps`, per minute", "as `limit-rps`");
    static final AnnotationKey<Integer> BURST_MULTIPLIER = nginx("limit-burst-multiplier", Parsers.integer(0, 1000))
            .doc("whole number; default `5`", "the bucket's capacity is the rate times it",
                    "nginx lets one more request through at once than that");
    static final AnnotationKey<String> EXEMPT = named("rate-limit-exempt", "limit-allowlist", Parsers.TEXT).doc(
            "comma-separated CIDRs or addresses", "these clients are never limited", "a bad entry is skipped with a "
                    + "warning (ingress-nginx drops the Ingress's whole rate limit)");
    static final AnnotationKey<String> LIMIT_WHITELIST = nginx("limit-whitelist", Parsers.TEXT).doc(
            "as `limit-allowlist`", "the older name of `limit-allowlist`", "");
    static final AnnotationKey<Integer> LIMIT_CONNECTIONS = nginx("limit-connections",
            Parsers.integer(1, 1_000_000)).doc("a whole number from 1", "the most requests of one client address "
                    + "in progress at once on each of the Ingress's routes; beyond, `503` (as ingress-nginx)",
            "counted per route and data-plane pod (ingress-nginx: per Ingress and replica); an idle keep-alive "
                    + "connection counts for nothing, as in nginx; a change of the route starts the count afresh");
    static final AnnotationKey<String> LIMIT_RATE = nginx("limit-rate", Parsers.TEXT).doc("a number",
            "not applied: a warning (\"Breakwater limits requests, not bandwidth\")",
            "bandwidth limits are not implemented");
    static final AnnotationKey<String> LIMIT_RATE_AFTER = nginx("limit-rate-after", Parsers.TEXT).doc("a size",
            "not applied: a warning, as `limit-rate`", "");

    static final List<AnnotationKey<?>> KEYS = List.of(RATE, BURST, KEY, STATUS, LIMIT_RPS, LIMIT_RPM, BURST_MULTIPLIER,
            EXEMPT, LIMIT_WHITELIST, LIMIT_CONNECTIONS, LIMIT_RATE, LIMIT_RATE_AFTER);

    /** A rate: requests, an optional nginx-style {@code r}, a slash, and a unit or a duration. */
    private static final Pattern RATE_PATTERN = Pattern.compile(
            "(\\d{1,10})\\s*r?\\s*/\\s*(s|m|h|(?:[0-9]+(?:ms|s|m|h))+)");

    private RateLimitAnnotations() {
    }

    /** {@code limit-connections}: the most requests of one client in progress at once, or null (warned if bad). */
    static Integer connections(AnnotationReader r) {
        return r.get(LIMIT_CONNECTIONS);
    }

    /** The Ingress's rate limit, or null without a rate, or with one that cannot be read (warned: no limit). */
    static RateLimit read(AnnotationReader r) {
        String oursKey = RATE.oursName();
        String burstKey = BURST.oursName();
        String rateKeyKey = KEY.oursName();
        String rpsKey = LIMIT_RPS.nginxName();
        String rpmKey = LIMIT_RPM.nginxName();
        String multiplierKey = BURST_MULTIPLIER.nginxName();
        String exemptKey = r.name(EXEMPT);
        if (!r.has(exemptKey) && r.has(LIMIT_WHITELIST.nginxName())) {
            exemptKey = LIMIT_WHITELIST.nginxName();
        }
        for (AnnotationKey<String> k : List.of(LIMIT_RATE, LIMIT_RATE_AFTER)) {
            if (r.value(k) != null) {
                r.warn(k.nginxName(), "is not supported (Breakwater limits requests, not bandwidth); ignored");
            }
        }
        long requests;
        long perMillis;
        long burst;
        if (r.value(oursKey) != null) {
            for (String k : List.of(rpsKey, rpmKey, multiplierKey)) {
                if (r.value(k) != null) {
                    r.warn(k, "is ignored: " + oursKey + " is set, and wins");
                }
            }
            long[] rate = r.get(RATE);
            if (rate == null) {
                noEffectWithoutRate(r, burstKey, rateKeyKey, exemptKey);
                return null;
            }
            requests = rate[0];
            perMillis = rate[1];
            Integer b = r.get(BURST);
            burst = b != null ? b : requests;
        } else {
            Integer rps = r.get(LIMIT_RPS);
            Integer rpm = r.get(LIMIT_RPM);
            rps = rps == null || rps == 0 ? null : rps; // 0: no limit, as in ingress-nginx
            rpm = rpm == null || rpm == 0 ? null : rpm;
            if (rps == null && rpm == null) {
                noEffectWithoutRate(r, burstKey, rateKeyKey, exemptKey, multiplierKey);
                return null;
            }
            if (rps != null && rpm != null) {
                // ingress-nginx applies both; one bucket applies the lower sustained rate
                boolean perMinute = rpm < rps * 60L;
                r.warn(perMinute ? rpsKey : rpmKey, "is ignored: ingress-nginx applies both limit-rps and "
                        + "limit-rpm, Breakwater one limit per Ingress, the lower rate ("
                        + (perMinute ? "limit-rpm: " + rpm : "limit-rps: " + rps) + ")");
                rps = perMinute ? null : rps;
            }
            requests = rps != null ? rps : rpm;
            perMillis = rps != null ? 1000 : 60_000;
            Integer ourBurst = r.get(BURST);
            if (ourBurst != null) {
                if (r.value(multiplierKey) != null) {
                    r.warn(multiplierKey, "is ignored: " + burstKey + " is set, and wins");
                }
                burst = ourBurst;
            } else {
                Integer multiplier = r.get(BURST_MULTIPLIER);
                long m = multiplier == null ? DEFAULT_BURST_MULTIPLIER : multiplier;
                burst = Math.max(1, Math.min(RateLimit.MAX_COUNT, requests * m));
            }
        }
        RateLimit.Key key = r.get(KEY, RateLimit.Key.SOURCE_IP);
        String exemptName = exemptKey;
        String exempt = r.value(exemptName);
        return new RateLimit(requests, perMillis, burst, key, exempt == null ? null : RateLimits.exempt(
                AccessPolicies.commaSeparated(exempt).stream().filter(e -> !e.isBlank()).toList(),
                (i, reason) -> r.warn(exemptName, reason + "; not exempt from the rate limit")), r.object(),
                r.get(STATUS));
    }

    /** {@code N/UNIT}: requests and milliseconds ({@code 100/s}, {@code 600/m}, {@code 5/h}, {@code 10/30s}). */
    private static long[] rate(String v, Consumer<String> problems) {
        Matcher m = RATE_PATTERN.matcher(v);
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
                if (RateLimits.isCount(requests) && RateLimits.isPeriod(per)) {
                    return new long[] {requests, per};
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        problems.accept("\"" + v + "\" is not a rate such as 100/s, 600/m, 5/h or 10/30s (1 to " + RateLimit.MAX_COUNT
                + " requests per 1ms to 366 days); no rate limit");
        return null;
    }

    /** {@code source-ip} (default), {@code header:NAME} or {@code route}. */
    private static RateLimit.Key key(String v, Consumer<String> problems) {
        if (v.equals("source-ip")) {
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
        problems.accept("\"" + v + "\" is not source-ip, header:NAME or route; the limit is per client address");
        return null;
    }

    private static void noEffectWithoutRate(AnnotationReader r, String... keys) {
        for (String k : keys) {
            if (r.value(k) != null) {
                r.warn(k, "has no effect without a rate (" + AnnotationTable.BREAKWATER + "rate-limit, or "
                        + AnnotationTable.NGINX + "limit-rps or limit-rpm)");
            }
        }
    }
}
