package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.policy.TlsPolicies;
import dev.breakwater.operator.crd.BackendSpec;
import dev.breakwater.operator.crd.Formats;
import dev.breakwater.operator.crd.MatchSpec;
import dev.breakwater.operator.crd.MirrorSpec;
import dev.breakwater.operator.crd.PathMatchSpec;
import dev.breakwater.operator.crd.RouteSpec;
import dev.breakwater.operator.crd.RuleSpec;
import dev.breakwater.operator.crd.StringMatchType;
import dev.breakwater.operator.crd.TlsSpec;
import dev.breakwater.operator.crd.ValueMatchSpec;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.QueryParamMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RequestMirror;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.StringMatch;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
            "route unavailable: its filters, source allowlist or authentication cannot be used\n");
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
    private final RouteListeners listeners;

    /** @param listeners where the Routes' {@code spec.listeners} go */
    RouteProcessor(TableBuilder table, RouteListeners listeners) {
        this.table = table;
        this.listeners = listeners;
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
        RouteContext c = new RouteContext("Route/" + namespace + "/" + name, namespace, name, rank, diagnostics);
        int first = diagnostics.size();
        int served = 0;
        RouteSpec spec = route.getSpec();
        if (spec == null) {
            c.error("spec", "spec is required");
        } else {
            List<String> hosts = hostnames(c, spec.hostnames);
            List<RuleSpec> rules = spec.rules == null ? List.of() : spec.rules;
            if (rules.isEmpty() && (spec.listeners == null || spec.listeners.isEmpty())) {
                c.error("spec.rules", "at least one rule (or listener) is required");
            }
            served += listeners.add(c, spec.listeners);
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

    // ---- hosts and TLS

    /** The valid hostnames, lower case, without repeats; {@code [*]} when none are named; empty when none is valid. */
    private List<String> hostnames(RouteContext c, List<String> hostnames) {
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

    private Tls tls(RouteContext c, TlsSpec tls, List<String> hosts) {
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
            Long maxAge = tls.hsts.maxAgeSeconds;
            if (maxAge != null && maxAge < 0) {
                c.error("spec.tls.hsts.maxAgeSeconds", maxAge + " is negative; using "
                        + TlsPolicies.HSTS_MAX_AGE_SECONDS);
                maxAge = null;
            }
            hsts = TlsPolicies.hsts(maxAge, Boolean.TRUE.equals(tls.hsts.includeSubDomains),
                    Boolean.TRUE.equals(tls.hsts.preload));
        }
        return new Tls(!Boolean.FALSE.equals(tls.redirectHttp), hsts);
    }

    // ---- rules

    /** Adds the routes of rule {@code i} on every host; returns how many were added. */
    private int addRule(RouteContext c, int i, RuleSpec rule, List<String> hosts, Tls tls) {
        String field = "spec.rules[" + i + "]";
        if (rule == null) {
            c.error(field, "a rule is required");
            return 0;
        }
        RouteFilters access = RouteFilters.read(field, rule.filters, rule.sourceAllowlist, rule.cors, c::error,
                (f, text) -> RoutePolicies.seconds(c, f, text));
        String label = rule.name != null && !rule.name.isEmpty() ? rule.name : String.valueOf(i);
        RateLimit rateLimit = RoutePolicies.rateLimit(c, field + ".rateLimit", rule.rateLimit, c.object + "#" + label);
        ClusterPolicy clusterPolicy = RoutePolicies.clusterPolicy(c, field, rule);
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
        RouteAuth.Result auth = RouteAuth.read(c, field, rule.forwardAuth, rule.basicAuth, table.tlsSecrets(),
                diagnostics);
        if (access.failClosed() || auth.failClosed()) {
            action = FAIL_CLOSED;
        }
        RoutePolicy policy = RoutePolicies.routePolicy(c, field, rule, tls.redirect(), tls.hsts()).toBuilder()
                .sourceAllowlist(access.allowlist()).cors(access.cors()).rateLimit(rateLimit)
                .externalAuth(auth.external()).basicAuth(auth.basic()).digestAuth(auth.digest())
                .mirror(action instanceof RouteAction.Forward ? mirror(c, field + ".mirror", rule.mirror) : null)
                .build();
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
                        + RouteFilters.wireName(matches.get(m).path.type) + "; that match answers 503");
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

    private RouteMatch match(RouteContext c, String field, MatchSpec spec) {
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

    private PathMatch path(RouteContext c, String field, PathMatchSpec spec) {
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
    private List<ValueMatchSpec> values(RouteContext c, String field, List<ValueMatchSpec> specs) {
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

    private boolean checkName(RouteContext c, String field, String name) {
        if (name == null || !HEADER_NAME.matcher(name).matches()) {
            c.error(field + ".name", "\"" + (name == null ? "" : name) + "\" is not a header or parameter name (a "
                    + "token of letters, digits and !#$%&'*+-.^_`|~)");
            return false;
        }
        return true;
    }

    private boolean checkValue(RouteContext c, String field, StringMatchType type, String value) {
        if (value == null) {
            c.error(field + ".value", "a value is required");
            return false;
        }
        return type != StringMatchType.REGULAR_EXPRESSION || regex(c, field + ".value", value);
    }

    /** True when {@code value} is a regular expression the data plane can compile (Java syntax). */
    private boolean regex(RouteContext c, String field, String value) {
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

    private RouteAction action(RouteContext c, String field, List<BackendSpec> specs, ClusterPolicy policy) {
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

    /** The rule's request mirror, its Service resolved to a cluster; null when it has none or it cannot resolve. */
    private RequestMirror mirror(RouteContext c, String field, MirrorSpec spec) {
        if (spec == null) {
            return null;
        }
        ServiceBackendPort port = port(c, field + ".port", spec.port);
        if (spec.name == null || spec.name.isEmpty() || port == null) {
            c.warning(field, "a Service name and port are required; nothing is mirrored");
            return null;
        }
        RouteAction resolved = backends.resolve(c.object, c.namespace, spec.name, port, field + ".name",
                BackendResolver.PortFields.of(field + ".port"), diagnostics, Cluster.Protocol.HTTP1, null,
                ClusterPolicy.DEFAULTS);
        if (!(resolved instanceof RouteAction.Forward forward)) {
            return null;
        }
        return RequestMirror.to(forward.backends().get(0).cluster()).withHost(spec.host)
                .withRequestBody(!Boolean.FALSE.equals(spec.requestBody));
    }

    static ServiceBackendPort port(RouteContext c, String field, IntOrString port) {
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

    // ---- status

    private static RouteStatusReport report(RouteContext c, Long generation, List<Diagnostic> own, int served) {
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
