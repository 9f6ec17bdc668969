package dev.breakwater.dataplane.testing;

import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small routing tables for data-plane tests. */
public final class Tables {

    private final Map<String, List<Route>> hosts = new LinkedHashMap<>();
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();

    public static Tables builder() {
        return new Tables();
    }

    public Tables cluster(String name, Endpoint... endpoints) {
        clusters.put(name, new Cluster(name, Cluster.Protocol.HTTP1, List.of(endpoints)));
        return this;
    }

    public Tables cluster(String name, TestBackend... backends) {
        List<Endpoint> eps = new ArrayList<>();
        for (TestBackend b : backends) {
            eps.add(Endpoint.ready("127.0.0.1", b.port()));
        }
        clusters.put(name, new Cluster(name, Cluster.Protocol.HTTP1, eps));
        return this;
    }

    public Tables prefix(String host, String path, String cluster) {
        return route(host, PathMatch.prefix(path), RouteAction.Forward.to(cluster), null);
    }

    public Tables exact(String host, String path, String cluster) {
        return route(host, PathMatch.exact(path), RouteAction.Forward.to(cluster), null);
    }

    public Tables route(String host, PathMatch path, RouteAction action, RoutePolicy policy) {
        return route(host, path, action, policy, new RouteFilter[0]);
    }

    /** A route with filters. */
    public Tables route(String host, PathMatch path, RouteAction action, RoutePolicy policy, RouteFilter... filters) {
        List<Route> routes = hosts.computeIfAbsent(host, h -> new ArrayList<>());
        routes.add(new Route(host + path.value() + "#" + routes.size(), "test", RouteMatch.path(path), action,
                policy, List.of(filters)));
        return this;
    }

    public RoutingTable build() {
        return build(List.of());
    }

    public RoutingTable build(List<Certificate> certificates) {
        List<VirtualHost> vhosts = new ArrayList<>();
        hosts.forEach((h, r) -> vhosts.add(new VirtualHost(h, r)));
        return RoutingTable.of(vhosts, List.copyOf(clusters.values()), certificates);
    }
}
