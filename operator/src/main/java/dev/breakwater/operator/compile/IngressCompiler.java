package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.annotation.IngressAnnotations;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.StringMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the Ingresses and Routes of a {@link ClusterSnapshot} into a {@link RoutingTable}: the one pure
 * function from snapshot to table (no I/O, no clock, and the same objects in any list order give the same
 * table). Ingresses follow Ingress v1 semantics, read here; Routes ({@code breakwater.dev/v1alpha1}) are read by
 * {@link RouteCompiler}. Both go through the same precedence ({@link RouteCandidate#PRECEDENCE}), backends
 * ({@link BackendResolver}) and certificates ({@link HostCertificates}), objects oldest first, so that where an
 * Ingress and a Route claim the same thing, the older object keeps it.
 *
 * <ul>
 *   <li>Only Ingresses of our IngressClasses are compiled (see {@link CompilerOptions}); the others belong to
 *       another controller and are ignored without a diagnostic.</li>
 *   <li>Hosts become {@link VirtualHost}s: exact names, then {@code *.} wildcards, then the catch-all
 *       {@code *} for rules without a host. Rules of several Ingresses for one host merge.</li>
 *   <li>{@code pathType: Exact} becomes an exact match and {@code Prefix} an element-wise prefix match.
 *       {@code ImplementationSpecific} is treated as {@code Prefix} (and a missing path under it as
 *       {@code /}).</li>
 *   <li>Routes are ordered as {@link RouteCandidate#PRECEDENCE} says (for Ingress paths: longest match first,
 *       Exact before Prefix, then oldest object); an equal match already served by an older object is dropped
 *       with a warning.</li>
 *   <li>The oldest {@code spec.defaultBackend} is the cluster default, the last route of every virtual host;
 *       an Ingress's own default backend is the last route of the hosts named in its rules.</li>
 *   <li>A backend that cannot be resolved (missing Service, unknown port, resource backend) is reported and
 *       its route answers 503, so its requests never fall through to another route.</li>
 *   <li>A canary Ingress ({@code canary: "true"}) claims nothing: each of its paths attaches to the route of the
 *       Ingress (not a canary) with the same host, pathType and path, which then sends requests to the canary's
 *       backend by header, cookie and weight, as ingress-nginx does (see {@link #expand}). Its
 *       {@code spec.defaultBackend} attaches to the cluster's default backend. A canary path without such a route
 *       is reported and gets no requests.</li>
 * </ul>
 */
public final class IngressCompiler {

    private static final Comparator<String> HOST_ORDER = Comparator
            .comparingInt((String host) -> host.equals(VirtualHost.CATCH_ALL) ? 2 : host.startsWith("*.") ? 1 : 0)
            .thenComparing(Comparator.naturalOrder());

    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final BackendResolver backends;
    private final HostRoutes routes = new HostRoutes();
    private final Map<String, Route> hostFallbacks = new HashMap<>();
    private Ingress clusterDefaultOwner;
    private RouteAction clusterDefault;
    private Settings clusterDefaultSettings;
    private Settings current;

    /** Canary Ingresses, oldest first, attached once every other Ingress is compiled. */
    private final List<PendingCanary> canaries = new ArrayList<>();
    /** The routes of Ingresses that are not canaries, by host, pathType and path as written. */
    private final Map<PathKey, MainRoute> mainRoutes = new HashMap<>();
    /** The canary attached to a route, by route name ({@link #CLUSTER_DEFAULT} for the cluster default backend). */
    private final Map<String, CanaryAttachment> canaryByRoute = new HashMap<>();
    private static final String CLUSTER_DEFAULT = "#cluster-default";

    private final TlsSecrets tlsSecrets;
    private final HostCertificates certificates;
    private final Map<String, ClientAuth> clientAuthByHost = new HashMap<>();
    private final Map<String, String> clientAuthOwner = new HashMap<>();
    /** Hosts some Ingress asked client certificates for with a CA that could not be read. */
    private final Set<String> clientAuthFailed = new TreeSet<>();

    private IngressCompiler(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous) {
        this.backends = new BackendResolver(snapshot.services(), snapshot.endpointSlices());
        this.tlsSecrets = new TlsSecrets(snapshot.secrets(), options.now(), previous);
        this.certificates = new HostCertificates(tlsSecrets);
    }

    /** Compiles {@code snapshot}; never throws for bad objects, which are reported as diagnostics instead. */
    public static Compilation compile(ClusterSnapshot snapshot, CompilerOptions options) {
        return compile(snapshot, options, null);
    }

    /**
     * Compiles {@code snapshot}; a Secret that turned bad keeps serving the certificate {@code previous}
     * (the table served so far, may be null) held for it.
     */
    public static Compilation compile(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(options, "options");
        IngressClassFilter classes = new IngressClassFilter(snapshot.ingressClasses(), options);
        List<HasMetadata> ours = new ArrayList<>();
        snapshot.ingresses().stream().filter(IngressCompiler::named).filter(classes::isOurs).forEach(ours::add);
        snapshot.routes().stream().filter(IngressCompiler::named).forEach(ours::add);
        ours.sort(ObjectAge.OLDEST_FIRST);
        IngressCompiler compiler = new IngressCompiler(snapshot, options, previous);
        RouteCompiler routeCompiler = new RouteCompiler(compiler.backends, compiler.routes, compiler.certificates,
                compiler.diagnostics);
        for (int rank = 0; rank < ours.size(); rank++) {
            if (ours.get(rank) instanceof Ingress ingress) {
                compiler.add(ingress, rank);
            } else {
                routeCompiler.add((dev.breakwater.operator.crd.Route) ours.get(rank), rank);
            }
        }
        compiler.attachCanaries();
        return compiler.finish(routeCompiler.statusReports());
    }

    private static boolean named(HasMetadata object) {
        return object.getMetadata() != null && object.getMetadata().getName() != null;
    }

    private void add(Ingress ingress, int rank) {
        IngressSpec spec = ingress.getSpec();
        if (spec == null) {
            return;
        }
        String namespace = namespace(ingress);
        String object = objectName(ingress);
        IngressAnnotations settings = IngressAnnotations.read(object, namespace,
                ingress.getMetadata().getAnnotations(), diagnostics);
        if (settings.canary() != null) {
            canaries.add(new PendingCanary(ingress, settings));
            return;
        }
        Set<String> tlsHosts = addTls(ingress, spec, object, namespace);
        boolean[] backendFailClosed = new boolean[1];
        Cluster.UpstreamTls upstreamTls = upstreamTls(object, settings, backendFailClosed);
        current = new Settings(settings, tlsHosts, upstreamTls,
                backendFailClosed[0] || settings.paths().allowlistInvalid() || settings.authUnsupported(),
                clientAuth(spec, object, settings, tlsHosts), settings.paths().regexPaths(pathValues(spec)));
        RouteAction ownDefault = null;
        if (spec.getDefaultBackend() != null) {
            ownDefault = resolveBackend(object, namespace, spec.getDefaultBackend(), "spec.defaultBackend");
            if (clusterDefault == null) {
                clusterDefault = ownDefault;
                clusterDefaultSettings = current;
                clusterDefaultOwner = ingress;
            } else {
                diagnostics.add(Diagnostic.warning(object, "spec.defaultBackend", "ignored as the cluster default, "
                        + objectName(clusterDefaultOwner) + " is older"));
            }
        }
        List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
        for (int r = 0; r < rules.size(); r++) {
            IngressRule rule = rules.get(r);
            String host = rule.getHost() == null || rule.getHost().isEmpty() ? VirtualHost.CATCH_ALL : rule.getHost();
            if (!host.equals(VirtualHost.CATCH_ALL)) {
                String problem = HostName.problem(host);
                if (problem != null) {
                    diagnostics.add(Diagnostic.error(object, "spec.rules[" + r + "].host", problem));
                    continue;
                }
                if (ownDefault != null && !hostFallbacks.containsKey(host)) {
                    hostFallbacks.put(host, fallback(ingress, host, current.failClosedHosts().contains(host)
                            ? BackendResolver.UNAVAILABLE : ownDefault, current.policyFor(host))
                            .withFilters(current.filtersFor("/")));
                }
            }
            if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                continue;
            }
            List<HTTPIngressPath> paths = rule.getHttp().getPaths();
            for (int p = 0; p < paths.size(); p++) {
                addPath(ingress, rank, host, r, p, paths.get(p));
            }
        }
    }

    private void addPath(Ingress ingress, int rank, String host, int r, int p, HTTPIngressPath path) {
        String object = objectName(ingress);
        String field = "spec.rules[" + r + "].http.paths[" + p + "]";
        PathMatch match = pathMatch(object, field, path);
        if (match == null || !routes.claim(host, RouteMatch.path(match), object, field, diagnostics)) {
            return;
        }
        String written = writtenPath(path);
        List<RouteFilter> filters;
        try {
            filters = current.filtersFor(written);
        } catch (IllegalArgumentException e) {
            diagnostics.add(Diagnostic.error(object, field + ".path", "path \"" + written + "\" cannot be rewritten as "
                    + "rewrite-target says: " + e.getMessage()));
            return;
        }
        RouteAction action = current.failClosedHosts().contains(host) ? BackendResolver.UNAVAILABLE
                : resolveBackend(object, namespace(ingress), path.getBackend(), field + ".backend");
        String name = routes.uniqueName(namespace(ingress) + "/" + ingress.getMetadata().getName() + ":" + host
                + written, match.type());
        Route route = new Route(name, object, RouteMatch.path(match), action, current.policyFor(host), filters);
        routes.add(host, new RouteCandidate(route, rank, r, p));
        mainRoutes.putIfAbsent(new PathKey(host, path.getPathType(), written), new MainRoute(route, current));
    }

    /** The path as the Ingress writes it ({@code /} for an ImplementationSpecific path left out). */
    private static String writtenPath(HTTPIngressPath path) {
        String value = path.getPath();
        return (value == null || value.isEmpty()) && "ImplementationSpecific".equals(path.getPathType()) ? "/" : value;
    }

    /** Every path the Ingress writes, and {@code /} for its own default backend. */
    private static List<String> pathValues(IngressSpec spec) {
        List<String> values = new ArrayList<>();
        if (spec.getDefaultBackend() != null) {
            values.add("/");
        }
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
                rule.getHttp().getPaths().forEach(p -> values.add(Objects.toString(writtenPath(p), "")));
            }
        }
        return values;
    }

    private PathMatch pathMatch(String object, String field, HTTPIngressPath path) {
        String type = path.getPathType();
        if (type == null || type.isEmpty()) {
            diagnostics.add(Diagnostic.error(object, field + ".pathType",
                    "pathType is required: Exact, Prefix or ImplementationSpecific"));
            return null;
        }
        String value = writtenPath(path);
        if (value == null || !value.startsWith("/")) {
            diagnostics.add(Diagnostic.error(object, field + ".path",
                    "path \"" + Objects.toString(value, "") + "\" must start with \"/\""));
            return null;
        }
        switch (type) {
            case "Exact":
                return PathMatch.exact(value);
            case "Prefix":
            case "ImplementationSpecific":
                if (current.regexPaths()) {
                    return regexPath(object, field, value);
                }
                return PathMatch.prefix(value);
            default:
                diagnostics.add(Diagnostic.error(object, field + ".pathType",
                        "pathType \"" + type + "\" is not one of Exact, Prefix, ImplementationSpecific"));
                return null;
        }
    }

    /**
     * A path of an Ingress with {@code use-regex} (or a {@code rewrite-target}): as ingress-nginx's
     * {@code location ~* "^path"}, a case-insensitive regular expression matched from the start of the request
     * path.
     */
    private PathMatch regexPath(String object, String field, String value) {
        try {
            Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            diagnostics.add(Diagnostic.error(object, field + ".path", "path \"" + value + "\" is not a regular "
                    + "expression (the Ingress uses use-regex or rewrite-target): " + e.getDescription()));
            return null;
        }
        return new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "(?i)(?:" + value + ").*");
    }

    private Route fallback(Ingress owner, String host, RouteAction action, RoutePolicy policy) {
        return new Route(namespace(owner) + "/" + owner.getMetadata().getName() + ":" + host + "#default-backend",
                objectName(owner), RouteMatch.path(PathMatch.prefix("/")), action, policy);
    }

    private Compilation finish(List<RouteStatusReport> routeStatuses) {
        TreeSet<String> hosts = new TreeSet<>(HOST_ORDER);
        hosts.addAll(routes.hosts());
        hosts.addAll(hostFallbacks.keySet());
        if (clusterDefault != null) {
            hosts.add(VirtualHost.CATCH_ALL);
        }
        List<VirtualHost> virtualHosts = new ArrayList<>();
        TreeSet<String> clusterNames = new TreeSet<>();
        for (String host : hosts) {
            List<Route> routes = new ArrayList<>();
            for (Route route : this.routes.ordered(host)) {
                expand(route, canaryByRoute.get(route.name()), routes);
            }
            Route fallback = hostFallbacks.get(host);
            if (fallback == null && clusterDefault != null) {
                fallback = fallback(clusterDefaultOwner, host, clusterDefault, RoutePolicy.DEFAULTS);
            }
            if (fallback != null) {
                // a canary of the default backend serves wherever that backend does, as ingress-nginx's
                // alternative backends follow their main backend
                expand(fallback, clusterDefault != null && fallback.action().equals(clusterDefault)
                        ? canaryByRoute.get(CLUSTER_DEFAULT) : null, routes);
            }
            if (clientAuthFailed.contains(host) && !clientAuthByHost.containsKey(host)) {
                // fail closed: no route of this host may serve clients that were meant to be verified
                routes.replaceAll(r -> new Route(r.name(), r.source(), r.match(), BackendResolver.UNAVAILABLE,
                        r.policy()));
            }
            for (Route route : routes) {
                if (route.action() instanceof RouteAction.Forward forward) {
                    forward.backends().forEach(b -> clusterNames.add(b.cluster()));
                }
            }
            virtualHosts.add(new VirtualHost(host, routes, clientAuthByHost.get(host)));
        }
        List<Cluster> clusters = clusterNames.stream().map(backends::cluster).toList();
        return new Compilation(RoutingTable.of(virtualHosts, clusters, certificates.certificates()), diagnostics,
                routeStatuses);
    }

    // ---------------------------------------------------------------- canaries

    /** A canary Ingress and its annotations, waiting for every other Ingress to be compiled. */
    private record PendingCanary(Ingress ingress, IngressAnnotations annotations) {
    }

    /** Where ingress-nginx looks for a canary path's main route: one host, pathType and path as written. */
    private record PathKey(String host, String pathType, String path) {
    }

    /** The route of an Ingress path that is not a canary, and its Ingress's settings. */
    private record MainRoute(Route route, Settings settings) {
    }

    /**
     * A canary attached to a route.
     *
     * @param object  the canary Ingress, as {@code Ingress/namespace/name}
     * @param cluster the cluster of its backend
     * @param canary  how requests are sent to it
     */
    private record CanaryAttachment(String object, String cluster, dev.breakwater.operator.annotation.Canary canary) {
    }

    /**
     * Attaches each canary Ingress's paths to the routes of the Ingresses that are not canaries (oldest canary
     * first: one canary per route, as ingress-nginx applies one).
     */
    private void attachCanaries() {
        for (PendingCanary pending : canaries) {
            Ingress ingress = pending.ingress();
            IngressSpec spec = ingress.getSpec();
            String object = objectName(ingress);
            String namespace = namespace(ingress);
            if (spec.getTls() != null && !spec.getTls().isEmpty()) {
                diagnostics.add(Diagnostic.warning(object, "spec.tls", "ignored on a canary Ingress: its hosts are "
                        + "served with the main Ingress's TLS (as in ingress-nginx)"));
            }
            if (spec.getDefaultBackend() != null) {
                if (clusterDefault == null) {
                    diagnostics.add(Diagnostic.error(object, "spec.defaultBackend", "no Ingress that is not a canary "
                            + "has a spec.defaultBackend for this canary to attach to: it gets no requests"));
                } else {
                    attach(pending, namespace, "spec.defaultBackend", "the cluster default backend of "
                                    + objectName(clusterDefaultOwner), CLUSTER_DEFAULT, clusterDefault,
                            clusterDefaultSettings, spec.getDefaultBackend());
                }
            }
            List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
            for (int r = 0; r < rules.size(); r++) {
                IngressRule rule = rules.get(r);
                String host = rule.getHost() == null || rule.getHost().isEmpty() ? VirtualHost.CATCH_ALL
                        : rule.getHost();
                if (!host.equals(VirtualHost.CATCH_ALL) && HostName.problem(host) != null) {
                    diagnostics.add(Diagnostic.error(object, "spec.rules[" + r + "].host", HostName.problem(host)));
                    continue;
                }
                List<HTTPIngressPath> paths = rule.getHttp() == null || rule.getHttp().getPaths() == null ? List.of()
                        : rule.getHttp().getPaths();
                for (int p = 0; p < paths.size(); p++) {
                    HTTPIngressPath path = paths.get(p);
                    String field = "spec.rules[" + r + "].http.paths[" + p + "]";
                    String written = writtenPath(path);
                    String where = "host " + (host.equals(VirtualHost.CATCH_ALL) ? "(any)" : host) + ", path "
                            + written + " (" + path.getPathType() + ")";
                    MainRoute main = mainRoutes.get(new PathKey(host, path.getPathType(), written));
                    if (main == null) {
                        diagnostics.add(Diagnostic.error(object, field, "no Ingress that is not a canary serves "
                                + where + ": the canary has no route to attach to and gets no requests (ingress-nginx "
                                + "drops such a canary too)"));
                        continue;
                    }
                    attach(pending, namespace, field, where, main.route().name(), main.route().action(),
                            main.settings(), path.getBackend());
                }
            }
        }
    }

    /**
     * Attaches a canary backend to the route (or default backend) named {@code key}: resolved with the main
     * Ingress's protocol and TLS to backends, which its paths take, and the canary's own balancing and health.
     */
    private void attach(PendingCanary pending, String namespace, String field, String where, String key,
                        RouteAction mainAction, Settings mainSettings, IngressBackend backend) {
        String object = objectName(pending.ingress());
        CanaryAttachment existing = canaryByRoute.get(key);
        if (existing != null) {
            diagnostics.add(Diagnostic.warning(object, field, where + " already has the canary " + existing.object()
                    + ", which is older: one canary per path, as in ingress-nginx; this one gets no requests"));
            return;
        }
        if (!(mainAction instanceof RouteAction.Forward mainForward)) {
            diagnostics.add(Diagnostic.error(object, field, where + ": the main Ingress's route answers "
                    + ((RouteAction.FixedResponse) mainAction).status() + " (see its own diagnostics), so its "
                    + "canary gets no requests"));
            return;
        }
        RouteAction resolved = backends.resolve(object, namespace, backend, field + ".backend", diagnostics,
                mainSettings.annotations().protocol(), mainSettings.upstreamTls(), pending.annotations().cluster());
        if (!(resolved instanceof RouteAction.Forward canaryForward)) {
            return; // reported by the resolver; as in ingress-nginx, a canary without backend is dropped
        }
        String cluster = canaryForward.backends().get(0).cluster();
        if (mainForward.backends().stream().anyMatch(b -> b.cluster().equals(cluster))) {
            diagnostics.add(Diagnostic.warning(object, field, where + ": the canary's backend is the main route's "
                    + "own (" + cluster + "): nothing to split"));
            return;
        }
        canaryByRoute.put(key, new CanaryAttachment(object, cluster, pending.annotations().canary()));
    }

    /**
     * Adds {@code route} to {@code out}, or, when a canary is attached to it, the routes that decide between the
     * canary and the main backend, first match first, as ingress-nginx's balancer decides: the canary's header
     * (its value, its pattern, or {@code always}; {@code never} keeps the main backend), then its cookie
     * ({@code always}, {@code never}), then the route itself with its backend split by the canary weight.
     */
    private void expand(Route route, CanaryAttachment attached, List<Route> out) {
        if (attached == null || !(route.action() instanceof RouteAction.Forward main)) {
            out.add(route);
            return;
        }
        dev.breakwater.operator.annotation.Canary canary = attached.canary();
        RouteAction toCanary = RouteAction.Forward.to(attached.cluster());
        if (canary.header() != null) {
            if (canary.headerValue() != null) {
                out.add(variant(route, "#canary-by-header", attached.object(), new HeaderMatch(canary.header(),
                        StringMatch.EXACT, canary.headerValue()), toCanary));
            } else if (canary.headerPattern() != null) {
                out.add(variant(route, "#canary-by-header", attached.object(), new HeaderMatch(canary.header(),
                        StringMatch.REGULAR_EXPRESSION, dev.breakwater.operator.annotation.Canary.searchRegex(
                                canary.headerPattern())), toCanary));
            } else {
                out.add(variant(route, "#canary-by-header", attached.object(), new HeaderMatch(canary.header(),
                        StringMatch.EXACT, dev.breakwater.operator.annotation.Canary.ALWAYS), toCanary));
                out.add(variant(route, "#canary-by-header-never", route.source(), new HeaderMatch(canary.header(),
                        StringMatch.EXACT, dev.breakwater.operator.annotation.Canary.NEVER), main));
            }
        }
        if (canary.cookie() != null) {
            out.add(variant(route, "#canary-by-cookie", attached.object(), new HeaderMatch("cookie",
                    StringMatch.REGULAR_EXPRESSION, dev.breakwater.operator.annotation.Canary.cookieRegex(
                            canary.cookie(), dev.breakwater.operator.annotation.Canary.ALWAYS)), toCanary));
            out.add(variant(route, "#canary-by-cookie-never", route.source(), new HeaderMatch("cookie",
                    StringMatch.REGULAR_EXPRESSION, dev.breakwater.operator.annotation.Canary.cookieRegex(
                            canary.cookie(), dev.breakwater.operator.annotation.Canary.NEVER)), main));
        }
        if (canary.weight() == 0) {
            out.add(route);
            return;
        }
        String mainCluster = main.backends().get(0).cluster();
        out.add(route.withAction(new RouteAction.Forward(List.of(
                new RouteAction.BackendRef(mainCluster, canary.weightTotal() - canary.weight()),
                new RouteAction.BackendRef(attached.cluster(), canary.weight())))));
    }

    /** {@code route} with one more header condition and another action, under a name of its own. */
    private Route variant(Route route, String suffix, String source, HeaderMatch header, RouteAction action) {
        List<HeaderMatch> headers = new ArrayList<>(route.match().headers());
        headers.add(header);
        RouteMatch match = new RouteMatch(route.match().path(), headers, route.match().queryParams(),
                route.match().method());
        return new Route(routes.uniqueName(route.name() + suffix, PathMatch.Type.PREFIX), source, match, action,
                route.policy(), route.filters());
    }

    /**
     * What one Ingress's annotations and TLS section say about its routes and backends.
     *
     * @param backendFailClosed its routes answer 503: a backend CA or the source allowlist could not be read
     * @param regexPaths        its Prefix and ImplementationSpecific paths are regular expressions
     */
    private record Settings(IngressAnnotations annotations, Set<String> tlsHosts, Cluster.UpstreamTls upstreamTls,
                            boolean backendFailClosed, Set<String> failClosedHosts, boolean regexPaths) {

        /** The policy of this Ingress's routes on {@code host}. */
        RoutePolicy policyFor(String host) {
            boolean redirect = annotations.forceSslRedirect()
                    || !Boolean.FALSE.equals(annotations.sslRedirect()) && tlsHosts.contains(host);
            return annotations.route().withHttpsRedirect(redirect ? Boolean.TRUE : null);
        }

        /**
         * The filters of this Ingress's route for a path as written: its redirect, or the rewrite of a path
         * other than the target (nginx's {@code rewrite "(?i)path" target}) with its X-Forwarded-Prefix.
         *
         * @throws IllegalArgumentException when the path cannot be the rewrite's regular expression
         */
        List<RouteFilter> filtersFor(String path) {
            IngressAnnotations.Paths p = annotations.paths();
            if (backendFailClosed) {
                return List.of();
            }
            if (p.redirect() != null) {
                return List.of(p.redirect());
            }
            if (p.rewriteTarget() == null || p.rewriteTarget().equals(path)) {
                return List.of();
            }
            RouteFilter rewrite = new RouteFilter.URLRewrite(null, PathModifier.regex("(?i)" + path, p.rewriteTarget()));
            if (p.forwardedPrefix() == null) {
                return List.of(rewrite);
            }
            return List.of(rewrite, new RouteFilter.RequestHeaderModifier(
                    List.of(new RouteFilter.Header("X-Forwarded-Prefix", p.forwardedPrefix())), null, null));
        }
    }

    private RouteAction resolveBackend(String object, String namespace, IngressBackend backend, String field) {
        if (current.backendFailClosed()) {
            return BackendResolver.UNAVAILABLE;
        }
        IngressAnnotations a = current.annotations();
        return backends.resolve(object, namespace, backend, field, diagnostics, a.protocol(), current.upstreamTls(),
                a.cluster());
    }

    /** The hosts of an Ingress's rules (lower case, without the catch-all). */
    private static List<String> ruleHosts(IngressSpec spec) {
        List<String> hosts = new ArrayList<>();
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            if (rule.getHost() != null && !rule.getHost().isEmpty()) {
                hosts.add(rule.getHost().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return hosts;
    }

    /**
     * Reads {@code spec.tls}: each Secret's certificate, checked, for the hosts it lists (all the rules' hosts
     * when it lists none). A host keeps the certificate of the oldest Ingress that names it.
     *
     * @return the hosts this Ingress says are served over TLS
     */
    private Set<String> addTls(Ingress ingress, IngressSpec spec, String object, String namespace) {
        Set<String> tlsHosts = new TreeSet<>();
        List<IngressTLS> sections = spec.getTls() == null ? List.of() : spec.getTls();
        for (int i = 0; i < sections.size(); i++) {
            IngressTLS t = sections.get(i);
            String field = "spec.tls[" + i + "]";
            List<String> hosts = t.getHosts() == null || t.getHosts().isEmpty() ? ruleHosts(spec)
                    : t.getHosts().stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
            tlsHosts.addAll(hosts);
            if (t.getSecretName() == null || t.getSecretName().isEmpty()) {
                diagnostics.add(Diagnostic.warning(object, field + ".secretName",
                        "no secretName: " + hosts + " get the default certificate"));
                continue;
            }
            certificates.use(object, namespace + "/" + t.getSecretName(), hosts, field + ".secretName",
                    field + ".hosts", diagnostics);
        }
        return tlsHosts;
    }

    /** Verification of TLS backends, from the CA Secret an annotation names; null when not asked for. */
    private Cluster.UpstreamTls upstreamTls(String object, IngressAnnotations a, boolean[] failClosed) {
        if (!a.protocol().tls()) {
            return null;
        }
        if (a.backendCaSecret() != null && a.backendVerify()) {
            try {
                return new Cluster.UpstreamTls(tlsSecrets.caBundle(a.backendCaSecret()), a.backendServerName());
            } catch (IllegalArgumentException e) {
                diagnostics.add(Diagnostic.error(object, "metadata.annotations['" + a.backendCaKey()
                        + "']", e.getMessage() + "; its routes answer 503 rather than talk to "
                        + "endpoints that cannot be verified"));
                failClosed[0] = true;
                return null;
            }
        }
        return a.backendServerName() == null ? null : new Cluster.UpstreamTls(null, a.backendServerName());
    }

    /**
     * Client certificates for this Ingress's TLS hosts, from the CA Secret an annotation names.
     *
     * @return hosts whose CA could not be read: their routes answer 503 rather than serve unverified clients
     */
    private Set<String> clientAuth(IngressSpec spec, String object, IngressAnnotations a, Set<String> tlsHosts) {
        if (a.clientCaSecret() == null) {
            return Set.of();
        }
        String field = "metadata.annotations['" + a.clientCaKey() + "']";
        ClientAuth auth = null;
        try {
            auth = new ClientAuth(tlsSecrets.caBundle(a.clientCaSecret()), a.clientCertRequired());
        } catch (IllegalArgumentException e) {
            diagnostics.add(Diagnostic.error(object, field, e.getMessage()
                    + "; its TLS hosts answer 503 rather than serve clients that cannot be verified"));
        }
        Set<String> failClosed = new TreeSet<>();
        if (auth == null) {
            clientAuthFailed.addAll(ruleHosts(spec).stream().filter(tlsHosts::contains).toList());
        }
        for (String h : ruleHosts(spec)) {
            if (!tlsHosts.contains(h)) {
                diagnostics.add(Diagnostic.warning(object, field, "host " + h + " has no TLS (spec.tls), so no "
                        + "client certificate can be asked for it"));
                continue;
            }
            if (auth == null) {
                failClosed.add(h);
                continue;
            }
            ClientAuth existing = clientAuthByHost.get(h);
            if (existing == null) {
                clientAuthByHost.put(h, auth);
                clientAuthOwner.put(h, object);
            } else if (!existing.equals(auth)) {
                diagnostics.add(Diagnostic.warning(object, field, "host " + h + " already asks for client "
                        + "certificates as " + clientAuthOwner.get(h) + " (older) says; this one is not used"));
            }
        }
        return failClosed;
    }

    private static String namespace(Ingress ingress) {
        String namespace = ingress.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    private static String objectName(Ingress ingress) {
        return "Ingress/" + namespace(ingress) + "/" + ingress.getMetadata().getName();
    }

}
