package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles the Ingresses of a {@link ClusterSnapshot} into a {@link RoutingTable}, following Ingress v1
 * semantics. A pure function: no I/O, no clock, and the same objects in any list order give the same table.
 *
 * <ul>
 *   <li>Only Ingresses of our IngressClasses are compiled (see {@link CompilerOptions}); the others belong to
 *       another controller and are ignored without a diagnostic.</li>
 *   <li>Hosts become {@link VirtualHost}s: exact names, then {@code *.} wildcards, then the catch-all
 *       {@code *} for rules without a host. Rules of several Ingresses for one host merge.</li>
 *   <li>{@code pathType: Exact} becomes an exact match and {@code Prefix} an element-wise prefix match.
 *       {@code ImplementationSpecific} is treated as {@code Prefix} (and a missing path under it as
 *       {@code /}).</li>
 *   <li>Routes are ordered longest match first, Exact before Prefix, then oldest Ingress; an equal match
 *       already served by an older Ingress is dropped with a warning.</li>
 *   <li>The oldest {@code spec.defaultBackend} is the cluster default, the last route of every virtual host;
 *       an Ingress's own default backend is the last route of the hosts named in its rules.</li>
 *   <li>A backend that cannot be resolved (missing Service, unknown port, resource backend) is reported and
 *       its route answers 503, so its requests never fall through to another route.</li>
 * </ul>
 */
public final class IngressCompiler {

    private static final Comparator<String> HOST_ORDER = Comparator
            .comparingInt((String host) -> host.equals(VirtualHost.CATCH_ALL) ? 2 : host.startsWith("*.") ? 1 : 0)
            .thenComparing(Comparator.naturalOrder());

    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final BackendResolver backends;
    private final Map<String, List<RouteCandidate>> routesByHost = new HashMap<>();
    private final Map<MatchKey, Claim> claims = new HashMap<>();
    private final Set<String> routeNames = new HashSet<>();
    private final Map<String, Route> hostFallbacks = new HashMap<>();
    private Ingress clusterDefaultOwner;
    private RouteAction clusterDefault;

    private IngressCompiler(ClusterSnapshot snapshot) {
        this.backends = new BackendResolver(snapshot.services(), snapshot.endpointSlices());
    }

