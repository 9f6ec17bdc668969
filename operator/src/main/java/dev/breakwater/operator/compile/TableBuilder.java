package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the {@link Processor}s of one compilation build together: the routes of every host ({@link HostRoutes}),
 * the certificates ({@link HostCertificates}), backend resolution ({@link BackendResolver}), each host's last route
 * (a default backend), client certificates per host, the status facts of Routes and the diagnostics; then, in
 * {@link #build}, the table, hosts and clusters sorted so that the result is deterministic.
 */
final class TableBuilder {

    static final Comparator<String> HOST_ORDER = Comparator
            .comparingInt((String host) -> host.equals(VirtualHost.CATCH_ALL) ? 2 : host.startsWith("*.") ? 1 : 0)
            .thenComparing(Comparator.naturalOrder());

    /** The key {@link Expansion} gets for a host's last route serving the cluster default backend. */
    static final String CLUSTER_DEFAULT = "#cluster-default";

    /** Expands a route into the routes that serve it (a canary's), first match first; see {@link #expandWith}. */
    interface Expansion {
        /**
         * Adds {@code route}, or what serves it instead, to {@code out}.
         *
         * @param key the route's name, {@link #CLUSTER_DEFAULT} for a host's last route serving the cluster default
         *            backend, or null for another last route (which nothing expands)
         */
        void expand(Route route, String key, List<Route> out);
    }

    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final BackendResolver backends;
    private final TlsSecrets tlsSecrets;
    private final HostCertificates certificates;
    private final HostRoutes routes;
    /** The routes of each listener port (a Gateway's own, {@link VirtualHost#listener}), in port order. */
    private final Map<dev.breakwater.routing.ListenerPort, HostRoutes> listenerRoutes =
            new java.util.TreeMap<>(Comparator.comparingInt(dev.breakwater.routing.ListenerPort::port));
    private final Set<String> multiLabelWildcards = new HashSet<>();
    private final CompileTrace trace;
    private final Map<String, Route> hostFallbacks = new HashMap<>();
    private ClusterDefault clusterDefault;
    private final Map<String, ClientAuth> clientAuthByHost = new HashMap<>();
    private final Map<String, String> clientAuthOwner = new HashMap<>();
    /** Hosts some object asked client certificates for with a CA that could not be read. */
    private final Set<String> clientAuthFailed = new TreeSet<>();
    private final List<RouteStatusReport> routeStatuses = new ArrayList<>();
    private Expansion expansion = (route, key, out) -> out.add(route);
    private dev.breakwater.routing.L4Routes l4 = dev.breakwater.routing.L4Routes.NONE;
    private GatewayApiStatus gatewayApi = GatewayApiStatus.NONE;

    /**
     * The default backend of the cluster: the last route of every host that has no default backend of its own.
     *
     * @param ownerKey    its owner as {@code namespace/name}, which names its routes
     * @param ownerObject its owner as {@code Kind/namespace/name}
     * @param action      where it sends requests
     */
    record ClusterDefault(String ownerKey, String ownerObject, RouteAction action) {
    }

    /** Building the table of {@code snapshot}, whose Services, EndpointSlices and Secrets {@code lookups} holds. */
    TableBuilder(ClusterSnapshot snapshot, SnapshotLookups lookups, CompilerOptions options, RoutingTable previous,
                 SecretChecks checks, CompileTrace trace) {
        this.trace = trace;
        this.routes = new HostRoutes(trace);
        this.backends = new BackendResolver(lookups, trace);
        this.tlsSecrets = new TlsSecrets(lookups.secrets(), options.now(), previous, checks, trace);
        this.certificates = new HostCertificates(tlsSecrets, trace);
        this.controllerConfig = controllerConfig(snapshot, options.controllerConfigMap(), checks);
        this.configMaps = snapshot.configMaps();
    }

    private final List<io.fabric8.kubernetes.api.model.ConfigMap> configMaps;

    /** The data of ConfigMap {@code ref} ({@code namespace/name}; empty for none), or null when it does not exist. */
    Map<String, String> configMapData(String ref) {
        for (io.fabric8.kubernetes.api.model.ConfigMap c : configMaps) {
            if (ref.equals(Compiler.namespace(c) + "/" + c.getMetadata().getName())) {
                return c.getData() == null ? Map.of() : c.getData();
            }
        }
        return null;
    }

    private final dev.breakwater.operator.annotation.ControllerConfig controllerConfig;

    /** What ingress-nginx's controller ConfigMap says ({@link CompilerOptions#controllerConfigMap()}). */
    dev.breakwater.operator.annotation.ControllerConfig controllerConfig() {
        return controllerConfig;
    }

    private dev.breakwater.operator.annotation.ControllerConfig controllerConfig(ClusterSnapshot snapshot, String ref,
                                                                               SecretChecks checks) {
        if (ref == null) {
            return dev.breakwater.operator.annotation.ControllerConfig.NONE;
        }
        String object = "ConfigMap/" + ref;
        io.fabric8.kubernetes.api.model.ConfigMap map = snapshot.configMaps().stream()
                .filter(c -> ref.equals(Compiler.namespace(c) + "/" + c.getMetadata().getName())).findFirst()
                .orElse(null);
        if (map == null) {
            warning(object, null, "named by --configmap but does not exist; Breakwater's defaults apply");
            checks.controllerConfigGood(Map.of());
            return dev.breakwater.operator.annotation.ControllerConfig.NONE;
        }
        dev.breakwater.operator.annotation.ControllerConfig config = dev.breakwater.operator.annotation
                .ControllerConfig.read(object, map.getData(), checks.controllerConfigGood(), diagnostics);
        checks.controllerConfigGood(config.good());
        return config;
    }

    /**
     * Records that the object being compiled depends on {@code host} without claiming anything there (an alias or
     * a www redirect left out because a rule names that host): a change there recompiles the object too.
     */
    void touch(String host) {
        trace.host(host);
    }

    List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    void error(String object, String field, String reason) {
        diagnostics.add(Diagnostic.error(object, field, reason));
    }

    void warning(String object, String field, String reason) {
        diagnostics.add(Diagnostic.warning(object, field, reason));
    }

    BackendResolver backends() {
        return backends;
    }

    TlsSecrets tlsSecrets() {
        return tlsSecrets;
    }

    HostCertificates certificates() {
        return certificates;
    }

    HostRoutes routes() {
        return routes;
    }

    /** The cluster default backend, or null while no object gave one. */
    ClusterDefault clusterDefault() {
        trace.clusterDefault();
        return clusterDefault;
    }

    /** Sets the cluster default backend; the first one set stays (objects come oldest first). */
    void clusterDefault(ClusterDefault value) {
        trace.clusterDefault();
        if (clusterDefault == null) {
            clusterDefault = value;
        }
    }

    /** True when {@code host} has a last route of its own (an Ingress's default backend). */
    boolean hasFallback(String host) {
        trace.host(host);
        return hostFallbacks.containsKey(host);
    }

    /** Makes {@code route} the last route of {@code host}, unless it has one. */
    void fallback(String host, Route route) {
        trace.host(host);
        hostFallbacks.putIfAbsent(host, route);
    }

    /** Makes {@code expansion} expand every route of the table (canaries); set once. */
    void expandWith(Expansion expansion) {
        this.expansion = expansion;
    }

    /** The client certificates asked for {@code host}, or null. */
    ClientAuth clientAuth(String host) {
        trace.host(host);
        return clientAuthByHost.get(host);
    }

    /** The object whose client certificates {@code host} asks for, or null. */
    String clientAuthOwner(String host) {
        trace.host(host);
        return clientAuthOwner.get(host);
    }

    /** Asks client certificates for {@code host} as {@code object} says, unless some object did already. */
    void clientAuth(String host, ClientAuth auth, String object) {
        trace.host(host);
        if (clientAuthByHost.putIfAbsent(host, auth) == null) {
            clientAuthOwner.put(host, object);
        }
    }

    /** Marks {@code hosts} as asking client certificates with a CA that could not be read. */
    void clientAuthFailed(List<String> hosts) {
        trace.hosts(hosts);
        clientAuthFailed.addAll(hosts);
    }

    /** The L4 listeners and passthrough hosts of the table ({@link L4Processor}). */
    void l4(dev.breakwater.routing.L4Routes routes) {
        this.l4 = routes;
    }

    /**
     * Makes the wildcard {@code host} cover several leading labels too, as a Gateway API hostname does
     * ({@link VirtualHost#multiLabelWildcard}); an Ingress's or Route's wildcard covers one.
     */
    void multiLabelWildcard(String host) {
        if (host.startsWith("*.")) {
            multiLabelWildcards.add(host);
        }
    }

    /** The status facts of the Gateway API objects ({@link GatewayApiProcessor}). */
    void gatewayApi(GatewayApiStatus status) {
        this.gatewayApi = status;
    }

    void routeStatus(RouteStatusReport report) {
        routeStatuses.add(report);
    }

    /**
     * The routes of one listener port ({@link VirtualHost#listener}): a Gateway's own hosts, apart from the shared
     * ports' ({@link #routes()}); their hosts take no fallback, default backend or client certificates.
     */
    HostRoutes listenerRoutes(dev.breakwater.routing.ListenerPort port) {
        return listenerRoutes.computeIfAbsent(port, p -> new HostRoutes(trace));
    }

    /** The route named for {@code ownerKey} that serves {@code action} as the last route of {@code host}. */
    static Route fallbackRoute(String ownerKey, String ownerObject, String host, RouteAction action,
                               RoutePolicy policy) {
        return new Route(ownerKey + ":" + host + "#default-backend", ownerObject,
                RouteMatch.path(PathMatch.prefix("/")), action, policy);
    }

    /** What a virtual host is made of. */
    private record HostParts(String host, List<Route> routes, ClientAuth clientAuth, boolean multiLabelWildcard) {
        VirtualHost make() {
            return new VirtualHost(host, routes, clientAuth, multiLabelWildcard, null);
        }
    }

    /** The table: hosts exact, then wildcard, then the catch-all; each host's routes first match first. */
    Compilation build() {
        TreeSet<String> hosts = new TreeSet<>(HOST_ORDER);
        hosts.addAll(routes.hosts());
        hosts.addAll(hostFallbacks.keySet());
        if (clusterDefault != null) {
            hosts.add(VirtualHost.CATCH_ALL);
        }
        List<HostParts> hostParts = new ArrayList<>(hosts.size());
        TreeSet<String> clusterNames = new TreeSet<>();
        for (String host : hosts) {
            List<Route> hostRoutes = new ArrayList<>();
            for (Route route : routes.ordered(host)) {
                expansion.expand(route, route.name(), hostRoutes);
            }
            Route fallback = hostFallbacks.get(host);
            if (fallback == null && clusterDefault != null) {
                fallback = fallbackRoute(clusterDefault.ownerKey(), clusterDefault.ownerObject(), host,
                        clusterDefault.action(), RoutePolicy.DEFAULTS);
            }
            if (fallback != null) {
                // a canary of the default backend serves wherever that backend does, as ingress-nginx's
                // alternative backends follow their main backend
                expansion.expand(fallback, clusterDefault != null
                        && fallback.action().equals(clusterDefault.action()) ? CLUSTER_DEFAULT : null, hostRoutes);
            }
            if (clientAuthFailed.contains(host) && !clientAuthByHost.containsKey(host)) {
                // fail closed: no route of this host may serve clients that were meant to be verified
                hostRoutes.replaceAll(r -> new Route(r.name(), r.source(), r.match(), BackendResolver.UNAVAILABLE,
                        r.policy()));
            }
            for (Route route : hostRoutes) {
                if (route.action() instanceof RouteAction.Forward forward) {
                    forward.backends().forEach(b -> clusterNames.add(b.cluster()));
                }
                if (route.policy().errorPages() != null) {
                    clusterNames.add(route.policy().errorPages().cluster());
                }
                if (route.policy().mirror() != null) {
                    clusterNames.add(route.policy().mirror().cluster());
                }
            }
            hostParts.add(new HostParts(host, hostRoutes, clientAuthByHost.get(host),
                    multiLabelWildcards.contains(host)));
        }
        // a Gateway's own listener ports: their hosts after the shared ones
        List<VirtualHost> listenerHosts = new ArrayList<>();
        for (var e : listenerRoutes.entrySet()) {
            TreeSet<String> own = new TreeSet<>(HOST_ORDER);
            own.addAll(e.getValue().hosts());
            for (String host : own) {
                List<Route> hostRoutes = new ArrayList<>();
                for (Route route : e.getValue().ordered(host)) {
                    expansion.expand(route, route.name(), hostRoutes);
                }
                for (Route route : hostRoutes) {
                    if (route.action() instanceof RouteAction.Forward forward) {
                        forward.backends().forEach(b -> clusterNames.add(b.cluster()));
                    }
                    if (route.policy().mirror() != null) {
                        clusterNames.add(route.policy().mirror().cluster());
                    }
                }
                listenerHosts.add(new VirtualHost(host, hostRoutes, null, multiLabelWildcards.contains(host), null,
                        e.getKey()));
            }
        }
        l4.routes().forEach(r -> r.backends().forEach(b -> clusterNames.add(b.cluster())));
        // a host and a cluster hash their content when made: made in parallel, in the order of their lists
        List<VirtualHost> virtualHosts = new ArrayList<>((BackendResolver.parallel(hostParts.size())
                ? hostParts.parallelStream() : hostParts.stream()).map(HostParts::make).toList());
        virtualHosts.addAll(listenerHosts);
        List<Cluster> clusters = backends.clusters(clusterNames);
        RoutingTable table = RoutingTable.of(virtualHosts, clusters, certificates.certificates());
        table = l4.isEmpty() ? table : table.withL4(l4);
        table = controllerConfig.edge().isEmpty() ? table : table.withSettings(controllerConfig.edge());
        return new Compilation(table, diagnostics, routeStatuses, gatewayApi);
    }
}
