package dev.breakwater.operator.compile;

import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How many virtual hosts of a table forward to each cluster, kept from splice to splice ({@link TableSplice}) so
 * that a splice learns which clusters are still used without reading the routes of every host again.
 */
final class ClusterUsers {

    private final Map<String, Integer> hosts = new HashMap<>();

    /** The users of {@code table}'s clusters (its virtual hosts'; not its L4 routes'). */
    ClusterUsers(RoutingTable table) {
        table.virtualHosts().forEach(this::add);
    }

    /** {@code host} now forwards to its clusters. */
    void add(VirtualHost host) {
        for (String cluster : clustersOf(host)) {
            hosts.merge(cluster, 1, Integer::sum);
        }
    }

    /** {@code host}, added before, is gone; the clusters no host forwards to any more go to {@code unused}. */
    void remove(VirtualHost host, Set<String> unused) {
        for (String cluster : clustersOf(host)) {
            if (hosts.computeIfPresent(cluster, (k, n) -> n == 1 ? null : n - 1) == null) {
                unused.add(cluster);
            }
        }
    }

    /** True when some host forwards to {@code cluster}. */
    boolean used(String cluster) {
        return hosts.containsKey(cluster);
    }

    private static Set<String> clustersOf(VirtualHost host) {
        Set<String> out = new HashSet<>();
        for (Route r : host.routes()) {
            if (r.action() instanceof RouteAction.Forward forward) {
                forward.backends().forEach(b -> out.add(b.cluster()));
            }
            if (r.policy().errorPages() != null) {
                out.add(r.policy().errorPages().cluster());
            }
            if (r.policy().mirror() != null) {
                out.add(r.policy().mirror().cluster());
            }
        }
        return out;
    }
}
