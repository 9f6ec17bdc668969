package dev.breakwater.dataplane.l4;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The endpoints of a cluster that new L4 connections may use: the ready ones, or, when none is ready, those still
 * serving while terminating (as for HTTP). An endpoint in neither list gets no new connection, and the open ones
 * drain.
 *
 * @param name      the cluster's name
 * @param endpoints the tier in use, in table order
 */
record L4Cluster(String name, List<Endpoint> endpoints, Set<String> keys) {

    static L4Cluster of(Cluster cluster) {
        List<Endpoint> ready = cluster.endpoints().stream().filter(Endpoint::ready).toList();
        List<Endpoint> tier = !ready.isEmpty() ? ready
                : cluster.endpoints().stream().filter(e -> e.serving() && e.terminating()).toList();
        return new L4Cluster(cluster.name(), tier,
                tier.stream().map(Endpoint::authority).collect(Collectors.toUnmodifiableSet()));
    }

    /** True when new connections may go to the endpoint {@code authority} ({@code address:port}). */
    boolean serves(String authority) {
        return keys.contains(authority);
    }
}
