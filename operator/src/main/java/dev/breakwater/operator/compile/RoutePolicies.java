package dev.breakwater.operator.compile;

import dev.breakwater.operator.crd.CacheSpec;
import dev.breakwater.operator.crd.CompressionSpec;
import dev.breakwater.operator.crd.Formats;
import dev.breakwater.operator.crd.HealthCheckSpec;
import dev.breakwater.operator.crd.LoadBalancerSpec;
import dev.breakwater.operator.crd.OutlierDetectionSpec;
import dev.breakwater.operator.crd.RateLimitKeySpec;
import dev.breakwater.operator.crd.RateLimitSpec;
import dev.breakwater.operator.crd.RequestKeySpec;
import dev.breakwater.operator.crd.RetriesSpec;
import dev.breakwater.operator.crd.RuleSpec;
import dev.breakwater.operator.crd.SessionAffinitySpec;
import dev.breakwater.operator.crd.TimeoutsSpec;
import dev.breakwater.operator.policy.BalancingPolicies;
import dev.breakwater.operator.policy.CachePolicies;
import dev.breakwater.operator.policy.Durations;
import dev.breakwater.operator.policy.HealthPolicies;
import dev.breakwater.operator.policy.RateLimits;
import dev.breakwater.operator.policy.RetryPolicies;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Compression;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.SessionAffinity;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the policy fields of a Route rule (timeouts, body size, retries, affinity, cache, compression, balancing,
 * health checks, outlier detection, draining, slow start, rate limit) into the table's {@link RoutePolicy} and
 * {@link ClusterPolicy}, through the same readers ({@code dev.breakwater.operator.policy}) as Ingress annotations.
 * What the schema would refuse in a cluster is reported here too, as an ERROR naming the field, because local mode
 * has no API server; the setting then gets its default or is left out.
 */
final class RoutePolicies {

    private static final Pattern HEADER_NAME = Pattern.compile(Formats.HEADER_NAME);

    private RoutePolicies() {
    }

    // ---- policies

    static RoutePolicy routePolicy(RouteContext c, String field, RuleSpec rule, boolean httpsRedirect,
                                   RoutePolicy.Hsts hsts) {
        TimeoutsSpec t = rule.timeouts;
        Long connect = t == null ? null : millis(c, field + ".timeouts.connect", t.connect, false);
        Long response = t == null ? null : millis(c, field + ".timeouts.response", t.response, false);
        Long webSocketIdle = t == null ? null : millis(c, field + ".timeouts.webSocketIdle", t.webSocketIdle, false);
        Long body = bytes(c, field + ".maxRequestBodySize", rule.maxRequestBodySize, true);
        if (body != null && body == 0) {
            body = Long.MAX_VALUE; // 0: no limit, as ingress-nginx's proxy-body-size says it
        }
        return RoutePolicy.builder()
                .connectTimeoutMillis(connect)
                .responseTimeoutMillis(response)
                .maxRequestBodyBytes(body)
                .httpsRedirect(httpsRedirect ? Boolean.TRUE : null)
                .hsts(hsts)
                .webSocketIdleTimeoutMillis(webSocketIdle)
                .retries(retries(c, field + ".retries", rule.retries))
                .affinity(affinity(c, field + ".sessionAffinity", rule.sessionAffinity))
                .cache(cache(c, field + ".cache", rule.cache))
                .compression(compression(c, field + ".compression", rule.compression))
                .accessLog(Boolean.FALSE.equals(rule.accessLog) ? Boolean.FALSE : null)
                .tracing(rule.tracing)
                .trustIncomingSpan(rule.trustIncomingSpan)
                .build();
    }

    private static Retries retries(RouteContext c, String field, RetriesSpec r) {
        if (r == null) {
            return null;
        }
        List<RetriesSpec.RetryOn> on = r.on == null ? List.of() : r.on;
        return RetryPolicies.retries(r.attempts, on.contains(RetriesSpec.RetryOn.FIVE_XX),
                on.contains(RetriesSpec.RetryOn.RESET), millis(c, field + ".perTryTimeout", r.perTryTimeout, false),
                r.budgetPercent, r.minRetryConcurrency, reason -> c.error(field, reason + "; the default retries apply"));
    }

    private static SessionAffinity affinity(RouteContext c, String field, SessionAffinitySpec a) {
        if (a == null) {
            return null;
        }
        return BalancingPolicies.affinity(a.cookieName == null ? "" : a.cookieName,
                seconds(c, field + ".maxAge", a.maxAge), a.path, reason -> c.error(field + ".cookieName", reason));
    }

    private static CachePolicy cache(RouteContext c, String field, CacheSpec s) {
        if (s == null) {
            return null;
        }
        Long maxObject = bytes(c, field + ".maxObjectSize", s.maxObjectSize, false);
        return CachePolicies.cache(seconds(c, field + ".defaultTTL", s.defaultTTL), maxObject,
                seconds(c, field + ".staleWhileRevalidate", s.staleWhileRevalidate),
                seconds(c, field + ".staleIfError", s.staleIfError), Boolean.TRUE.equals(s.storeWithSetCookie),
                s.purgeGeneration, seconds(c, field + ".heuristicMax", s.heuristicMax),
                Boolean.TRUE.equals(s.targetedCacheControl));
    }

