package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.filter.ForwardedTrust;
import dev.breakwater.dataplane.filter.RequestBlockFilter;
import dev.breakwater.dataplane.persistent.ShardedMap;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.VirtualHost;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;
import java.util.Map;

/**
 * A routing table compiled for lookup. Immutable once built, so any number of event loops read it
 * without locks; a table swap makes a new router, which shares with the one before every part of its maps that the
 * swap does not change ({@link ShardedMap}).
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
 * changes one host of 10,000 compiles one host; given the changes (as the push channel's deltas name them), it also
 * looks at that host only, and at the hosts that forward to a cluster that changed ({@code RouterBuild}).
 */
public final class Router {

    private final RoutingTable table;
    private final RouterBuild.State state;
    /** The listener ports the table names, in port order. */
    private final java.util.List<ListenerPort> listenerPorts;
    private final int clustersKept;
    private final int hostsKept;
    /** The route names the router before had and this one has not; null when built from nothing. */
    private final java.util.Set<String> routesLeft;
    private final ForwardedTrust forwardedTrust;
    private final dev.breakwater.dataplane.accesslog.AccessLineTemplate accessLine;
    private final RequestBlockFilter requestBlocks;

    /**
     * Compiles {@code table}; its rate limits take their limiters from {@code limiters}, which the caller commits once
     * this router is served, and its routes' limits fall back to {@code config}'s.
     */
    public Router(RoutingTable table, ProxyMetrics metrics, EndpointRegistry registry,
                  RateLimiters.Generation limiters, ProxyConfig config) {
        this(table, null, null, metrics, registry, limiters, config);
    }

    /**
     * Compiles {@code table}, keeping what {@code previous} (the router served so far, or null) compiled of the
     * clusters and virtual hosts that did not change; the proxy settings ({@code config}) must be the same.
     */
    public Router(RoutingTable table, Router previous, ProxyMetrics metrics, EndpointRegistry registry,
                  RateLimiters.Generation limiters, ProxyConfig config) {
        this(table, previous, null, metrics, registry, limiters, config);
    }

    /**
     * Compiles {@code table} from {@code previous} and the parts by which it differs from previous's table
     * ({@code changes}, as deltas name them; null: found by comparing both tables by name and hash). Only the hosts
     * and clusters named, and the hosts that forward to a cluster named, are looked at: a swap costs in proportion to
     * them, not to the table.
     *
     * @throws IllegalArgumentException if {@code changes} do not lead from previous's table to {@code table}, or the
     *                                  table is inconsistent
     */
    public Router(RoutingTable table, Router previous, TableChanges changes, ProxyMetrics metrics,
                  EndpointRegistry registry, RateLimiters.Generation limiters, ProxyConfig config) {
        this.table = table;
        this.forwardedTrust = ForwardedTrust.of(table.edgeSettings().forwarded(), config);
        this.accessLine = dev.breakwater.dataplane.accesslog.AccessLineTemplate.of(
                table.edgeSettings().accessLogFormat());
        this.requestBlocks = RequestBlockFilter.of(table.edgeSettings().blocked());
        if (changes != null && (previous == null || !changes.baseHash().equals(previous.table.hash())
                || !changes.hash().equals(table.hash()))) {
            throw new IllegalArgumentException("changes from " + changes.baseHash() + " to " + changes.hash()
                    + " do not lead from the table served to table v" + table.version());
        }
        if (changes == null && previous != null) {
            changes = TableChanges.between(previous.table, table);
        }
        RouterBuild build;
        RouterBuild.State made;
        if (changes != null) {
            build = new RouterBuild(previous.state, previous.state, metrics, registry, limiters, config);
            made = build.apply(changes.clusters(), changes.hosts());
            routesLeft = java.util.Set.copyOf(build.routesLeft());
        } else {
            // the first table, or a name twice in one of the tables: every part named, in table order
            Map<String, Cluster> clusters = new java.util.LinkedHashMap<>();
            table.clusters().forEach(c -> clusters.put(c.name(), c));
            Map<String, VirtualHost> hosts = new java.util.LinkedHashMap<>();
            table.virtualHosts().forEach(h -> hosts.put(h.key(), h));
            build = new RouterBuild(RouterBuild.State.EMPTY, previous == null ? null : previous.state, metrics,
                    registry, limiters, config);
            made = build.apply(clusters, hosts);
            routesLeft = null;
        }
        this.state = made;
        Map<Integer, ListenerPort> ports = new java.util.TreeMap<>();
        made.byPort().forEach((port, hosts) -> ports.put(port, hosts.listener()));
        this.listenerPorts = java.util.List.copyOf(ports.values());
        this.clustersKept = table.clusters().size() - build.clustersCompiled;
        this.hostsKept = table.virtualHosts().size() - build.hostsCompiled;
    }

    /** The compiled clusters by name (what {@code EndpointBook} compares between swaps). */
    public ShardedMap<String, CompiledCluster> clusterMap() {
        return state.clusters();
    }

    /** The compiled clusters that have an active health check, by name. */
    public java.util.Collection<CompiledCluster> healthCheckedClusters() {
        return state.healthChecked().values();
    }

    /**
     * The names of the routes the router this one was made from had and this one has not, or null when it was made
     * from nothing (the first table, or a table naming a part twice): then {@link #routeNames()} says which stay.
     */
    public java.util.Set<String> routesLeft() {
        return routesLeft;
    }

    /** The names of the table's routes, as a read-only set (its {@code contains} is a lookup). */
    public java.util.Set<String> routeNames() {
        return state.routeNames().keySet();
    }

    /** The pool keys of the external authentication services its routes ask (their connections are kept). */
    public java.util.Set<String> authEndpointKeys() {
        return state.authKeys().keySet();
    }

    /** The same, with the number of routes that ask each (what {@code EndpointBook} compares between swaps). */
    public ShardedMap<String, Integer> authEndpointKeyCounts() {
        return state.authKeys();
    }

    /** Clusters kept from the previous router (not compiled again), for logs and tests. */
    public int clustersKept() {
        return clustersKept;
    }

    /** Virtual hosts whose compiled routes were kept from the previous router, for logs and tests. */
    public int hostsKept() {
        return hostsKept;
    }

    /** The compiled clusters, in no particular order. */
    public java.util.Collection<CompiledCluster> clusters() {
        return state.clusters().values();
    }

    /** The compiled cluster of this name, or null when the table has none. */
    public CompiledCluster cluster(String name) {
        return state.clusters().get(name);
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
        Map<Integer, HostIndex> byPort = state.byPort();
        HostIndex hosts = byPort.isEmpty() ? state.shared() : byPort.getOrDefault(localPort, state.shared());
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

    /**
     * The requests the table refuses before they are routed, by {@code User-Agent} or {@code Referer}
     * ({@code block-user-agents}, {@code block-referers}), or null for none.
     */
    public RequestBlockFilter requestBlocks() {
        return requestBlocks;
    }

    /** The access-log line the table gives ({@code log-format-upstream}), or null for the log's own format. */
    public dev.breakwater.dataplane.accesslog.AccessLineTemplate accessLine() {
        return accessLine;
    }
}
