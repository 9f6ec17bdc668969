package dev.breakwater.operator.compile;

import dev.breakwater.operator.annotation.IngressSettings;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ErrorPages;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.RequestMirror;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes an Ingress's host annotations add beside its paths, and what they add to its paths: its aliases
 * ({@code server-alias}), the redirect of the other www name ({@code from-to-www-redirect}, 308), the redirect of
 * {@code /} ({@code app-root}, 302), its error pages ({@code custom-http-errors}, {@code default-backend}), and, for
 * Ingresses of class nginx, nginx's redirect of a path without its trailing slash (301) when only the slashed one is
 * served, on hosts whose paths are not regular expressions.
 */
final class IngressHostRoutes {

    /** The action of a route that only redirects: its filter answers, so this is never sent. */
    private static final RouteAction REDIRECTED = new RouteAction.FixedResponse(404, "");

    private final TableBuilder table;
    private final NginxServers servers;
    private final String defaultBackendService;
    /** Per host: the Exact and Prefix values served (as matched), and the slashed paths that may redirect. */
    private final Map<String, Set<String>> served = new HashMap<>();
    private final Map<String, List<Route>> slashed = new HashMap<>();

    private Ingress ingress;
    private String object;
    private String namespace;
    private IngressProcessor.Settings settings;
    private String errorCluster;
    private RequestMirror mirror;
    private final Set<String> warnedAliases = new HashSet<>();
    private final Set<String> ingressHosts = new LinkedHashSet<>();

    IngressHostRoutes(TableBuilder table, NginxServers servers, String defaultBackendService) {
        this.table = table;
        this.servers = servers;
        this.defaultBackendService = defaultBackendService;
    }

    /** The Ingress whose rules come next. */
    void startIngress(Ingress next, String objectName, IngressProcessor.Settings nextSettings) {
        ingress = next;
        object = objectName;
        namespace = Compiler.namespace(next);
        settings = nextSettings;
        warnedAliases.clear();
        ingressHosts.clear();
        errorCluster = errorCluster(settings.annotations().host());
        mirror = mirror(settings.annotations().mirror());
    }

    /** The names a rule for {@code host} is served under: the host, then its aliases no rule names. */
    List<String> namesOf(String host) {
        List<String> names = new ArrayList<>();
        names.add(host);
        if (host.equals(VirtualHost.CATCH_ALL)) {
            return names;
        }
        ingressHosts.add(host);
        IngressSettings.Host h = settings.annotations().host();
        for (String alias : h.aliases()) {
            if (servers.isRuleHost(alias) || alias.equals(host)) {
                table.touch(alias);
                if (warnedAliases.add(alias)) {
                    table.warning(object, "metadata.annotations['" + aliasKey() + "']", "alias " + alias
                            + " is a host of an Ingress rule, which serves it; this alias is left out (as in "
                            + "ingress-nginx)");
                }
                continue;
            }
            names.add(alias);
        }
        return names;
    }

    /** The policy of a path, with the Ingress's error pages when it has them and the path forwards. */
    RoutePolicy withErrorPages(RoutePolicy policy, RouteAction action, IngressBackend backend) {
        if (errorCluster == null || !(action instanceof RouteAction.Forward) || backend == null
                || backend.getService() == null) {
            return policy;
        }
        ServiceBackendPort port = backend.getService().getPort();
        String portText = port == null ? "" : port.getNumber() != null && port.getNumber() != 0
                ? String.valueOf(port.getNumber()) : String.valueOf(port.getName());
        return policy.toBuilder().errorPages(new ErrorPages(settings.annotations().host().errorCodes(), errorCluster,
                namespace, ingress.getMetadata().getName(), backend.getService().getName(), portText)).build();
    }

    /** The policy of a path, with the Ingress's request mirror when it has one and the path forwards. */
    RoutePolicy withMirror(RoutePolicy policy, RouteAction action) {
        if (mirror == null || !(action instanceof RouteAction.Forward)) {
            return policy;
        }
        return policy.toBuilder().mirror(mirror).build();
    }

