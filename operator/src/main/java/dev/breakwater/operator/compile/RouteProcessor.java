package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.policy.Durations;
import dev.breakwater.operator.policy.PolicyDefaults;
import dev.breakwater.operator.crd.BackendSpec;
import dev.breakwater.operator.crd.CacheSpec;
import dev.breakwater.operator.crd.CompressionSpec;
import dev.breakwater.operator.crd.Formats;
import dev.breakwater.operator.crd.HealthCheckSpec;
import dev.breakwater.operator.crd.LoadBalancerSpec;
import dev.breakwater.operator.crd.MatchSpec;
import dev.breakwater.operator.crd.OutlierDetectionSpec;
import dev.breakwater.operator.crd.PathMatchSpec;
import dev.breakwater.operator.crd.RateLimitKeySpec;
import dev.breakwater.operator.crd.RateLimitSpec;
import dev.breakwater.operator.crd.RequestKeySpec;
import dev.breakwater.operator.crd.RetriesSpec;
import dev.breakwater.operator.crd.RouteSpec;
import dev.breakwater.operator.crd.RuleSpec;
import dev.breakwater.operator.crd.SessionAffinitySpec;
import dev.breakwater.operator.crd.StringMatchType;
import dev.breakwater.operator.crd.TimeoutsSpec;
import dev.breakwater.operator.crd.TlsSpec;
import dev.breakwater.operator.crd.ValueMatchSpec;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Compression;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.QueryParamMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.SessionAffinity;
import dev.breakwater.routing.StringMatch;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Reads {@code Route} objects ({@code breakwater.dev/v1alpha1}) into the {@link TableBuilder}, through the same
 * routes, backends and certificates as Ingresses, and collects each Route's status facts.
 *
 * <ul>
 *   <li>Each hostname becomes a virtual host ({@code *} when a Route names none); each match of each rule a route
 *       on every one of them, placed by {@link RouteCandidate#PRECEDENCE}. A rule without matches matches
 *       {@code PathPrefix /}.</li>
 *   <li>Backends resolve through {@link BackendResolver}; a weighted split keeps the share of a backend that
 *       cannot be resolved, which answers 503, rather than moving it to the others; a rule none of whose
 *       backends resolves answers 503.</li>
 *   <li>Timeouts, body size, retries, affinity, cache, compression and TLS redirect/HSTS go to the routes'
 *       {@link RoutePolicy}; balancing, health checks, outlier detection, drain timeout and slow start to the
 *       clusters' {@link ClusterPolicy} (a Service port used with other settings gets a cluster of its own).</li>
 *   <li>What the schema would refuse in a cluster (a bad path, regular expression, duration or quantity) is
 *       reported here too, because local mode has no API server: the match or setting is left out and named in an
 *       ERROR diagnostic ({@code spec.rules[1].matches[0].path.value}); the rest of the Route and every other
 *       object are served.</li>
 *   <li>Filters become the routes' {@link RouteFilter}s, the source allowlist and CORS their policy's (see
 *       {@link RouteFilters}); a rule whose filters or allowlist cannot be used answers 503 ({@link #FAIL_CLOSED}). A
 *       rule that redirects needs no backend ({@link #REDIRECT_ONLY}).</li>
 *   <li>A rule's rate limit goes to its routes' {@link RoutePolicy}, in a zone of the rule's own
 *       ({@code Route/ns/name#rule}), so that every match and hostname of the rule counts against one bucket per
 *       client. A limit that cannot be read is reported and left out (the rule serves without it).</li>
 * </ul>
 */
final class RouteProcessor implements Processor {

    private static final Pattern HEADER_NAME = Pattern.compile(Formats.HEADER_NAME);
    /** Characters that say a path was meant as a regular expression. */
    private static final Pattern REGEX_META = Pattern.compile("[*?^$|(){}\\[\\]\\\\]");
    private static final int MAX_WEIGHT = 1_000_000;
    /**
     * The action of a rule whose filters or source allowlist cannot be used: it answers 503 rather than serve its
     * requests without them (unrewritten, unredirected, from every client).
     */
    static final RouteAction FAIL_CLOSED = new RouteAction.FixedResponse(503,
            "route unavailable: its filters or source allowlist cannot be used\n");
    /**
     * The action of a rule that only redirects. Its RequestRedirect filter answers every request first (after the
     * allowlist and CORS preflights, which answer too), so this is never reached.
     */
    static final RouteAction REDIRECT_ONLY = new RouteAction.FixedResponse(500, "no backend: the route redirects\n");

    private final TableBuilder table;
    private final BackendResolver backends;
    private final HostRoutes routes;
    private final HostCertificates certificates;
    private final List<Diagnostic> diagnostics;

    RouteProcessor(TableBuilder table) {
        this.table = table;
        this.backends = table.backends();
        this.routes = table.routes();
        this.certificates = table.certificates();
        this.diagnostics = table.diagnostics();
    }

    @Override
    public void add(HasMetadata object, int rank) {
        if (object instanceof dev.breakwater.operator.crd.Route route) {
            add(route, rank);
        }
    }

    /** Adds {@code route}, whose place among all objects, oldest first, is {@code rank}; its status facts too. */
    private void add(dev.breakwater.operator.crd.Route route, int rank) {
        String namespace = route.getMetadata().getNamespace() == null || route.getMetadata().getNamespace().isEmpty()
                ? "default" : route.getMetadata().getNamespace();
        String name = route.getMetadata().getName();
        Context c = new Context("Route/" + namespace + "/" + name, namespace, name, rank);
        int first = diagnostics.size();
        int served = 0;
        RouteSpec spec = route.getSpec();
        if (spec == null) {
            c.error("spec", "spec is required");
        } else {
            List<String> hosts = hostnames(c, spec.hostnames);
            List<RuleSpec> rules = spec.rules == null ? List.of() : spec.rules;
            if (rules.isEmpty()) {
                c.error("spec.rules", "at least one rule is required");
            }
            if (!hosts.isEmpty()) {
                Tls tls = tls(c, spec.tls, hosts);
                for (int i = 0; i < rules.size(); i++) {
                    served += addRule(c, i, rules.get(i), hosts, tls);
                }
            }
        }
        table.routeStatus(report(c, route.getMetadata().getGeneration(), diagnostics.subList(first, diagnostics.size()),
                served));
    }

    /** One Route being read: its name for diagnostics and routes, and its rank. */
    private final class Context {
        final String object;
        final String namespace;
        final String name;
        final int rank;

        Context(String object, String namespace, String name, int rank) {
            this.object = object;
            this.namespace = namespace;
            this.name = name;
            this.rank = rank;
        }

        void error(String field, String reason) {
            diagnostics.add(Diagnostic.error(object, field, reason));
        }

        void warning(String field, String reason) {
            diagnostics.add(Diagnostic.warning(object, field, reason));
        }

        int count() {
            return diagnostics.size();
        }
    }

    // ---- hosts and TLS

    /** The valid hostnames, lower case, without repeats; {@code [*]} when none are named; empty when none is valid. */
    private List<String> hostnames(Context c, List<String> hostnames) {
        if (hostnames == null || hostnames.isEmpty()) {
            return List.of(VirtualHost.CATCH_ALL);
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (int i = 0; i < hostnames.size(); i++) {
            String h = hostnames.get(i) == null ? "" : hostnames.get(i);
            String problem = HostName.problem(h);
            if (problem != null) {
                c.error("spec.hostnames[" + i + "]", problem);
            } else {
                hosts.add(h);
            }
        }
        return List.copyOf(hosts);
    }

    /** What a Route's TLS section says about its routes. */
    private record Tls(boolean redirect, RoutePolicy.Hsts hsts) {
        static final Tls NONE = new Tls(false, null);
    }

    private Tls tls(Context c, TlsSpec tls, List<String> hosts) {
        if (tls == null) {
            return Tls.NONE;
        }
        if (tls.secretName == null || tls.secretName.isEmpty()) {
            c.error("spec.tls.secretName", "a Secret name is required; the hostnames get the default certificate");
        } else if (hosts.equals(List.of(VirtualHost.CATCH_ALL))) {
            c.warning("spec.tls", "a certificate needs hostnames (clients ask for it by name); without them the "
                    + "default certificate serves");
        } else {
            certificates.use(c.object, c.namespace + "/" + tls.secretName, hosts, "spec.tls.secretName",
                    "spec.hostnames", diagnostics);
        }
        RoutePolicy.Hsts hsts = null;
        if (tls.hsts != null) {
            long maxAge = tls.hsts.maxAgeSeconds == null ? PolicyDefaults.HSTS_MAX_AGE_SECONDS : tls.hsts.maxAgeSeconds;
            if (maxAge < 0) {
                c.error("spec.tls.hsts.maxAgeSeconds", maxAge + " is negative; using "
                        + PolicyDefaults.HSTS_MAX_AGE_SECONDS);
                maxAge = PolicyDefaults.HSTS_MAX_AGE_SECONDS;
            }
            hsts = new RoutePolicy.Hsts(maxAge, Boolean.TRUE.equals(tls.hsts.includeSubDomains),
                    Boolean.TRUE.equals(tls.hsts.preload));
        }
        return new Tls(!Boolean.FALSE.equals(tls.redirectHttp), hsts);
    }

    // ---- rules

    /** Adds the routes of rule {@code i} on every host; returns how many were added. */
    private int addRule(Context c, int i, RuleSpec rule, List<String> hosts, Tls tls) {
        String field = "spec.rules[" + i + "]";
        if (rule == null) {
            c.error(field, "a rule is required");
            return 0;
        }
        RouteFilters access = RouteFilters.read(field, rule.filters, rule.sourceAllowlist, rule.cors, c::error,
                (f, text) -> seconds(c, f, text));
        String label = rule.name != null && !rule.name.isEmpty() ? rule.name : String.valueOf(i);
        RateLimit rateLimit = rateLimit(c, field + ".rateLimit", rule.rateLimit, c.object + "#" + label);
        ClusterPolicy clusterPolicy = clusterPolicy(c, field, rule);
        RouteAction action;
        if (access.redirects()) {
            if (rule.backends != null && !rule.backends.isEmpty()) {
                c.warning(field + ".backends", "not used: the rule redirects (RequestRedirect), so no request reaches "
                        + "a backend");
            }
            action = REDIRECT_ONLY;
        } else if (access.redirectAsked() && (rule.backends == null || rule.backends.isEmpty())) {
            action = FAIL_CLOSED; // its redirect is reported; no backend to complain about
        } else {
            action = action(c, field, rule.backends, clusterPolicy);
        }
        if (access.failClosed()) {
            action = FAIL_CLOSED;
        }
        RoutePolicy policy = routePolicy(c, field, rule, tls).withSourceAllowlist(access.allowlist())
                .withCors(access.cors()).withRateLimit(rateLimit);
        int added = 0;
        List<MatchSpec> matches = rule.matches == null ? List.of() : rule.matches;
        for (int m = 0; m < Math.max(1, matches.size()); m++) {
            String matchField = matches.isEmpty() ? field : field + ".matches[" + m + "]";
            RouteMatch match = matches.isEmpty() ? RouteMatch.path(PathMatch.prefix("/"))
                    : match(c, matchField, matches.get(m));
            if (match == null) {
                continue;
            }
            RouteAction matchAction = action;
            List<RouteFilter> filters = access.filters();
            if (access.prefixField() != null && match.path().type() != PathMatch.Type.PREFIX) {
                c.error(access.prefixField(), "ReplacePrefixMatch needs PathPrefix matches, and matches[" + m + "] is "
                        + wireName(matches.get(m).path.type) + "; that match answers 503");
                matchAction = FAIL_CLOSED;
                filters = List.of();
            }
            for (String host : hosts) {
                if (!routes.claim(host, match, c.object, matchField, diagnostics)) {
                    continue;
                }
                String name = routes.uniqueName(c.namespace + "/" + c.name + ":" + host + match.path().value() + "#"
                        + label, match.path().type());
                Route route;
                try {
                    route = new Route(name, c.object, match, matchAction, policy, filters);
                } catch (IllegalArgumentException e) { // the checks above should have caught it: fail closed
                    c.error(field + ".filters", e.getMessage() + "; the rule answers 503");
                    route = new Route(name, c.object, match, FAIL_CLOSED, policy);
                }
                routes.add(host, new RouteCandidate(route, c.rank, i, m));
                added++;
            }
        }
        return added;
    }

    // ---- matches

    private RouteMatch match(Context c, String field, MatchSpec spec) {
        if (spec == null) {
            return RouteMatch.path(PathMatch.prefix("/"));
        }
        int errors = diagnostics.size();
        PathMatch path = path(c, field + ".path", spec.path);
        List<HeaderMatch> headers = values(c, field + ".headers", spec.headers).stream()
                .map(h -> new HeaderMatch(h.name, stringMatch(h.type), h.value)).toList();
        List<QueryParamMatch> query = values(c, field + ".queryParams", spec.queryParams).stream()
                .map(q -> new QueryParamMatch(q.name, stringMatch(q.type), q.value)).toList();
        if (diagnostics.size() > errors || path == null) {
            return null; // a match with a condition left out would accept more than it says
        }
        return new RouteMatch(path, headers, query, spec.method == null ? null : spec.method.name());
    }

    private PathMatch path(Context c, String field, PathMatchSpec spec) {
        if (spec == null) {
            return PathMatch.prefix("/");
        }
        if (spec.type == null) {
            c.error(field + ".type", "type is required: Exact, PathPrefix or RegularExpression");
            return null;
        }
        String value = spec.value;
        if (value == null || !value.startsWith("/")) {
            c.error(field + ".value", "path \"" + (value == null ? "" : value) + "\" must start with \"/\"");
            return null;
        }
        switch (spec.type) {
            case EXACT, PATH_PREFIX -> {
                if (REGEX_META.matcher(value).find() || value.contains("//")) {
                    c.error(field + ".value", "path \"" + value + "\" holds regular-expression characters or '//'; "
                            + "use type RegularExpression for a pattern");
                    return null;
                }
                return spec.type == PathMatchSpec.Type.EXACT ? PathMatch.exact(value) : PathMatch.prefix(value);
            }
            default -> {
                return regex(c, field + ".value", value) ? new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, value)
                        : null;
            }
        }
    }

    /** The header or query conditions that are usable; the others are reported. */
    private List<ValueMatchSpec> values(Context c, String field, List<ValueMatchSpec> specs) {
        List<ValueMatchSpec> usable = new ArrayList<>();
        for (int k = 0; specs != null && k < specs.size(); k++) {
            ValueMatchSpec v = specs.get(k);
            String f = field + "[" + k + "]";
            if (v != null && checkName(c, f, v.name) && checkValue(c, f, v.type, v.value)) {
                usable.add(v);
            }
        }
        return usable;
    }

    private boolean checkName(Context c, String field, String name) {
        if (name == null || !HEADER_NAME.matcher(name).matches()) {
            c.error(field + ".name", "\"" + (name == null ? "" : name) + "\" is not a header or parameter name (a "
                    + "token of letters, digits and !#$%&'*+-.^_`|~)");
            return false;
        }
        return true;
    }

    private boolean checkValue(Context c, String field, StringMatchType type, String value) {
        if (value == null) {
            c.error(field + ".value", "a value is required");
            return false;
        }
        return type != StringMatchType.REGULAR_EXPRESSION || regex(c, field + ".value", value);
    }

    /** True when {@code value} is a regular expression the data plane can compile (Java syntax). */
    private boolean regex(Context c, String field, String value) {
        try {
            Pattern.compile(value);
            return true;
        } catch (PatternSyntaxException e) {
            c.error(field, "\"" + value + "\" is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
            return false;
        }
    }

    private static StringMatch stringMatch(StringMatchType type) {
        return type == StringMatchType.REGULAR_EXPRESSION ? StringMatch.REGULAR_EXPRESSION : StringMatch.EXACT;
    }

    // ---- backends

    private RouteAction action(Context c, String field, List<BackendSpec> specs, ClusterPolicy policy) {
        if (specs == null || specs.isEmpty()) {
            c.error(field + ".backends", "at least one backend is required (or a RequestRedirect filter); the rule "
                    + "answers 503");
            return BackendResolver.UNAVAILABLE;
        }
        List<RouteAction.BackendRef> refs = new ArrayList<>();
        boolean anyResolved = false;
        for (int j = 0; j < specs.size(); j++) {
            String f = field + ".backends[" + j + "]";
            BackendSpec b = specs.get(j);
            if (b == null) {
                c.error(f, "a backend is required");
                continue;
            }
            int weight = b.weight == null ? 1 : Math.max(0, Math.min(MAX_WEIGHT, b.weight));
            if (b.weight != null && b.weight != weight) {
                c.error(f + ".weight", "weight " + b.weight + " is not 0-" + MAX_WEIGHT + "; using " + weight);
            }
            RouteAction resolved = BackendResolver.UNAVAILABLE;
            ServiceBackendPort port = port(c, f + ".port", b.port);
            if (b.name == null || b.name.isEmpty()) {
                c.error(f + ".name", "a Service name is required");
            } else if (port != null) {
                resolved = backends.resolve(c.object, c.namespace, b.name, port, f + ".name",
                        BackendResolver.PortFields.of(f + ".port"), diagnostics, Cluster.Protocol.HTTP1, null, policy);
            }
            if (resolved instanceof RouteAction.Forward forward) {
                anyResolved = true;
                refs.add(new RouteAction.BackendRef(forward.backends().get(0).cluster(), weight));
            } else if (weight > 0) {
                // the share of this backend fails (503) instead of going to the other backends
                refs.add(new RouteAction.BackendRef(backends.unavailableCluster(c.namespace + "/" + b.name + ":"
                        + (b.port == null ? "" : portText(b.port)) + "|unresolved"), weight));
            }
        }
        if (!anyResolved) {
            return BackendResolver.UNAVAILABLE;
        }
        if (refs.stream().allMatch(r -> r.weight() == 0)) {
            c.warning(field + ".backends", "every backend has weight 0; the rule answers 503");
        }
        return new RouteAction.Forward(refs);
    }

    private static ServiceBackendPort port(Context c, String field, IntOrString port) {
        if (port == null || port.getIntVal() == null && (port.getStrVal() == null || port.getStrVal().isEmpty())) {
            c.error(field, "a port number or name is required");
            return null;
        }
        String text = portText(port);
        ServiceBackendPort p = new ServiceBackendPort();
        if (text.chars().allMatch(Character::isDigit)) {
            int n = text.length() > 5 ? 0 : Integer.parseInt(text);
            if (n < 1 || n > 65535) {
                c.error(field, "port " + text + " is not 1-65535");
                return null;
            }
            p.setNumber(n);
        } else {
            p.setName(text);
        }
        return p;
    }

    private static String portText(IntOrString port) {
        return port.getIntVal() != null ? String.valueOf(port.getIntVal()) : port.getStrVal();
    }

    // ---- policies

    private RoutePolicy routePolicy(Context c, String field, RuleSpec rule, Tls tls) {
        TimeoutsSpec t = rule.timeouts;
        Long connect = t == null ? null : millis(c, field + ".timeouts.connect", t.connect, false);
        Long response = t == null ? null : millis(c, field + ".timeouts.response", t.response, false);
        Long webSocketIdle = t == null ? null : millis(c, field + ".timeouts.webSocketIdle", t.webSocketIdle, false);
        Long body = bytes(c, field + ".maxRequestBodySize", rule.maxRequestBodySize, true);
        if (body != null && body == 0) {
            body = Long.MAX_VALUE; // 0: no limit, as ingress-nginx's proxy-body-size says it
        }
        return new RoutePolicy(connect, response, body,
                tls.redirect() ? Boolean.TRUE : null, tls.hsts(), webSocketIdle, retries(c, field + ".retries",
                rule.retries), affinity(c, field + ".sessionAffinity", rule.sessionAffinity),
                cache(c, field + ".cache", rule.cache), compression(c, field + ".compression", rule.compression));
    }

    private Retries retries(Context c, String field, RetriesSpec r) {
        if (r == null) {
            return null;
        }
        List<RetriesSpec.RetryOn> on = r.on == null ? List.of() : r.on;
        try {
            return PolicyDefaults.retries(r.attempts, on.contains(RetriesSpec.RetryOn.FIVE_XX),
                    on.contains(RetriesSpec.RetryOn.RESET), millis(c, field + ".perTryTimeout", r.perTryTimeout, false),
                    r.budgetPercent, r.minRetryConcurrency);
        } catch (IllegalArgumentException e) {
            c.error(field, e.getMessage() + "; the default retries apply");
            return null;
        }
    }

    private SessionAffinity affinity(Context c, String field, SessionAffinitySpec a) {
        if (a == null) {
            return null;
        }
        try {
            return new SessionAffinity(a.cookieName == null ? "" : a.cookieName,
                    seconds(c, field + ".maxAge", a.maxAge), a.path);
        } catch (IllegalArgumentException e) {
            c.error(field + ".cookieName", e.getMessage() + "; no affinity");
            return null;
        }
    }

    private CachePolicy cache(Context c, String field, CacheSpec s) {
        if (s == null) {
            return null;
        }
        Long maxObject = bytes(c, field + ".maxObjectSize", s.maxObjectSize, false);
        return new CachePolicy(seconds(c, field + ".defaultTTL", s.defaultTTL), maxObject,
                seconds(c, field + ".staleWhileRevalidate", s.staleWhileRevalidate),
                seconds(c, field + ".staleIfError", s.staleIfError), Boolean.TRUE.equals(s.storeWithSetCookie),
                s.purgeGeneration == null || s.purgeGeneration < 0 ? 0 : s.purgeGeneration);
    }

    private Compression compression(Context c, String field, CompressionSpec s) {
        if (s == null || Boolean.FALSE.equals(s.enabled)) {
            return null;
        }
        return new Compression(bytes(c, field + ".minSize", s.minSize, true),
                s.contentTypes == null || s.contentTypes.isEmpty() ? null : s.contentTypes.stream()
                        .map(t -> t.trim().toLowerCase(Locale.ROOT)).toList());
    }

    private ClusterPolicy clusterPolicy(Context c, String field, RuleSpec rule) {
        return new ClusterPolicy(loadBalancer(c, field + ".loadBalancer", rule.loadBalancer),
                healthCheck(c, field + ".healthCheck", rule.healthCheck),
                outlierDetection(c, field + ".outlierDetection", rule.outlierDetection),
                millis(c, field + ".drainTimeout", rule.drainTimeout, true),
                millis(c, field + ".slowStart", rule.slowStart, false));
    }

    private ClusterPolicy.LoadBalancer loadBalancer(Context c, String field, LoadBalancerSpec lb) {
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
        boolean hashing = type == ClusterPolicy.LoadBalancer.Type.RING_HASH
                || type == ClusterPolicy.LoadBalancer.Type.MAGLEV;
        ClusterPolicy.HashKey key = lb.hashOn == null ? null : hashKey(c, field + ".hashOn", lb.hashOn);
        if (hashing && key == null) {
            if (lb.hashOn == null) {
                c.error(field + ".hashOn", wireName(lb.type) + " needs hashOn (header, cookie or sourceIP); using round-robin");
            }
            return null;
        }
        if (!hashing && lb.hashOn != null) {
            c.warning(field + ".hashOn", "only RingHash and Maglev hash; ignored for " + wireName(lb.type));
            key = null;
        }
        return new ClusterPolicy.LoadBalancer(type, key);
    }

    private static ClusterPolicy.HashKey hashKey(Context c, String field, RequestKeySpec k) {
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

    private ClusterPolicy.HealthCheck healthCheck(Context c, String field, HealthCheckSpec h) {
        if (h == null) {
            return null;
        }
        if (h.path == null || !h.path.startsWith("/")) {
            c.error(field + ".path", "path \"" + (h.path == null ? "" : h.path) + "\" must start with \"/\"; no "
                    + "health check");
            return null;
        }
        try {
            return PolicyDefaults.healthCheck(h.path, millis(c, field + ".interval", h.interval, false),
                    millis(c, field + ".timeout", h.timeout, false), h.healthyThreshold, h.unhealthyThreshold);
        } catch (IllegalArgumentException e) {
            c.error(field, e.getMessage() + "; no health check");
            return null;
        }
    }

    private ClusterPolicy.OutlierDetection outlierDetection(Context c, String field, OutlierDetectionSpec o) {
        if (o == null) {
            return null;
        }
        try {
            return PolicyDefaults.outlierDetection(o.consecutiveFailures,
                    millis(c, field + ".baseEjectionTime", o.baseEjectionTime, false),
                    millis(c, field + ".maxEjectionTime", o.maxEjectionTime, false), o.maxEjectionPercent);
        } catch (IllegalArgumentException e) {
            c.error(field, e.getMessage() + "; the default outlier detection applies");
            return null;
        }
    }

    // ---- rate limit

    private static final Pattern RATE_PER = Pattern.compile(RateLimitSpec.PER);

    /**
     * The rule's rate limit in {@code zone}, or null when it has none or it cannot be read (reported: without a rate
     * or a period there is no limit to apply). A bad burst or key is reported and gets its default; a bad exempt
     * entry is reported and left out (its clients are limited).
     */
    private static RateLimit rateLimit(Context c, String field, RateLimitSpec s, String zone) {
        if (s == null) {
            return null;
        }
        int errors = c.count();
        if (s.requests == null) {
            c.error(field + ".requests", "requests is required; no rate limit");
        } else if (s.requests < 1 || s.requests > RateLimit.MAX_COUNT) {
            c.error(field + ".requests", s.requests + " is not 1-" + RateLimit.MAX_COUNT + "; no rate limit");
        }
        Long per = ratePeriod(c, field + ".per", s.per);
        if (c.count() > errors) {
            return null;
        }
        long burst = s.requests;
        if (s.burst != null) {
            if (s.burst < 1 || s.burst > RateLimit.MAX_COUNT) {
                c.error(field + ".burst", s.burst + " is not 1-" + RateLimit.MAX_COUNT + "; using requests ("
                        + s.requests + ")");
            } else {
                burst = s.burst;
            }
        }
        List<String> exempt = new ArrayList<>();
        for (int k = 0; s.exempt != null && k < s.exempt.size(); k++) {
            String cidr = s.exempt.get(k) == null ? "" : s.exempt.get(k).trim();
            try {
                dev.breakwater.routing.Cidr.parse(cidr);
                exempt.add(cidr);
            } catch (IllegalArgumentException e) {
                c.error(field + ".exempt[" + k + "]", e.getMessage() + "; not exempt");
            }
        }
        return new RateLimit(s.requests, per, burst, rateLimitKey(c, field + ".key", s.key), exempt, zone);
    }

    /** The period of a rate in milliseconds, or null (reported) when it is missing or not a usable duration. */
    private static Long ratePeriod(Context c, String field, String per) {
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
        if (ms < 1 || ms > RateLimit.MAX_PER_MILLIS) {
            c.error(field, "\"" + per + "\" is not from 1ms to 366 days; no rate limit");
            return null;
        }
        return ms;
    }

    private static RateLimit.Key rateLimitKey(Context c, String field, RateLimitKeySpec k) {
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
    private static Long millis(Context c, String field, String text, boolean zeroAllowed) {
        if (text == null) {
            return null;
        }
        try {
            long ms = Durations.millis(text);
            if (ms == 0 && !zeroAllowed) {
                c.error(field, "\"" + text + "\" must be more than zero; the default applies");
                return null;
            }
            return ms;
        } catch (IllegalArgumentException e) {
            c.error(field, e.getMessage() + "; the default applies");
            return null;
        }
    }

    /** Whole seconds of a duration field (zero allowed), rounded up with a warning; null when absent or unusable. */
    private static Long seconds(Context c, String field, String text) {
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
    private static Long bytes(Context c, String field, Quantity q, boolean zeroAllowed) {
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

    // ---- status

    private static RouteStatusReport report(Context c, Long generation, List<Diagnostic> own, int served) {
        List<Diagnostic> errors = own.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        RouteStatusReport.Condition accepted;
        if (served > 0) {
            accepted = new RouteStatusReport.Condition(RouteStatusReport.ACCEPTED, true, "Accepted", errors.isEmpty()
                    ? "served" : "served in part; left out: " + describe(errors));
        } else if (!errors.isEmpty()) {
            accepted = new RouteStatusReport.Condition(RouteStatusReport.ACCEPTED, false, "Invalid",
                    describe(errors));
        } else {
            accepted = new RouteStatusReport.Condition(RouteStatusReport.ACCEPTED, false, "Conflicted",
                    own.isEmpty() ? "nothing to serve" : describe(own));
        }
        List<Diagnostic> refs = errors.stream().filter(RouteProcessor::isReference).toList();
        RouteStatusReport.Condition resolved = refs.isEmpty()
                ? new RouteStatusReport.Condition(RouteStatusReport.RESOLVED_REFS, true, "ResolvedRefs",
                        "every Service, port and Secret named was found")
                : new RouteStatusReport.Condition(RouteStatusReport.RESOLVED_REFS, false,
                        refs.stream().allMatch(d -> d.field().startsWith("spec.tls")) ? "InvalidCertificateRef"
                                : "BackendNotFound", describe(refs));
        return new RouteStatusReport(c.namespace, c.name, generation, accepted, resolved);
    }

    private static boolean isReference(Diagnostic d) {
        String f = d.field() == null ? "" : d.field();
        return f.equals("spec.tls.secretName")
                || f.contains(".backends[") && (f.endsWith(".name") || f.endsWith(".port"));
    }

    private static String describe(List<Diagnostic> diagnostics) {
        String all = diagnostics.stream().map(d -> d.field() == null ? d.reason() : d.field() + ": " + d.reason())
                .collect(Collectors.joining("; "));
        return all.length() <= 4000 ? all : all.substring(0, 3997) + "...";
    }
}
