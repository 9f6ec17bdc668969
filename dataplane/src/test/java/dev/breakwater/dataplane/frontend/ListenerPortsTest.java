package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.VirtualHost;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A Gateway's own ports: the data plane listens on the listener ports its table names, each serving only its own
 * hosts, while the shared port keeps serving the rest; a port the next table drops is closed.
 */
class ListenerPortsTest {

    private static Route everything(String name, String cluster) {
        return new Route(name, "HTTPRoute/gw/" + name, RouteMatch.path(PathMatch.prefix("/")),
                RouteAction.Forward.to(cluster), null);
    }

    private static RoutingTable table(TestBackend a, TestBackend b, TestBackend shared, List<ListenerPort> ports) {
        List<VirtualHost> hosts = new ArrayList<>();
        hosts.add(new VirtualHost("*", List.of(everything("shared", "shared"))));
        String[] clusters = {"a", "b"};
        for (int i = 0; i < ports.size(); i++) {
            hosts.add(new VirtualHost("*", List.of(everything(clusters[i], clusters[i])), null, null, null,
                    ports.get(i)));
        }
        return RoutingTable.of(hosts, List.of(
                new Cluster("a", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", a.port()))),
                new Cluster("b", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", b.port()))),
                new Cluster("shared", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", shared.port())))));
    }

    private static String backendOf(int port, boolean tls) throws IOException {
        try (RawHttp c = tls ? RawHttp.tls(port, "any.example.com") : new RawHttp(port)) {
            RawHttp.Response r = c.send("GET /x HTTP/1.1\r\nHost: any.example.com\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            return r.header("X-Backend");
        }
    }

    @Test
    void eachListenerPortServesOnlyItsOwnHostsAndTheSharedPortTheRest() throws Exception {
        int plain = FreePorts.tcp();
        int tls = FreePorts.tcp();
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
             TestBackend shared = TestBackend.start("shared");
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                     .workers(2).build().start()) {
            proxy.apply(table(a, b, shared, List.of(new ListenerPort(plain, false), new ListenerPort(tls, true))));

            assertThat(backendOf(plain, false)).isEqualTo("a");
            assertThat(backendOf(tls, true)).isEqualTo("b");
            assertThat(backendOf(proxy.httpPort(), false)).isEqualTo("shared");
            assertThat(backendOf(proxy.httpsPort(), true)).isEqualTo("shared");
            assertThat(proxy.listenerPorts().ports()).containsExactlyInAnyOrder(new ListenerPort(plain, false),
                    new ListenerPort(tls, true));

            // the next table drops the TLS port: it is closed, the plain one stays
            proxy.apply(table(a, b, shared, List.of(new ListenerPort(plain, false))).withVersion(2));

            assertThat(backendOf(plain, false)).isEqualTo("a");
            assertThat(proxy.listenerPorts().ports()).containsExactly(new ListenerPort(plain, false));
            assertThatThrownBy(() -> new Socket("127.0.0.1", tls).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aPortThatCannotBeBoundFailsTheTableAndTheLastOneKeepsServing() throws Exception {
        int plain = FreePorts.tcp();
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
             TestBackend shared = TestBackend.start("shared");
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 50,
                     java.net.InetAddress.getByName("127.0.0.1"));
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                     .build().start()) {
            proxy.apply(table(a, b, shared, List.of(new ListenerPort(plain, false))));

            assertThatThrownBy(() -> proxy.apply(table(a, b, shared, List.of(new ListenerPort(plain, false),
                    new ListenerPort(taken.getLocalPort(), false))).withVersion(2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http/" + taken.getLocalPort());
            assertThatThrownBy(() -> proxy.apply(table(a, b, shared, List.of(new ListenerPort(plain, false),
                    new ListenerPort(FreePorts.tcp(), true))).withVersion(3)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no TLS");

            assertThat(proxy.table().version()).isEqualTo(0);
            assertThat(backendOf(plain, false)).isEqualTo("a");
            assertThat(proxy.listenerPorts().ports()).containsExactly(new ListenerPort(plain, false));
        }
    }
    /**
     * Tables handed over with their changes (as deltas name them) open and close the ports that tables given whole
     * would, over random steps: hosts on listener ports added, removed, moved to another port, their routes changed,
     * and tables refused for a port both plain and TLS, after which the next changes still apply.
     */
    @Test
    void portsFollowTheChangesOfASwap() throws Exception {
        List<Integer> free = List.of(FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp());
        Random random = new Random(20261203);
        try (TestBackend shared = TestBackend.start("shared");
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                     .workers(1).build().start()) {
            Cluster cluster = new Cluster("shared", Cluster.Protocol.HTTP1,
                    List.of(Endpoint.ready("127.0.0.1", shared.port())));
            List<VirtualHost> hosts = new ArrayList<>(List.of(new VirtualHost("*", List.of(everything("s", "shared")))));
            RoutingTable served = RoutingTable.of(hosts, List.of(cluster));
            proxy.apply(served);
            int refused = 0;
            for (int step = 1; step <= 60; step++) {
                List<VirtualHost> next = new ArrayList<>(served.virtualHosts());
                String name = "h" + random.nextInt(6) + ".ports.test";
                next.removeIf(h -> h.hostname().equals(name));
                if (random.nextInt(4) != 0) {
                    int port = free.get(random.nextInt(free.size()));
                    next.add(random.nextInt(next.size() + 1), new VirtualHost(name, List.of(everything("r" + step,
                            "shared")), null, null, null, new ListenerPort(port, port == free.get(1))));
                }
                if (random.nextInt(8) == 0) {
                    // a host on a port some host has, with the other TLS setting: the table is refused
                    next.stream().filter(h -> h.listener() != null).findAny().ifPresent(h -> next.add(new VirtualHost(
                            "other.ports.test", List.of(everything("o", "shared")), null, null, null,
                            new ListenerPort(h.listener().port(), !h.listener().tls()))));
                }
                RoutingTable table = RoutingTable.of(next, List.of(cluster)).withVersion(step);
                TreeSet<String> wanted = new TreeSet<>();
                boolean conflict = false;
                java.util.Map<Integer, Boolean> tlsOf = new java.util.HashMap<>();
                for (VirtualHost vh : next) {
                    if (vh.listener() != null) {
                        wanted.add(vh.listener().toString());
                        Boolean was = tlsOf.putIfAbsent(vh.listener().port(), vh.listener().tls());
                        conflict |= was != null && was != vh.listener().tls();
                    }
                }
                TreeSet<String> before = listening(proxy);
                if (conflict) {
                    assertThatThrownBy(() -> proxy.apply(table, TableChanges.between(proxy.table(), table)))
                            .as("step %d", step).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("is both");
                    assertThat(listening(proxy)).as("step %d: refused, the ports stay", step).isEqualTo(before);
                    refused++;
                    continue;
                }
                proxy.apply(table, TableChanges.between(proxy.table(), table));
                served = table;
                assertThat(listening(proxy)).as("step %d", step).isEqualTo(wanted);
                for (ListenerPort p : proxy.listenerPorts().ports()) {
                    new Socket("127.0.0.1", p.port()).close();
                }
            }
            assertThat(refused).as("tables refused").isGreaterThan(0);
        }
    }

    private static TreeSet<String> listening(DataPlane proxy) {
        TreeSet<String> out = new TreeSet<>();
        proxy.listenerPorts().ports().forEach(p -> out.add(p.toString()));
        return out;
    }
}
