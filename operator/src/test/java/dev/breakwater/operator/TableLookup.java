package dev.breakwater.operator;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.StringMatch;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A reference router for tests: applies the routing contract's documented lookup to a table, so that the
 * compiler can be checked on what requests would reach, without a data plane. The virtual host is found
 * exact name first, then {@code *.} wildcard (one label), then {@code *}, with any port in the Host
 * stripped; the first route whose path match accepts the path (query removed) and whose header matches accept
 * the request's headers (none unless given) wins. Method and query matches are not looked at.
 */
public final class TableLookup {

    private TableLookup() {
    }

    /**
     * The cluster the request is forwarded to (of a weighted split, the backend with the most weight), or null when
     * it is not forwarded (404, or a fixed response).
     */
    public static String route(RoutingTable table, String host, String path) {
        return route(table, host, path, Map.of());
    }

    /** As {@link #route(RoutingTable, String, String)}, for a request with these headers. */
    public static String route(RoutingTable table, String host, String path, Map<String, String> headers) {
        return find(table, host, path, headers)
                .filter(r -> r.action() instanceof RouteAction.Forward)
                .map(r -> ((RouteAction.Forward) r.action()).backends().stream()
                        .max(java.util.Comparator.comparingInt(RouteAction.BackendRef::weight)).orElseThrow()
                        .cluster())
                .orElse(null);
    }

    /** The Service name the request is forwarded to ({@code svc} of cluster {@code ns/svc:port}), or null. */
    public static String service(RoutingTable table, String host, String path) {
        return service(table, host, path, Map.of());
    }

    /** As {@link #service(RoutingTable, String, String)}, for a request with these headers. */
    public static String service(RoutingTable table, String host, String path, Map<String, String> headers) {
        String cluster = route(table, host, path, headers);
        return cluster == null ? null : cluster.substring(cluster.indexOf('/') + 1, cluster.lastIndexOf(':'));
    }

    /** The status the request gets without a backend's answer: 404, a fixed response's status, or 0 if forwarded. */
    public static int status(RoutingTable table, String host, String path) {
        return status(table, host, path, Map.of());
    }

    /** As {@link #status(RoutingTable, String, String)}, for a request with these headers. */
    public static int status(RoutingTable table, String host, String path, Map<String, String> headers) {
        Optional<Route> route = find(table, host, path, headers);
        if (route.isEmpty()) {
            return 404;
        }
        return route.get().action() instanceof RouteAction.FixedResponse fixed ? fixed.status() : 0;
    }

    /** The route serving the request (without headers), if any. */
    public static Optional<Route> find(RoutingTable table, String host, String path) {
        return find(table, host, path, Map.of());
    }

    /** The route serving the request with these headers (names in any case), if any. */
    public static Optional<Route> find(RoutingTable table, String host, String path, Map<String, String> headers) {
        VirtualHost virtualHost = virtualHost(table, host);
        if (virtualHost == null) {
            return Optional.empty();
        }
        int query = path.indexOf('?');
        String requestPath = query < 0 ? path : path.substring(0, query);
        Map<String, String> lower = new java.util.HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return virtualHost.routes().stream().filter(r -> accepts(r.match().path(), requestPath))
                .filter(r -> r.match().headers().stream().allMatch(h -> accepts(h, lower.get(h.name()))))
                .findFirst();
    }

    static boolean accepts(HeaderMatch match, String value) {
        if (value == null) {
            return false;
        }
        return match.type() == StringMatch.EXACT ? match.value().equals(value) : value.matches(match.value());
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