    private static Compression compression(RouteContext c, String field, CompressionSpec s) {
        if (s == null || Boolean.FALSE.equals(s.enabled)) {
            return null;
        }
        return CachePolicies.compression(bytes(c, field + ".minSize", s.minSize, true),
                s.contentTypes == null || s.contentTypes.isEmpty() ? null : s.contentTypes.stream()
                        .map(t -> t.trim().toLowerCase(Locale.ROOT)).toList());
    }

    static ClusterPolicy clusterPolicy(RouteContext c, String field, RuleSpec rule) {
        return new ClusterPolicy(loadBalancer(c, field + ".loadBalancer", rule.loadBalancer),
                healthCheck(c, field + ".healthCheck", rule.healthCheck),
                outlierDetection(c, field + ".outlierDetection", rule.outlierDetection),
                millis(c, field + ".drainTimeout", rule.drainTimeout, true),
                millis(c, field + ".slowStart", rule.slowStart, false));
    }

    private static ClusterPolicy.LoadBalancer loadBalancer(RouteContext c, String field, LoadBalancerSpec lb) {
        if (lb == null) {
            return null;
        }
        if (lb.type == null) {
            c.error(field + ".type", "type is required: RoundRobin, LeastRequest, Random, RingHash or Maglev");
            return null;
        }
        ClusterPolicy.LoadBalancer.Type type = switch (lb.type) {
            case ROUND_ROBIN -> ClusterPolicy.LoadBalancer.Type.ROUND_ROBIN;
            case LEAST_REQUEST -> ClusterPolicy.LoadBalancer.Type.LEAST_REQUEST;
            case RANDOM -> ClusterPolicy.LoadBalancer.Type.RANDOM;
            case RING_HASH -> ClusterPolicy.LoadBalancer.Type.RING_HASH;
            case MAGLEV -> ClusterPolicy.LoadBalancer.Type.MAGLEV;
        };
        ClusterPolicy.HashKey key = lb.hashOn == null ? null : hashKey(c, field + ".hashOn", lb.hashOn);
        if (!BalancingPolicies.hashes(type) && lb.hashOn != null) {
            c.warning(field + ".hashOn", "only RingHash and Maglev hash; ignored for " + wireName(lb.type));
            key = null;
        }
        return BalancingPolicies.loadBalancer(type, key, () -> {
            if (lb.hashOn == null) {
                c.error(field + ".hashOn", wireName(lb.type) + " needs hashOn (header, cookie or sourceIP); using "
                        + "round-robin");
            }
        });
    }

