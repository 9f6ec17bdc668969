package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.filter.ForwardedTrust;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A routing table compiled for lookup. Immutable once built, so any number of event loops read it
 * without locks; a table swap replaces the whole router.
 *
 * <p>Host selection: the exact host, else the {@code *.} wildcard covering its first label, else the wildcards
 * that cover several labels ({@link VirtualHost#coversSeveralLabels()}, Gateway API's), longest suffix first, else the
 * catch-all host {@code *}. The port in the Host header is ignored, and so are case and a trailing dot. A host with a
 * listener port ({@link VirtualHost#listener}: a Gateway's own) is looked up only for requests that came in on that
 * port, and on that port only such hosts are.
 * Within the host, the first route (in table order) whose match accepts the request serves it.
 *
 * <p>Built from the router served before, the parts of a table that did not change are not compiled again: a cluster
 * whose hash ({@link Cluster#hash()}) is the same keeps its {@link CompiledCluster} (balancers, budgets and all), and a
 * virtual host whose hash is the same and whose clusters were all kept keeps its compiled routes. A table that
 * changes one host of 10,000 compiles one host.
 */
public final class Router {

    private static final CompiledRoute[] NONE = new CompiledRoute[0];

    private final RoutingTable table;
    /** The hosts of the shared ports. */
    private final HostIndex shared = new HostIndex();
    /** The hosts of each listener port ({@link VirtualHost#listener}), by port. */
    private final Map<Integer, HostIndex> byListenerPort = new HashMap<>();
    /** The listener ports the table names, in port order. */
    private final java.util.List<ListenerPort> listenerPorts;
    private final Map<String, CompiledCluster> clusters = new LinkedHashMap<>();
    /** The compiled routes of each virtual host, by its hash: what a next router may keep. */
    private final Map<String, CompiledHost> hostsByHash = new HashMap<>();
    /** The pool keys of the external authentication services the routes ask. */
    private final java.util.Set<String> authEndpointKeys = new java.util.HashSet<>();
    private final int clustersKept;
    private final int hostsKept;
    private final ForwardedTrust forwardedTrust;
    private final dev.breakwater.dataplane.accesslog.AccessLineTemplate accessLine;

    /**
     * Compiles {@code table}; its rate limits take their limiters from {@code limiters}, which the caller commits once
     * this router is served, and its routes' limits fall back to {@code config}'s.
     */
    public Router(RoutingTable table, ProxyMetrics metrics, EndpointRegistry registry,
                  RateLimiters.Generation limiters, ProxyConfig config) {
        this(table, null, metrics, registry, limiters, config);
    }

    /**
     * Compiles {@code table}, keeping what {@code previous} (the router served so far, or null) compiled of the
     * clusters and virtual hosts that did not change; the proxy settings ({@code config}) must be the same.
     */
    public Router(RoutingTable table, Router previous, ProxyMetrics metrics, EndpointRegistry registry,
                  RateLimiters.Generation limiters, ProxyConfig config) {
        this.table = table;
        this.forwardedTrust = ForwardedTrust.of(table.edgeSettings().forwarded(), config);
        this.accessLine = dev.breakwater.dataplane.accesslog.AccessLineTemplate.of(
                table.edgeSettings().accessLogFormat());
        int keptClusters = 0;
        for (Cluster c : table.clusters()) {
            CompiledCluster before = previous == null ? null : previous.clusters.get(c.name());
            if (before != null && before.cluster().hash().equals(c.hash())) {
                clusters.put(c.name(), before);
                keptClusters++;
            } else {
                clusters.put(c.name(), new CompiledCluster(c, registry));
            }
        }
        int keptHosts = 0;
        Map<Integer, ListenerPort> ports = new java.util.TreeMap<>();
        for (VirtualHost vh : table.virtualHosts()) {
            ListenerPort l = vh.listener();
            if (l != null) {
                ListenerPort other = ports.putIfAbsent(l.port(), l);
                if (other != null && other.tls() != l.tls()) {
                    throw new IllegalArgumentException("listener port " + l.port() + " is both " + other + " and "
                            + l + " (expected: one)");
                }
            }
            CompiledHost before = previous == null ? null : previous.hostsByHash.get(vh.hash());
            CompiledRoute[] routes;
            CompiledHost compiled;
            if (before != null && before.keeps(clusters)) {
                routes = before.routes();
                compiled = before;
                for (CompiledRoute r : routes) {
                    // the limiter in use stays in use (the generation drops those nobody asks for)
                    if (r.route().policy().rateLimit() != null) {
                        limiters.limiter(r.route().name(), r.route().policy().rateLimit());
                    }
                }
                keptHosts++;
            } else {
                routes = new CompiledRoute[vh.routes().size()];
                int i = 0;
                for (Route r : vh.routes()) {
                    routes[i++] = new CompiledRoute(r, vh.clientAuth(), clusters, metrics, limiters, config);
                }
                compiled = CompiledHost.of(routes, clusters);
            }
            hostsByHash.put(vh.hash(), compiled);
            for (CompiledRoute r : routes) {
                if (r.authenticator() != null && r.authenticator().externalEndpointKey() != null) {
                    authEndpointKeys.add(r.authenticator().externalEndpointKey());
                }
            }
            (l == null ? shared : byListenerPort.computeIfAbsent(l.port(), p -> new HostIndex())).put(vh, routes);
        }
        this.listenerPorts = java.util.List.copyOf(ports.values());
        this.clustersKept = keptClusters;
        this.hostsKept = keptHosts;
    }

    /** The compiled routes of one virtual host, and the compiled clusters they forward to. */
    private record CompiledHost(CompiledRoute[] routes, String[] clusterNames, CompiledCluster[] clusters) {

        static CompiledHost of(CompiledRoute[] routes, Map<String, CompiledCluster> byName) {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (CompiledRoute r : routes) {
                if (r.route().action() instanceof RouteAction.Forward forward) {
                    forward.backends().forEach(b -> names.add(b.cluster()));
                }
            }
            String[] n = names.toArray(String[]::new);
            CompiledCluster[] c = new CompiledCluster[n.length];
            for (int i = 0; i < n.length; i++) {
                c[i] = byName.get(n[i]);
            }
            return new CompiledHost(routes, n, c);
        }

        /** True when the clusters of {@code byName} are the very ones these routes were compiled with. */
        boolean keeps(Map<String, CompiledCluster> byName) {
            for (int i = 0; i < clusterNames.length; i++) {
                if (byName.get(clusterNames[i]) != clusters[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The pool keys of the external authentication services its routes ask (their connections are kept). */
    public java.util.Set<String> authEndpointKeys() {
        return java.util.Collections.unmodifiableSet(authEndpointKeys);
    }

    /** Clusters kept from the previous router (not compiled again), for logs and tests. */
    public int clustersKept() {
        return clustersKept;
    }

    /** Virtual hosts whose compiled routes were kept from the previous router, for logs and tests. */
    public int hostsKept() {
        return hostsKept;
    }

    public java.util.Collection<CompiledCluster> clusters() {
        return clusters.values();
    }

    /** The compiled cluster of this name, or null when the table has none. */
    public CompiledCluster cluster(String name) {
        return clusters.get(name);
    }

    public RoutingTable table() {
        return table;
    }

    public long version() {
        return table.version();
    }

    /**
     * The route for a request, or null when none matches.
     *
     * @param host    the Host header as sent (may carry a port), or null
     * @param path    the request path, without the query
     * @param query   the raw query (after {@code ?}), or null
     * @param method  the request method name
     * @param headers the request headers
     */
    public CompiledRoute route(String host, String path, String query, String method, HttpHeaders headers) {
        return route(-1, host, path, query, method, headers);
    }

    /**
     * The route for a request that came in on {@code localPort}: among the hosts of that listener port when the table
     * names it ({@link #listenerPorts()}), else among the hosts of the shared ports; null when none matches.
     */
    public CompiledRoute route(int localPort, String host, String path, String query, String method,
                               HttpHeaders headers) {
        HostIndex hosts = byListenerPort.isEmpty() ? shared : byListenerPort.getOrDefault(localPort, shared);
        CompiledRoute[] routes = hosts.routesFor(normalizeHost(host));
        for (CompiledRoute r : routes) {
            if (r.matches(path, query, method, headers)) {
                return r;
            }
        }
        return null;
    }

    /** The listener ports of the table's hosts ({@link VirtualHost#listener}), in port order. */
    public java.util.List<ListenerPort> listenerPorts() {
        return listenerPorts;
    }

    /** The hosts of one set of ports, for lookup. */
    private static final class HostIndex {
        private final Map<String, CompiledRoute[]> exactHosts = new HashMap<>();
        private final Map<String, CompiledRoute[]> wildcardHosts = new HashMap<>();
        /** The wildcards of {@link #wildcardHosts} that also cover several leading labels, by their suffix. */
        private final Map<String, CompiledRoute[]> multiLabelWildcards = new HashMap<>();
        private CompiledRoute[] catchAll = NONE;

        void put(VirtualHost vh, CompiledRoute[] routes) {
            if (vh.isCatchAll()) {
                catchAll = routes;
            } else if (vh.isWildcard()) {
                wildcardHosts.put(vh.hostname().substring(2), routes);
                if (vh.coversSeveralLabels()) {
                    multiLabelWildcards.put(vh.hostname().substring(2), routes);
                }
            } else {
                exactHosts.put(vh.hostname(), routes);
            }
        }

        CompiledRoute[] routesFor(String host) {
            if (host != null) {
                CompiledRoute[] routes = exactHosts.get(host);
                if (routes != null) {
                    return routes;
                }
                int dot = host.indexOf('.');
                if (dot > 0 && !wildcardHosts.isEmpty()) {
                    routes = wildcardHosts.get(host.substring(dot + 1));
                    if (routes != null) {
                        return routes;
                    }
                    if (!multiLabelWildcards.isEmpty()) {
                        for (int d = host.indexOf('.', dot + 1); d > 0; d = host.indexOf('.', d + 1)) {
                            routes = multiLabelWildcards.get(host.substring(d + 1));
                            if (routes != null) {
                                return routes;
                            }
                        }
                    }
                }
            }
            return catchAll;
        }
    }

    /** The host name of a Host header: lower case, without port, brackets or trailing dot; null if absent. */
    static String normalizeHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String h = hostHeader;
        if (h.charAt(0) == '[') {
            int close = h.indexOf(']');
            h = close > 0 ? h.substring(1, close) : h;
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return h.toLowerCase(Locale.ROOT);
            }
        }
        return h;
    }

    /** Whose forwarded headers the requests of this table believe (its settings, else the data plane's). */
    public ForwardedTrust forwardedTrust() {
        return forwardedTrust;
    }

    /** The access-log line the table gives ({@code log-format-upstream}), or null for the log's own format. */
    public dev.breakwater.dataplane.accesslog.AccessLineTemplate accessLine() {
        return accessLine;
    }
}
