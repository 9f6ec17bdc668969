package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Route;
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
 * <p>Host selection: the exact host, else the {@code *.} wildcard covering its first label, else the
 * catch-all host {@code *}. The port in the Host header is ignored, and so are case and a trailing dot.
 * Within the host, the first route (in table order) whose match accepts the request serves it.
 */
public final class Router {

    private static final CompiledRoute[] NONE = new CompiledRoute[0];

    private final RoutingTable table;
    private final Map<String, CompiledRoute[]> exactHosts = new HashMap<>();
    private final Map<String, CompiledRoute[]> wildcardHosts = new HashMap<>();
    private final CompiledRoute[] catchAll;
    private final Map<String, CompiledCluster> clusters = new LinkedHashMap<>();

    /**
     * Compiles {@code table}; its rate limits take their limiters from {@code limiters}, which the caller commits once
     * this router is served, and its routes' limits fall back to {@code config}'s.
     */
    public Router(RoutingTable table, ProxyMetrics metrics, EndpointRegistry registry,
                  RateLimiters.Generation limiters, ProxyConfig config) {
        this.table = table;
        for (Cluster c : table.clusters()) {
            clusters.put(c.name(), new CompiledCluster(c, registry));
        }
        CompiledRoute[] any = NONE;
        for (VirtualHost vh : table.virtualHosts()) {
            CompiledRoute[] routes = new CompiledRoute[vh.routes().size()];
            int i = 0;
            for (Route r : vh.routes()) {
                routes[i++] = new CompiledRoute(r, vh.clientAuth(), clusters, metrics, limiters, config);
            }
            if (vh.isCatchAll()) {
                any = routes;
            } else if (vh.isWildcard()) {
                wildcardHosts.put(vh.hostname().substring(2), routes);
            } else {
                exactHosts.put(vh.hostname(), routes);
            }
        }
        this.catchAll = any;
    }

    public java.util.Collection<CompiledCluster> clusters() {
        return clusters.values();
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
        CompiledRoute[] routes = routesFor(host);
        for (CompiledRoute r : routes) {
            if (r.matches(path, query, method, headers)) {
                return r;
            }
        }
        return null;
    }

    private CompiledRoute[] routesFor(String hostHeader) {
        String host = normalizeHost(hostHeader);
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
            }
        }
        return catchAll;
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
}