    /** The Ingress's mirror ({@code mirror-target}), its Service resolved to a cluster; null (warned) when none. */
    private RequestMirror mirror(IngressSettings.Mirror m) {
        if (m == null) {
            return null;
        }
        String field = "metadata.annotations['" + m.targetKey() + "']";
        if (m.namespace() != null && !m.namespace().equals(namespace)) {
            table.warning(object, field, "Service " + m.namespace() + "/" + m.service() + " is not in the Ingress's "
                    + "namespace (" + namespace + "); Breakwater mirrors to Services of the Ingress's namespace only; "
                    + "nothing is mirrored");
            return null;
        }
        BackendResolver backends = table.backends();
        Service service = backends.service(namespace + "/" + m.service());
        List<ServicePort> ports = service == null || service.getSpec() == null || service.getSpec().getPorts()
                == null ? List.of() : service.getSpec().getPorts();
        if (ports.isEmpty()) {
            table.warning(object, field, "Service " + namespace + "/" + m.service() + (service == null
                    ? " does not exist" : " has no port") + "; nothing is mirrored");
            return null;
        }
        ServiceBackendPort wanted = m.port() == null ? new ServiceBackendPort(null, ports.get(0).getPort())
                : m.port().chars().allMatch(Character::isDigit) ? new ServiceBackendPort(null,
                        Integer.parseInt(m.port())) : new ServiceBackendPort(m.port(), null);
        String cluster = clusterOf(backends.resolve(object, namespace, m.service(), wanted, field,
                BackendResolver.PortFields.of(field), table.diagnostics(), m.https() ? Cluster.Protocol.HTTPS
                        : Cluster.Protocol.HTTP1, null, ClusterPolicy.DEFAULTS));
        return cluster == null ? null : RequestMirror.to(cluster).withHost(m.host()).withRequestBody(m.requestBody());
    }

    /** A path route was added on {@code host}: remembered for nginx's trailing-slash redirect. */
    void pathAdded(String host, PathMatch match, Route route) {
        if (match.type() == PathMatch.Type.REGULAR_EXPRESSION) {
            return;
        }
        // as written: a Prefix /docs/ does not serve /docs in nginx (a Prefix /docs does, by the Exact location
        // ingress-nginx adds for it)
        served.computeIfAbsent(host, h -> new HashSet<>()).add(match.value());
        if (settings.nginxQuirks() && !servers.isRegexHost(host) && match.value().length() > 1
                && match.value().endsWith("/")) {
            slashed.computeIfAbsent(host, h -> new ArrayList<>()).add(route);
        }
    }

    /** The Ingress's rules are in: its app-root and www redirects. */
    void endIngress(int rank) {
        IngressSettings.Host h = settings.annotations().host();
        if (settings.backendFailClosed()) {
            return;
        }
        String base = namespace + "/" + ingress.getMetadata().getName() + ":";
        for (String host : ingressHosts) {
            if (h.appRoot() != null) {
                RouteMatch root = RouteMatch.path(PathMatch.exact("/"));
                if (table.routes().claim(host, root, object, "metadata.annotations['" + key("app-root") + "']",
                        table.diagnostics())) {
                    Route route = new Route(table.routes().uniqueName(base + host + "#app-root",
                            PathMatch.Type.EXACT), object, root, REDIRECTED,
                            settings.policyFor(host), List.of(new RouteFilter.RequestRedirect(null, null, null,
                                    PathModifier.fullPath(h.appRoot() + "?"), 302)));
                    table.routes().add(host, new RouteCandidate(route, rank, -1, 0));
                }
            }
            if (h.fromToWww() && !host.startsWith("*.")) {
                String other = host.startsWith("www.") ? host.substring(4) : "www." + host;
                if (servers.isRuleHost(other)) {
                    table.touch(other); // a rule serves it: no redirect, as in ingress-nginx
                    continue;
                }
                RouteMatch all = RouteMatch.path(PathMatch.prefix("/"));
                if (table.routes().claim(other, all, object, "metadata.annotations['" + key("from-to-www-redirect")
                        + "']", table.diagnostics())) {
                    Route route = new Route(table.routes().uniqueName(base + other + "#www-redirect",
                            PathMatch.Type.PREFIX), object, all, REDIRECTED,
                            RoutePolicy.DEFAULTS, List.of(new RouteFilter.RequestRedirect(null, host, null, null,
                                    308)));
                    table.routes().add(other, new RouteCandidate(route, rank, -1, 0));
                }
            }
        }
    }

