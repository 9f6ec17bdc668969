package dev.breakwater.operator;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.util.Locale;
import java.util.Optional;

/**
 * A reference router for tests: applies the routing contract's documented lookup to a table, so that the
 * compiler can be checked on what requests would reach, without a data plane. The virtual host is found
 * exact name first, then {@code *.} wildcard (one label), then {@code *}, with any port in the Host
 * stripped; the first route whose path match accepts the path (query removed) wins.
 */
public final class TableLookup {

    private TableLookup() {
    }

    /** The cluster the request is forwarded to, or null when it is not forwarded (404, or a fixed response). */
    public static String route(RoutingTable table, String host, String path) {
        return find(table, host, path)
                .filter(r -> r.action() instanceof RouteAction.Forward)
                .map(r -> ((RouteAction.Forward) r.action()).backends().get(0).cluster())
                .orElse(null);
    }

    /** The Service name the request is forwarded to ({@code svc} of cluster {@code ns/svc:port}), or null. */
    public static String service(RoutingTable table, String host, String path) {
        String cluster = route(table, host, path);
        return cluster == null ? null : cluster.substring(cluster.indexOf('/') + 1, cluster.lastIndexOf(':'));
    }

    /** The status the request gets without a backend's answer: 404, a fixed response's status, or 0 if forwarded. */
    public static int status(RoutingTable table, String host, String path) {
        Optional<Route> route = find(table, host, path);
        if (route.isEmpty()) {
            return 404;
        }
        return route.get().action() instanceof RouteAction.FixedResponse fixed ? fixed.status() : 0;
    }

    /** The route serving the request, if any. */
    public static Optional<Route> find(RoutingTable table, String host, String path) {
        VirtualHost virtualHost = virtualHost(table, host);
        if (virtualHost == null) {
            return Optional.empty();
        }
        int query = path.indexOf('?');
        String requestPath = query < 0 ? path : path.substring(0, query);
        return virtualHost.routes().stream().filter(r -> accepts(r.match().path(), requestPath)).findFirst();
    }

    static VirtualHost virtualHost(RoutingTable table, String hostHeader) {
        String host = hostHeader == null ? "" : hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && !host.endsWith("]")) {
            host = host.substring(0, colon);
        }
        int dot = host.indexOf('.');
        String wildcard = dot > 0 ? "*" + host.substring(dot) : null;
        VirtualHost exact = null;
        VirtualHost wild = null;
        VirtualHost any = null;
        for (VirtualHost v : table.virtualHosts()) {
            if (v.hostname().equals(host)) {
                exact = v;
            } else if (v.hostname().equals(wildcard)) {
                wild = v;
            } else if (v.isCatchAll()) {
                any = v;
            }
        }
        return exact != null ? exact : wild != null ? wild : any;
    }

    static boolean accepts(PathMatch match, String path) {
        switch (match.type()) {
            case EXACT:
                return path.equals(match.value());
            case PREFIX:
                String prefix = match.normalizedPrefix();
                return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
            default:
                return path.matches(match.value());
        }
    }
}