    /** Compiles {@code snapshot}; never throws for bad objects, which are reported as diagnostics instead. */
    public static Compilation compile(ClusterSnapshot snapshot, CompilerOptions options) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(options, "options");
        IngressClassFilter classes = new IngressClassFilter(snapshot.ingressClasses(), options);
        List<Ingress> ours = snapshot.ingresses().stream()
                .filter(i -> i.getMetadata() != null && i.getMetadata().getName() != null)
                .filter(classes::isOurs)
                .sorted(IngressAge.OLDEST_FIRST)
                .toList();
        IngressCompiler compiler = new IngressCompiler(snapshot);
        for (int rank = 0; rank < ours.size(); rank++) {
            compiler.add(ours.get(rank), rank);
        }
        return compiler.finish();
    }

    private void add(Ingress ingress, int rank) {
        IngressSpec spec = ingress.getSpec();
        if (spec == null) {
            return;
        }
        String namespace = namespace(ingress);
        String object = objectName(ingress);
        RouteAction ownDefault = null;
        if (spec.getDefaultBackend() != null) {
            ownDefault = backends.resolve(object, namespace, spec.getDefaultBackend(), "spec.defaultBackend",
                    diagnostics);
            if (clusterDefault == null) {
                clusterDefault = ownDefault;
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
                    hostFallbacks.put(host, fallback(ingress, host, ownDefault));
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
        if (match == null) {
            return;
        }
        MatchKey key = new MatchKey(host, match.type(),
                match.type() == PathMatch.Type.PREFIX ? match.normalizedPrefix() : match.value());
        Claim owner = claims.get(key);
        if (owner != null) {
            diagnostics.add(Diagnostic.warning(object, field, owner.object().equals(object)
                    ? "duplicates " + owner.field() + " (the same host, path type and path), which serves it"
                    : "conflicts with " + owner.object() + ", which is older and serves it"));
            return;
        }
        claims.put(key, new Claim(object, field));
        RouteAction action = backends.resolve(object, namespace(ingress), path.getBackend(), field + ".backend",
                diagnostics);
        String name = uniqueName(namespace(ingress) + "/" + ingress.getMetadata().getName() + ":" + host + match.value(),
                match.type());
        Route route = new Route(name, object, RouteMatch.path(match), action, RoutePolicy.DEFAULTS);
        routesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(new RouteCandidate(route, rank, r, p));
    }

    private PathMatch pathMatch(String object, String field, HTTPIngressPath path) {
        String type = path.getPathType();
        if (type == null || type.isEmpty()) {
            diagnostics.add(Diagnostic.error(object, field + ".pathType",
                    "pathType is required: Exact, Prefix or ImplementationSpecific"));
            return null;
        }
        String value = path.getPath();
        if ((value == null || value.isEmpty()) && type.equals("ImplementationSpecific")) {
            value = "/";
        }
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
                return PathMatch.prefix(value);
            default:
                diagnostics.add(Diagnostic.error(object, field + ".pathType",
                        "pathType \"" + type + "\" is not one of Exact, Prefix, ImplementationSpecific"));
                return null;
        }
    }

    private String uniqueName(String base, PathMatch.Type type) {
        String name = base;
        if (routeNames.contains(name) && type == PathMatch.Type.EXACT) {
            name = base + "#exact";
        }
        for (int n = 2; routeNames.contains(name); n++) {
            name = base + "#" + n;
        }
        routeNames.add(name);
        return name;
    }

    private Route fallback(Ingress owner, String host, RouteAction action) {
        return new Route(namespace(owner) + "/" + owner.getMetadata().getName() + ":" + host + "#default-backend",
                objectName(owner), RouteMatch.path(PathMatch.prefix("/")), action, RoutePolicy.DEFAULTS);
    }

    private Compilation finish() {
        TreeSet<String> hosts = new TreeSet<>(HOST_ORDER);
        hosts.addAll(routesByHost.keySet());
        hosts.addAll(hostFallbacks.keySet());
        if (clusterDefault != null) {
            hosts.add(VirtualHost.CATCH_ALL);
        }
        List<VirtualHost> virtualHosts = new ArrayList<>();
        TreeSet<String> clusterNames = new TreeSet<>();
        for (String host : hosts) {
            List<Route> routes = new ArrayList<>();
            routesByHost.getOrDefault(host, List.of()).stream()
                    .sorted(RouteCandidate.PRECEDENCE)
                    .forEach(c -> routes.add(c.route()));
            Route fallback = hostFallbacks.get(host);
            if (fallback == null && clusterDefault != null) {
                fallback = fallback(clusterDefaultOwner, host, clusterDefault);
            }
            if (fallback != null) {
                routes.add(fallback);
            }
            for (Route route : routes) {
                if (route.action() instanceof RouteAction.Forward forward) {
                    forward.backends().forEach(b -> clusterNames.add(b.cluster()));
                }
            }
            virtualHosts.add(new VirtualHost(host, routes));
        }
        List<Cluster> clusters = clusterNames.stream().map(backends::cluster).toList();
        return new Compilation(RoutingTable.of(virtualHosts, clusters), diagnostics);
    }

    private static String namespace(Ingress ingress) {
        String namespace = ingress.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    private static String objectName(Ingress ingress) {
        return "Ingress/" + namespace(ingress) + "/" + ingress.getMetadata().getName();
    }

    /** What makes two paths equal matches: one host, one type, one normalized path. */
    private record MatchKey(String host, PathMatch.Type type, String path) {
    }

    /** Who serves a match first. */
    private record Claim(String object, String field) {
    }
}