    /** Every Ingress is in: nginx's 301 from {@code /path} to {@code /path/} where only the slashed one is served. */
    void finish() {
        clusterDefaultFromOption();
        for (Map.Entry<String, List<Route>> e : slashed.entrySet()) {
            String host = e.getKey();
            Set<String> values = served.getOrDefault(host, Set.of());
            Set<String> done = new HashSet<>();
            for (Route slashedRoute : e.getValue()) {
                String path = slashedRoute.match().path().value();
                String bare = path.substring(0, path.length() - 1);
                if (values.contains(bare) || !done.add(bare)) {
                    continue;
                }
                RouteMatch match = RouteMatch.path(PathMatch.exact(bare));
                if (!table.routes().claim(host, match, slashedRoute.source(), "spec.rules", table.diagnostics())) {
                    continue;
                }
                Route route = new Route(table.routes().uniqueName(slashedRoute.name() + "#trailing-slash",
                        PathMatch.Type.EXACT), slashedRoute.source(), match, REDIRECTED,
                        slashedRoute.policy(), List.of(new RouteFilter.RequestRedirect(null, null, null,
                                PathModifier.fullPath(path), 301)));
                table.routes().add(host, new RouteCandidate(route, Integer.MAX_VALUE, -1, 0));
            }
        }
    }

    /** Without a cluster default from some spec.defaultBackend, the one {@code --default-backend-service} names. */
    void clusterDefaultFromOption() {
        if (defaultBackendService == null || table.clusterDefault() != null) {
            return;
        }
        RouteAction action = resolveOption("--default-backend-service", defaultBackendService);
        table.clusterDefault(new TableBuilder.ClusterDefault(defaultBackendService, "--default-backend-service",
                action));
    }

    /** The cluster of the Ingress's error backend, or null (none asked for, or none usable: warned). */
    private String errorCluster(IngressSettings.Host h) {
        if (h.errorCodes().isEmpty() && h.defaultBackend() == null) {
            return null;
        }
        BackendResolver backends = table.backends();
        if (h.defaultBackend() != null) {
            String field = "metadata.annotations['" + h.defaultBackendKey() + "']";
            Service service = backends.service(namespace + "/" + h.defaultBackend());
            List<ServicePort> ports = service == null || service.getSpec() == null || service.getSpec().getPorts()
                    == null ? List.of() : service.getSpec().getPorts();
            if (ports.isEmpty()) {
                table.warning(object, field, "Service " + namespace + "/" + h.defaultBackend() + (service == null
                        ? " does not exist" : " has no port") + "; the Ingress has no error pages");
                return null;
            }
            ServiceBackendPort first = new ServiceBackendPort(null, ports.get(0).getPort());
            return clusterOf(backends.resolve(object, namespace, h.defaultBackend(), first, field,
                    BackendResolver.PortFields.of(field), table.diagnostics(), Cluster.Protocol.HTTP1, null,
                    ClusterPolicy.DEFAULTS));
        }
        String field = "metadata.annotations['" + h.errorCodesKey() + "']";
        if (defaultBackendService == null) {
            table.warning(object, field, "has no effect: there is neither a default-backend annotation nor a cluster "
                    + "default backend (--default-backend-service)");
            return null;
        }
        return clusterOf(resolveOption(object, field));
    }

    /** The action of {@code --default-backend-service} ({@code ns/name:port}), problems reported on {@code field}. */
    RouteAction resolveOption(String owner, String field) {
        int slash = defaultBackendService.indexOf('/');
        int colon = defaultBackendService.indexOf(':');
        String port = defaultBackendService.substring(colon + 1);
        ServiceBackendPort wanted = port.chars().allMatch(Character::isDigit)
                ? new ServiceBackendPort(null, Integer.parseInt(port)) : new ServiceBackendPort(port, null);
        return table.backends().resolve(owner, defaultBackendService.substring(0, slash),
                defaultBackendService.substring(slash + 1, colon), wanted, field, BackendResolver.PortFields.of(field),
                table.diagnostics(), Cluster.Protocol.HTTP1, null, ClusterPolicy.DEFAULTS);
    }

    private static String clusterOf(RouteAction action) {
        return action instanceof RouteAction.Forward f ? f.backends().get(0).cluster() : null;
    }

    private String aliasKey() {
        return key("server-alias");
    }

    /** The name of host annotation {@code name} the Ingress sets: ours when both are set. */
    private String key(String name) {
        Map<String, String> a = ingress.getMetadata().getAnnotations();
        String ours = "breakwater.dev/" + name;
        return a != null && a.containsKey(ours) ? ours : "nginx.ingress.kubernetes.io/" + name;
    }
}
