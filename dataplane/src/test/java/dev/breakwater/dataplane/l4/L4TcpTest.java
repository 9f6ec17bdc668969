package dev.breakwater.dataplane.l4;

import static dev.breakwater.dataplane.l4.L4Tables.cluster;
import static dev.breakwater.dataplane.l4.L4Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.EchoClient;
import dev.breakwater.dataplane.testing.EchoServer;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.RoutingTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** TCP listeners of the routing table, with real echo servers and real sockets. */
class L4TcpTest {

    private static DataPlane dataPlane() throws InterruptedException {
        return DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
    }

    @Test
    void bytesGoBothWaysAndAHalfCloseIsPassedOn() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); DataPlane dp = dataPlane()) {
            dp.apply(table(List.of(cluster("db", a.port())), L4Listener.tcp(port, L4Route.to("tcp/" + port, "db"))));
            try (EchoClient c = new EchoClient(port)) {
                assertThat(c.endpoint()).isEqualTo("a");
                assertThat(c.echo("hello")).isEqualTo("hello");
                // half-close: the echo server sees the end of our bytes, answers what is left and closes its side
                c.socket().getOutputStream().write("last".getBytes(StandardCharsets.US_ASCII));
                c.socket().shutdownOutput();
                byte[] rest = c.socket().getInputStream().readAllBytes();
                assertThat(new String(rest, StandardCharsets.US_ASCII)).isEqualTo("last");
            }
            assertThat(dp.l4().metrics().count("breakwater_l4_connections", "tcp/" + port, "127.0.0.1:" + a.port()))
                    .isEqualTo(1);
        }
    }

    @Test
    void aLargeTransferArrivesWholeBothWays() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); DataPlane dp = dataPlane()) {
            dp.apply(table(List.of(cluster("db", a.port())), L4Listener.tcp(port, L4Route.to("tcp/" + port, "db"))));
            byte[] payload = new byte[8 * 1024 * 1024];
            new Random(7).nextBytes(payload);
            try (EchoClient c = new EchoClient(port)) {
                Socket s = c.socket();
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        for (int off = 0; off < payload.length; off += 65536) {
                            out.write(payload, off, Math.min(65536, payload.length - off));
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                // read slowly at first, so that the proxy must stop reading the echo server (and it the client)
                InputStream in = s.getInputStream();
                Thread.sleep(300);
                byte[] back = in.readAllBytes();
                writer.join();
                assertThat(back).isEqualTo(payload);
            }
        }
    }

    @Test
    void parallelUploadsEndedByAHalfCloseAllGetTheAnswerSentAfterIt() throws Exception {
        int port = FreePorts.tcp();
        // a sink: reads each connection to its end, then answers how many bytes it read and closes
        try (ServerSocket sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); DataPlane dp = dataPlane()) {
            Thread acceptor = new Thread(() -> {
                while (!sink.isClosed()) {
                    try {
                        Socket s = sink.accept();
                        Thread t = new Thread(() -> {
                            try (s) {
                                long n = s.getInputStream().transferTo(OutputStream.nullOutputStream());
                                s.getOutputStream().write(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                            } catch (IOException ignored) {
                                // counted as a failure by the client
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            dp.apply(table(List.of(cluster("sink", sink.getLocalPort())),
                    L4Listener.tcp(port, L4Route.to("tcp/" + port, "sink"))));
            int size = 4 * 1024 * 1024;
            List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.setSoTimeout(20_000);
                        byte[] chunk = new byte[65536];
                        for (int sent = 0; sent < size; sent += chunk.length) {
                            s.getOutputStream().write(chunk);
                        }
                        s.shutdownOutput();
                        answers.add(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        answers.add(e.toString());
                    }
                });
                t.start();
                clients.add(t);
            }
            for (Thread t : clients) {
                t.join();
            }
            assertThat(answers).hasSize(8).allSatisfy(a -> assertThat(a).isEqualTo(Integer.toString(size)));
        }
    }

    @Test
    void aRefusedConnectIsTriedOnAnotherEndpoint() throws Exception {
        int port = FreePorts.tcp();
        int dead = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); DataPlane dp = dataPlane()) {
            dp.apply(table(List.of(cluster("db", dead, a.port())),
                    L4Listener.tcp(port, L4Route.to("tcp/" + port, "db"))));
            for (int i = 0; i < 6; i++) {
                try (EchoClient c = new EchoClient(port)) {
                    assertThat(c.endpoint()).isEqualTo("a");
                }
            }
            assertThat(dp.l4().metrics().count("breakwater_l4_connect_failures", "tcp/" + port, "127.0.0.1:" + dead))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aClientWithoutAnyEndpointIsClosed() throws Exception {
        int port = FreePorts.tcp();
        try (DataPlane dp = dataPlane()) {
            dp.apply(table(List.of(cluster("db", List.of())), L4Listener.tcp(port, L4Route.to("tcp/" + port, "db"))));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void anIdleConnectionIsClosedAtTheIdleTimeout() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); DataPlane dp = dataPlane()) {
            L4Route route = L4Route.to("tcp/" + port, "db").withPolicy(L4Policy.DEFAULTS.withIdleTimeoutMillis(200));
            dp.apply(table(List.of(cluster("db", a.port())), L4Listener.tcp(port, route)));
            try (EchoClient c = new EchoClient(port)) {
                assertThat(c.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void aPortThatCannotBeBoundIsRefusedNamingItAndTheTableBeforeKeepsServing() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); DataPlane dp = dataPlane();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            RoutingTable first = table(List.of(cluster("db", a.port())),
                    L4Listener.tcp(port, L4Route.to("tcp/" + port, "db"))).withVersion(1);
            dp.apply(first);
            RoutingTable bad = table(List.of(cluster("db", a.port())),
                    L4Listener.tcp(port, L4Route.to("tcp/" + port, "db")),
                    L4Listener.tcp(taken.getLocalPort(), L4Route.to("tcp/x", "db"))).withVersion(2);
            assertThatThrownBy(() -> dp.apply(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("L4 listener tcp/" + taken.getLocalPort())
                    .hasMessageContaining("cannot bind port " + taken.getLocalPort());
            assertThat(dp.table().version()).isEqualTo(1);
            try (EchoClient c = new EchoClient(port)) {
                assertThat(c.echo("still")).isEqualTo("still");
            }
        }
    }

    @Test
    void aRouteNamingAMissingClusterIsRefused() throws Exception {
        int port = FreePorts.tcp();
        try (DataPlane dp = dataPlane()) {
            assertThatThrownBy(() -> dp.apply(table(List.of(), L4Listener.tcp(port, L4Route.to("tcp/" + port, "db")))))
                    .hasMessageContaining("L4 listener tcp/" + port + ": route tcp/" + port
                            + ": cluster db is not in the table");
            assertThat(dp.l4().port("tcp/" + port)).isEqualTo(-1);
        }
    }

    @Test
    void fiftyOpenConnectionsStayOpenAcrossTableSwapsThatAddAndDropOtherListeners() throws Exception {
        int port = FreePorts.tcp();
        int other = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); EchoServer b = EchoServer.start("b"); DataPlane dp = dataPlane()) {
            L4Listener main = L4Listener.tcp(port, L4Route.to("tcp/" + port, "db"));
            RoutingTable plain = table(List.of(cluster("db", a.port(), b.port())), main);
            RoutingTable more = table(List.of(cluster("db", a.port(), b.port()), cluster("x", a.port())), main,
                    L4Listener.tcp(other, L4Route.to("tcp/" + other, "x")));
            dp.apply(plain);
            List<EchoClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    clients.add(new EchoClient(port));
                }
                for (int swap = 1; swap <= 20; swap++) {
                    dp.apply((swap % 2 == 0 ? plain : more).withVersion(swap));
                    for (EchoClient c : clients) {
                        assertThat(c.echo("s" + swap)).isEqualTo("s" + swap);
                    }
                }
                assertThat(dp.l4().port("tcp/" + other)).isEqualTo(-1);
                assertThat(dp.l4().openConnections()).isEqualTo(50);
            } finally {
                for (EchoClient c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aRemovedEndpointGetsNoNewConnectionAndItsOpenOnesCloseAtTheDrainTimeout() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); EchoServer b = EchoServer.start("b"); DataPlane dp = dataPlane()) {
            L4Route route = L4Route.to("tcp/" + port, "db").withPolicy(L4Policy.DEFAULTS.withDrainTimeoutMillis(1500));
            dp.apply(table(List.of(cluster("db", a.port(), b.port())), L4Listener.tcp(port, route)));
            Map<String, List<EchoClient>> byEndpoint = new HashMap<>();
            for (int i = 0; i < 8; i++) {
                EchoClient c = new EchoClient(port);
                byEndpoint.computeIfAbsent(c.endpoint(), k -> new ArrayList<>()).add(c);
            }
            assertThat(byEndpoint).containsOnlyKeys("a", "b");
            long removedAt = System.nanoTime();
            dp.apply(table(List.of(cluster("db", a.port())), L4Listener.tcp(port, route)).withVersion(2));
            // still served while draining
            for (EchoClient c : byEndpoint.get("b")) {
                assertThat(c.echo("draining")).isEqualTo("draining");
            }
            for (int i = 0; i < 4; i++) {
                try (EchoClient c = new EchoClient(port)) {
                    assertThat(c.endpoint()).isEqualTo("a");
                }
            }
            for (EchoClient c : byEndpoint.get("b")) {
                assertThat(c.closedByPeer()).isTrue();
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removedAt)).isGreaterThanOrEqualTo(1400);
            for (EchoClient c : byEndpoint.get("a")) {
                assertThat(c.echo("kept")).isEqualTo("kept");
                c.close();
            }
            assertThat(dp.l4().metrics().count("breakwater_l4_drained_connections", "tcp/" + port,
                    "127.0.0.1:" + b.port())).isEqualTo(byEndpoint.get("b").size());
        }
    }

    @Test
    void aTerminatingEndpointDrainsLikeARemovedOne() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); DataPlane dp = dataPlane()) {
            L4Route route = L4Route.to("tcp/" + port, "db").withPolicy(L4Policy.DEFAULTS.withDrainTimeoutMillis(300));
            dp.apply(table(List.of(cluster("db", a.port())), L4Listener.tcp(port, route)));
            try (EchoClient c = new EchoClient(port)) {
                Endpoint terminating = new Endpoint("127.0.0.1", a.port(), 1, null, false, true, true);
                Endpoint other = new Endpoint("127.0.0.1", FreePorts.tcp(), 1, null, true, true, false);
                dp.apply(table(List.of(cluster("db", List.of(terminating, other))), L4Listener.tcp(port, route))
                        .withVersion(2));
                assertThat(c.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void aListenerLeavingTheTableStopsAcceptingAndItsConnectionsDrain() throws Exception {
        int port = FreePorts.tcp();
        int stays = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); DataPlane dp = dataPlane()) {
            L4Route route = L4Route.to("tcp/" + port, "db").withPolicy(L4Policy.DEFAULTS.withDrainTimeoutMillis(500));
            L4Listener kept = L4Listener.tcp(stays, L4Route.to("tcp/" + stays, "db"));
            dp.apply(table(List.of(cluster("db", a.port())), L4Listener.tcp(port, route), kept));
            try (EchoClient c = new EchoClient(port); EchoClient k = new EchoClient(stays)) {
                dp.apply(table(List.of(cluster("db", a.port())), kept).withVersion(2));
                assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                        .isInstanceOf(ConnectException.class);
                assertThat(c.echo("until the drain timeout")).isEqualTo("until the drain timeout");
                assertThat(c.closedByPeer()).isTrue();
                assertThat(k.echo("untouched")).isEqualTo("untouched");
            }
        }
    }

    @Test
    void leastConnectionsSpreadsLongConnectionsEvenly() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); EchoServer b = EchoServer.start("b"); DataPlane dp =
                DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start()) {
            L4Route route = L4Route.to("tcp/" + port, "db")
                    .withPolicy(L4Policy.DEFAULTS.withBalancer(L4Policy.Balancer.LEAST_CONNECTIONS));
            dp.apply(table(List.of(cluster("db", a.port(), b.port())), L4Listener.tcp(port, route)));
            List<EchoClient> held = new ArrayList<>();
            try {
                // two held on a; closing them leaves a with none, so the next two go to a
                for (int i = 0; i < 4; i++) {
                    held.add(new EchoClient(port));
                }
                assertThat(held.stream().filter(c -> c.endpoint().equals("a")).count()).isEqualTo(2);
                for (EchoClient c : List.copyOf(held)) {
                    if (c.endpoint().equals("a")) {
                        c.close();
                        held.remove(c);
                    }
                }
                Thread.sleep(200);
                for (int i = 0; i < 2; i++) {
                    EchoClient c = new EchoClient(port);
                    held.add(c);
                    assertThat(c.endpoint()).isEqualTo("a");
                }
            } finally {
                for (EchoClient c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void sourceHashKeepsAClientOnOneEndpoint() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a"); EchoServer b = EchoServer.start("b");
             EchoServer c = EchoServer.start("c"); DataPlane dp = dataPlane()) {
            L4Route route = L4Route.to("tcp/" + port, "db")
                    .withPolicy(L4Policy.DEFAULTS.withBalancer(L4Policy.Balancer.SOURCE_HASH));
            dp.apply(table(List.of(cluster("db", a.port(), b.port(), c.port())), L4Listener.tcp(port, route)));
            String first;
            try (EchoClient e = new EchoClient(port)) {
                first = e.endpoint();
            }
            for (int i = 0; i < 10; i++) {
                try (EchoClient e = new EchoClient(port)) {
                    assertThat(e.endpoint()).isEqualTo(first);
                }
            }
        }
    }
}
