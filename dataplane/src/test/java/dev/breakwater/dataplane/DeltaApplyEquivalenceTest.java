package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableDelta;
import dev.breakwater.routing.VirtualHost;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A data plane fed deltas (each one decoded from its JSON, applied to the table served and handed over with the
 * changes it names, as the push channel's applier does; sometimes two at once) ends up in the same state as one fed
 * the same tables whole, and as a fresh one given only the last table: the same route for every host asked, the same
 * compiled clusters and endpoints, the same endpoints known and serving, the same table hash. Over many random
 * changes of hosts (exact, wildcard, several-label wildcard, catch-all, a Gateway's listener ports), routes, clusters
 * and their endpoints, and tables the data plane must refuse (a route to a missing cluster, a listener port both with
 * and without TLS), which both refuse alike and keep serving the table before.
 */
class DeltaApplyEquivalenceTest {

    private static final ClusterPolicy HEALTH_CHECKED = new ClusterPolicy(null,
            new ClusterPolicy.HealthCheck("/healthz", 10_000, 1_000, 1, 1), null, 5_000L, null);
    private static final RoutePolicy LIMITED =
            RoutePolicy.DEFAULTS.withRateLimit(new RateLimit(5, 1000, 5, RateLimit.Key.SOURCE_IP));

    private final Random random = new Random(20261203);
    private int serial;

    @Test
    void deltasGiveTheStateOfWholeTables() {
        List<VirtualHost> hosts = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clusters.add(cluster("c" + i));
        }
        while (hosts.size() < 40) {
            VirtualHost h = host(clusters, false);
            if (hosts.stream().noneMatch(o -> o.key().equals(h.key()))) {
                hosts.add(h);
            }
        }
        RoutingTable served = RoutingTable.of(hosts, clusters).withVersion(1);
        DataPlane viaDeltas = DataPlane.builder().build();
        DataPlane viaTables = DataPlane.builder().build();
        viaDeltas.apply(served);
        viaTables.apply(served);
        long version = 1;
        int refused = 0;
        int deltas = 0;
        TableDelta pending = null;
        for (int step = 0; step < 400; step++) {
            List<VirtualHost> nextHosts = new ArrayList<>(served.virtualHosts());
            List<Cluster> nextClusters = new ArrayList<>(served.clusters());
            boolean bad = mutate(nextHosts, nextClusters);
            RoutingTable next = RoutingTable.of(nextHosts, nextClusters).withVersion(++version);
            TableDelta delta = TableDelta.between(served, next);
            assertThat(delta).as("step %d: a delta", step).isNotNull();
            delta = TableCodec.decodeDelta(TableCodec.encodeDelta(delta));
            if (bad) {
                if (pending != null) {
                    // the delta held back is applied alone first, as its own message
                    viaDeltas.apply(pending.applyTo(viaDeltas.table()), TableChanges.of(pending));
                    pending = null;
                }
                assertThatThrownBy(() -> viaTables.apply(next)).as("step %d", step)
                        .isInstanceOf(IllegalArgumentException.class);
                RoutingTable made = delta.applyTo(viaDeltas.table());
                TableChanges changes = TableChanges.of(delta);
                assertThatThrownBy(() -> viaDeltas.apply(made, changes)).as("step %d", step)
                        .isInstanceOf(IllegalArgumentException.class);
                refused++;
                version--;
                assertSame(viaDeltas, viaTables, served, "after refusing step " + step);
                continue;
            }
            viaTables.apply(next);
            if (pending == null && random.nextInt(5) == 0) {
                pending = delta; // taken together with the next one, as an applier that was busy does
                served = next;
                continue;
            }
            RoutingTable base = viaDeltas.table();
            TableChanges changes;
            RoutingTable made;
            if (pending != null) {
                changes = TableChanges.of(pending).then(delta);
                made = delta.applyTo(pending.applyTo(base));
                pending = null;
            } else {
                changes = TableChanges.of(delta);
                made = delta.applyTo(base);
            }
            assertThat(made.hash()).isEqualTo(TableCodec.contentHash(made)).isEqualTo(next.hash());
            viaDeltas.apply(made, changes);
            deltas++;
            served = next;
            assertSame(viaDeltas, viaTables, next, "step " + step);
            if (step % 50 == 0) {
                DataPlane fresh = DataPlane.builder().build();
                fresh.apply(next);
                assertSame(viaDeltas, fresh, next, "step " + step + ", against a fresh data plane");
            }
        }
        assertThat(refused).as("tables refused").isGreaterThan(10);
        assertThat(deltas).as("deltas applied").isGreaterThan(200);
    }

    /** One random change; true when it makes a table the data plane must refuse. */
    private boolean mutate(List<VirtualHost> hosts, List<Cluster> clusters) {
        int what = random.nextInt(20);
        if (what == 0) {
            // a route to a cluster the table does not have
            hosts.set(random.nextInt(hosts.size()), new VirtualHost("bad" + serial++ + ".test", List.of(
                    route("x", "missing-cluster", null))));
            return true;
        }
        if (what == 1) {
            // one listener port with and without TLS
            int port = 9000 + random.nextInt(3);
            hosts.add(new VirtualHost("tls" + serial++ + ".test", List.of(route("t", "c0", null)), null, null, null,
                    new ListenerPort(port, true)));
            hosts.add(new VirtualHost("plain" + serial++ + ".test", List.of(route("p", "c0", null)), null, null,
                    null, new ListenerPort(port, false)));
            return true;
        }
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            switch (random.nextInt(7)) {
                case 0, 1 -> hosts.add(random.nextInt(hosts.size() + 1), host(clusters, true));
                case 2 -> {
                    if (hosts.size() > 5) {
                        hosts.remove(random.nextInt(hosts.size()));
                    }
                }
                case 3 -> {
                    int at = random.nextInt(hosts.size());
                    VirtualHost was = hosts.get(at);
                    hosts.set(at, new VirtualHost(was.hostname(), routes(clusters), null, was.multiLabelWildcard(),
                            null, was.listener()));
                }
                case 4, 5 -> {
                    // an endpoint change: one more, one fewer, or one terminating
                    int at = random.nextInt(clusters.size());
                    Cluster was = clusters.get(at);
                    clusters.set(at, new Cluster(was.name(), was.protocol(), endpoints(), null, was.policy()));
                }
                default -> {
                    if (random.nextBoolean()) {
                        clusters.add(random.nextInt(clusters.size() + 1), cluster("c" + (12 + serial++)));
                    } else {
                        // a cluster no host forwards to leaves
                        var used = hosts.stream().flatMap(h -> h.routes().stream())
                                .flatMap(r -> ((RouteAction.Forward) r.action()).backends().stream())
                                .map(RouteAction.BackendRef::cluster).collect(Collectors.toSet());
                        clusters.stream().filter(c -> !used.contains(c.name())).findFirst()
                                .ifPresent(clusters::remove);
                    }
                }
            }
        }
        // host keys stay unique: a later one of the same key gives way
        Map<String, VirtualHost> seen = new java.util.LinkedHashMap<>();
        hosts.forEach(h -> seen.putIfAbsent(h.key(), h));
        hosts.retainAll(seen.values());
        // a listener port keeps one TLS setting (the table must stay acceptable)
        Map<Integer, Boolean> tls = new HashMap<>();
        hosts.removeIf(h -> h.listener() != null
                && tls.computeIfAbsent(h.listener().port(), p -> h.listener().tls()) != h.listener().tls());
        return false;
    }

    private VirtualHost host(List<Cluster> clusters, boolean anyKind) {
        int n = serial++;
        int kind = anyKind ? random.nextInt(10) : 0;
        return switch (kind) {
            case 1 -> new VirtualHost("*.w" + n + ".test", routes(clusters));
            case 2 -> new VirtualHost("*.m" + random.nextInt(4) + ".test", routes(clusters), null, true, null, null);
            case 3 -> new VirtualHost(VirtualHost.CATCH_ALL, routes(clusters));
            case 4 -> new VirtualHost("gw" + n + ".test", routes(clusters), null, null, null,
                    new ListenerPort(9000 + random.nextInt(3), random.nextBoolean()));
            default -> new VirtualHost("h" + random.nextInt(200) + ".test", routes(clusters));
        };
    }

    private List<Route> routes(List<Cluster> clusters) {
        List<Route> routes = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            String cluster = clusters.get(random.nextInt(clusters.size())).name();
            routes.add(route("r" + serial++, cluster, random.nextInt(8) == 0 ? LIMITED : null));
        }
        routes.add(route("root" + serial++, clusters.get(random.nextInt(clusters.size())).name(), null));
        return routes;
    }

    private static Route route(String name, String cluster, RoutePolicy policy) {
        String prefix = name.startsWith("root") ? "/" : "/" + name;
        return new Route("ns/" + name, "Ingress/ns/" + name, RouteMatch.path(PathMatch.prefix(prefix)),
                RouteAction.Forward.to(cluster), policy);
    }

    private Cluster cluster(String name) {
        return new Cluster(name, Cluster.Protocol.HTTP1, endpoints(), null,
                random.nextInt(4) == 0 ? HEALTH_CHECKED : ClusterPolicy.DEFAULTS);
    }

    /** A few endpoints of a small pool, so that clusters share some. */
    private List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        TreeSet<Integer> picked = new TreeSet<>();
        while (picked.size() < n) {
            picked.add(random.nextInt(30));
        }
        for (int i : picked) {
            boolean terminating = random.nextInt(6) == 0;
            out.add(new Endpoint("10.0.0." + (i + 1), 8080, 1, null, !terminating, true, terminating));
        }
        return out;
    }

    private static void assertSame(DataPlane incremental, DataPlane whole, RoutingTable expected, String when) {
        RoutingTable t = incremental.table();
        assertThat(t.hash()).as(when + ": table hash").isEqualTo(expected.hash())
                .isEqualTo(TableCodec.contentHash(t)).isEqualTo(whole.table().hash());
        assertThat(t.virtualHosts()).as(when + ": hosts").isEqualTo(expected.virtualHosts());
        assertThat(t.clusters()).as(when + ": clusters").isEqualTo(expected.clusters());
        Router a = incremental.router();
        Router b = whole.router();
        assertThat(a.clusters()).hasSameSizeAs(b.clusters());
        for (Cluster c : expected.clusters()) {
            CompiledCluster ca = a.cluster(c.name());
            CompiledCluster cb = b.cluster(c.name());
            assertThat(ca.cluster()).as(when + ": cluster " + c.name()).isEqualTo(c).isEqualTo(cb.cluster());
            assertThat(ca.endpointKeys()).isEqualTo(cb.endpointKeys());
            assertThat(ca.servingKeys()).isEqualTo(cb.servingKeys());
        }
        assertThat(names(a.healthCheckedClusters())).as(when + ": health checked")
                .isEqualTo(names(b.healthCheckedClusters()));
        assertThat(new TreeSet<>(a.routeNames())).as(when + ": route names").isEqualTo(new TreeSet<>(b.routeNames()));
        assertThat(new TreeSet<>(a.authEndpointKeys())).isEqualTo(new TreeSet<>(b.authEndpointKeys()));
        assertThat(a.listenerPorts()).as(when + ": listener ports").isEqualTo(b.listenerPorts());
        List<String> asked = new ArrayList<>();
        for (VirtualHost vh : expected.virtualHosts()) {
            asked.add(vh.isWildcard() ? "x.y." + vh.hostname().substring(2) : vh.hostname());
            asked.add(vh.isWildcard() ? "x." + vh.hostname().substring(2) : vh.hostname().toUpperCase() + ":80");
        }
        asked.add("nobody.test");
        asked.add(null);
        List<Integer> ports = new ArrayList<>(List.of(-1, 80));
        expected.virtualHosts().forEach(vh -> {
            if (vh.listener() != null) {
                ports.add(vh.listener().port());
            }
        });
        for (int port : ports) {
            for (String host : asked) {
                for (String path : List.of("/", "/r1", "/x")) {
                    CompiledRoute ra = a.route(port, host, path, null, "GET", new DefaultHttpHeaders());
                    CompiledRoute rb = b.route(port, host, path, null, "GET", new DefaultHttpHeaders());
                    assertThat(ra == null ? null : ra.route()).as(when + ": %s %s on %d", host, path, port)
                            .isEqualTo(rb == null ? null : rb.route());
                    if (ra != null) {
                        // the route forwards to the cluster the table has now, not one compiled before
                        CompiledCluster picked = ra.pickCluster();
                        assertThat(picked).as(when + ": %s %s: its cluster", host, path)
                                .isSameAs(a.cluster(picked.name()));
                        assertThat(picked.cluster()).isEqualTo(rb.pickCluster().cluster());
                    }
                }
            }
        }
        EndpointBook ea = incremental.endpointBook();
        EndpointBook eb = whole.endpointBook();
        assertThat(new TreeMap<>(ea.knownEndpoints())).as(when + ": endpoints known")
                .isEqualTo(new TreeMap<>(eb.knownEndpoints()));
        assertThat(new TreeSet<>(ea.servingKeys())).as(when + ": endpoints serving")
                .isEqualTo(new TreeSet<>(eb.servingKeys()));
        TreeSet<String> expectedServing = new TreeSet<>();
        b.clusters().forEach(c -> expectedServing.addAll(c.servingKeys()));
        expectedServing.addAll(b.authEndpointKeys());
        assertThat(new TreeSet<>(ea.servingKeys())).as(when + ": serving, from the table").isEqualTo(expectedServing);
    }

    private static TreeSet<String> names(java.util.Collection<CompiledCluster> clusters) {
        return clusters.stream().map(CompiledCluster::name).collect(Collectors.toCollection(TreeSet::new));
    }
}
