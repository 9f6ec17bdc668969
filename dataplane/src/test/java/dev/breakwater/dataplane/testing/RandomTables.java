package dev.breakwater.dataplane.testing;

import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A sequence of tables, each a few random changes from the one before, as a compiler would make them: hosts added,
 * changed and removed (exact, wildcard and the catch-all), endpoints of clusters changed, clusters coming and going
 * with the hosts that name them, certificates' hosts changed, and (when asked) an L4 listener coming and going. Hosts
 * are in match order, clusters and certificates by name. Every route's cluster is in the table, so a data plane
 * accepts each one; endpoints are addresses nobody listens on.
 */
public final class RandomTables {

    private static final Comparator<String> HOST_ORDER = Comparator
            .comparingInt((String h) -> h.equals(VirtualHost.CATCH_ALL) ? 2 : h.startsWith("*.") ? 1 : 0)
            .thenComparing(Comparator.naturalOrder());

    private final Random random;
    private final boolean l4;
    /** Per host, the clusters of its routes and a revision (a change of path). */
    private final Map<String, List<String>> hostClusters = new TreeMap<>();
    private final Map<String, Integer> hostRevisions = new TreeMap<>();
    private final Map<String, Integer> endpointRevisions = new TreeMap<>();
    private final Map<String, TreeSet<String>> certificateHosts = new TreeMap<>();
    private boolean listener;
    private long version;

    /**
     * @param seed where the randomness starts (print it when a test fails)
     * @param l4   whether an L4 listener comes and goes (a data plane would bind its port)
     */
    public RandomTables(long seed, boolean l4) {
        this.random = new Random(seed);
        this.l4 = l4;
        for (int i = 0; i < 12; i++) {
            addHost();
        }
    }

    /** The next table (the first one first): version 1, 2, ... */
    public RoutingTable next() {
        if (version > 0) {
            int changes = 1 + random.nextInt(4);
            for (int i = 0; i < changes; i++) {
                change();
            }
        }
        version++;
        return table().withVersion(version);
    }

    private void change() {
        int what = random.nextInt(l4 ? 7 : 6);
        switch (what) {
            case 0 -> addHost();
            case 1 -> removeHost();
            case 2 -> pick(hostRevisions.keySet()).ifPresent(h -> hostRevisions.merge(h, 1, Integer::sum));
            case 3 -> pick(endpointRevisions.keySet()).ifPresent(c -> endpointRevisions.merge(c, 1, Integer::sum));
            case 4 -> pick(hostClusters.keySet()).ifPresent(h -> hostClusters.put(h, clustersFor()));
            case 5 -> {
                String cert = "default/tls-" + random.nextInt(3);
                TreeSet<String> hosts = new TreeSet<>();
                hostClusters.keySet().stream().filter(h -> !h.equals(VirtualHost.CATCH_ALL) && random.nextInt(3) == 0)
                        .forEach(hosts::add);
                if (hosts.isEmpty()) {
                    certificateHosts.remove(cert);
                } else {
                    certificateHosts.put(cert, hosts);
                }
            }
            default -> listener = !listener;
        }
    }

    private void addHost() {
        int n = random.nextInt(40);
        String host = n == 0 ? VirtualHost.CATCH_ALL : n < 6 ? "*.zone" + n + ".example.com" : "h" + n + ".example.com";
        hostClusters.putIfAbsent(host, clustersFor());
        hostRevisions.putIfAbsent(host, 0);
    }

    private void removeHost() {
        pick(hostClusters.keySet()).ifPresent(h -> {
            hostClusters.remove(h);
            hostRevisions.remove(h);
            certificateHosts.values().forEach(s -> s.remove(h));
            certificateHosts.values().removeIf(TreeSet::isEmpty);
        });
    }

    private List<String> clustersFor() {
        List<String> out = new ArrayList<>();
        int n = 1 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
            out.add("default/svc-" + random.nextInt(15) + ":80");
        }
        return out;
    }

    private java.util.Optional<String> pick(java.util.Set<String> from) {
        if (from.isEmpty()) {
            return java.util.Optional.empty();
        }
        return from.stream().skip(random.nextInt(from.size())).findFirst();
    }

    private RoutingTable table() {
        TreeSet<String> hosts = new TreeSet<>(HOST_ORDER);
        hosts.addAll(hostClusters.keySet());
        List<VirtualHost> virtualHosts = new ArrayList<>();
        TreeSet<String> clusterNames = new TreeSet<>();
        for (String host : hosts) {
            List<Route> routes = new ArrayList<>();
            List<String> clusters = hostClusters.get(host);
            for (int i = 0; i < clusters.size(); i++) {
                String path = "/r" + hostRevisions.get(host) + "/" + i;
                routes.add(new Route(host + path, "Ingress/default/" + host.replace('*', 'x'),
                        RouteMatch.path(PathMatch.prefix(path)), RouteAction.Forward.to(clusters.get(i)), null));
                clusterNames.add(clusters.get(i));
            }
            virtualHosts.add(new VirtualHost(host, routes));
        }
        if (listener) {
            clusterNames.add("default/db:5432");
        }
        List<Cluster> clusters = new ArrayList<>();
        for (String name : clusterNames) {
            int revision = endpointRevisions.computeIfAbsent(name, n -> 0);
            clusters.add(new Cluster(name, Cluster.Protocol.HTTP1, List.of(
                    Endpoint.ready("10.0." + (revision % 250) + ".1", 80),
                    Endpoint.ready("10.0." + (revision % 250) + ".2", 80))));
        }
        List<Certificate> certificates = new ArrayList<>();
        certificateHosts.forEach((name, h) -> certificates.add(new Certificate(name, List.copyOf(h),
                "CHAIN of " + name, "KEY of " + name)));
        RoutingTable table = RoutingTable.of(virtualHosts, clusters, certificates);
        return listener ? table.withL4(new L4Routes(List.of(L4Listener.tcp(15432,
                L4Route.to("default/db", "default/db:5432"))), List.of())) : table;
    }
}
