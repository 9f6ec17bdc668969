package dev.breakwater.dataplane.l4;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SniRoute;
import java.util.Arrays;
import java.util.List;

/** Tables with L4 listeners for tests. */
final class L4Tables {

    private L4Tables() {
    }

    static Cluster cluster(String name, int... ports) {
        return new Cluster(name, Cluster.Protocol.HTTP1,
                Arrays.stream(ports).mapToObj(p -> Endpoint.ready("127.0.0.1", p)).toList());
    }

    static Cluster cluster(String name, List<Endpoint> endpoints) {
        return new Cluster(name, Cluster.Protocol.HTTP1, endpoints);
    }

    static RoutingTable table(List<Cluster> clusters, L4Listener... listeners) {
        return RoutingTable.of(List.of(), clusters).withL4(new L4Routes(List.of(listeners), List.of()));
    }

    static RoutingTable table(List<Cluster> clusters, List<SniRoute> httpsPassthrough, L4Listener... listeners) {
        return RoutingTable.of(List.of(), clusters).withL4(new L4Routes(List.of(listeners), httpsPassthrough));
    }
}