    private static ClusterPolicy.HashKey hashKey(RouteContext c, String field, RequestKeySpec k) {
        List<ClusterPolicy.HashKey> keys = new ArrayList<>();
        if (k.header != null) {
            keys.add(new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.HEADER, k.header));
        }
        if (k.cookie != null) {
            keys.add(new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.COOKIE, k.cookie));
        }
        if (Boolean.TRUE.equals(k.sourceIP)) {
            keys.add(new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.SOURCE_IP, null));
        }
        if (keys.size() != 1) {
            c.error(field, "exactly one of header, cookie and sourceIP: true is required; using round-robin");
            return null;
        }
        return keys.get(0);
    }

    private static ClusterPolicy.HealthCheck healthCheck(RouteContext c, String field, HealthCheckSpec h) {
        if (h == null) {
            return null;
        }
        if (h.path == null || !h.path.startsWith("/")) {
            c.error(field + ".path", "path \"" + (h.path == null ? "" : h.path) + "\" must start with \"/\"; no "
                    + "health check");
            return null;
        }
        return HealthPolicies.healthCheck(h.path, millis(c, field + ".interval", h.interval, false),
                millis(c, field + ".timeout", h.timeout, false), h.healthyThreshold, h.unhealthyThreshold,
                reason -> c.error(field, reason + "; no health check"));
    }

    private static ClusterPolicy.OutlierDetection outlierDetection(RouteContext c, String field, OutlierDetectionSpec o) {
        if (o == null) {
            return null;
        }
        return HealthPolicies.outlierDetection(o.consecutiveFailures,
                millis(c, field + ".baseEjectionTime", o.baseEjectionTime, false),
                millis(c, field + ".maxEjectionTime", o.maxEjectionTime, false), o.maxEjectionPercent,
                reason -> c.error(field, reason + "; the default outlier detection applies"));
    }

    // ---- rate limit

    private static final Pattern RATE_PER = Pattern.compile(RateLimitSpec.PER);

    /**
     * The rule's rate limit in {@code zone}, or null when it has none or it cannot be read (reported: without a rate
     * or a period there is no limit to apply). A bad burst or key is reported and gets its default; a bad exempt
     * entry is reported and left out (its clients are limited).
     */
    static RateLimit rateLimit(RouteContext c, String field, RateLimitSpec s, String zone) {
        if (s == null) {
            return null;
        }
        int errors = c.count();
        if (s.requests == null) {
            c.error(field + ".requests", "requests is required; no rate limit");
        } else if (!RateLimits.isCount(s.requests)) {
            c.error(field + ".requests", s.requests + " is not 1-" + RateLimit.MAX_COUNT + "; no rate limit");
        }
        Long per = ratePeriod(c, field + ".per", s.per);
        if (c.count() > errors) {
            return null;
        }
        long burst = s.requests;
        if (s.burst != null) {
            if (!RateLimits.isCount(s.burst)) {
                c.error(field + ".burst", s.burst + " is not 1-" + RateLimit.MAX_COUNT + "; using requests ("
                        + s.requests + ")");
            } else {
                burst = s.burst;
            }
        }
        List<String> exempt = RateLimits.exempt(s.exempt == null ? List.of() : s.exempt,
                (k, reason) -> c.error(field + ".exempt[" + k + "]", reason + "; not exempt"));
        return new RateLimit(s.requests, per, burst, rateLimitKey(c, field + ".key", s.key), exempt, zone);
    }

    /** The period of a rate in milliseconds, or null (reported) when it is missing or not a usable duration. */
    private static Long ratePeriod(RouteContext c, String field, String per) {
        if (per == null || per.isEmpty()) {
            c.error(field, "per is required (a duration such as 1s, 1m or 1h); no rate limit");
            return null;
        }
        long ms;
        switch (per) {
            case "Second" -> ms = 1000;
            case "Minute" -> ms = 60_000;
            case "Hour" -> ms = 3_600_000;
            default -> {
                if (!RATE_PER.matcher(per).matches()) {
                    c.error(field, "\"" + per + "\" is not a duration such as 1s, 1m or 1h; no rate limit");
                    return null;
                }
                ms = Durations.millis(per);
            }
        }
        if (!RateLimits.isPeriod(ms)) {
            c.error(field, "\"" + per + "\" is not from 1ms to 366 days; no rate limit");
            return null;
        }
        return ms;
    }

    private static RateLimit.Key rateLimitKey(RouteContext c, String field, RateLimitKeySpec k) {
        if (k == null) {
            return RateLimit.Key.SOURCE_IP;
        }
        List<RateLimit.Key> keys = new ArrayList<>();
        if (k.header != null) {
            if (!HEADER_NAME.matcher(k.header).matches()) {
                c.error(field + ".header", "\"" + k.header + "\" is not a header name (a token of letters, digits and "
                        + "!#$%&'*+-.^_`|~); the limit is per client address");
                return RateLimit.Key.SOURCE_IP;
            }
            keys.add(RateLimit.Key.header(k.header));
        }
        if (Boolean.TRUE.equals(k.sourceIP)) {
            keys.add(RateLimit.Key.SOURCE_IP);
        }
        if (Boolean.TRUE.equals(k.route)) {
            keys.add(RateLimit.Key.ROUTE);
        }
        if (keys.size() != 1) {
            c.error(field, "exactly one of header, sourceIP: true and route: true is required; the limit is per "
                    + "client address");
            return RateLimit.Key.SOURCE_IP;
        }
        return keys.get(0);
    }

    // ---- values

    /** Milliseconds of a duration field, or null when absent or unusable (reported). */
    static Long millis(RouteContext c, String field, String text, boolean zeroAllowed) {
        if (text == null) {
            return null;
        }
        return Durations.millis(text, zeroAllowed, reason -> c.error(field, reason + "; the default applies"));
    }

    /** Whole seconds of a duration field (zero allowed), rounded up with a warning; null when absent or unusable. */
    static Long seconds(RouteContext c, String field, String text) {
        Long ms = millis(c, field, text, true);
        if (ms == null) {
            return null;
        }
        long s = (ms + 999) / 1000;
        if (ms % 1000 != 0) {
            c.warning(field, "\"" + text + "\" is not a whole number of seconds; using " + s + "s");
        }
        return s;
    }

    /** Bytes of a quantity field ({@code 1Mi}, {@code 512k}, {@code 1000}), or null when absent or unusable. */
    private static Long bytes(RouteContext c, String field, Quantity q, boolean zeroAllowed) {
        if (q == null) {
            return null;
        }
        String text = q.getFormat() == null ? q.getAmount() : q.getAmount() + q.getFormat();
        try {
            BigDecimal bytes = Quantity.getAmountInBytes(q);
            if (bytes.signum() < 0 || bytes.signum() == 0 && !zeroAllowed) {
                c.error(field, "\"" + text + "\" must be more than zero; the default applies");
                return null;
            }
            return bytes.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (RuntimeException e) {
            c.error(field, "\"" + text + "\" is not a quantity such as 512Ki, 1Mi or 1000; the default applies");
            return null;
        }
    }

    /** The name a Route manifest writes for {@code value} (its {@code @JsonProperty}). */
    private static String wireName(Enum<?> value) {
        return RouteFilters.wireName(value);
    }
}
