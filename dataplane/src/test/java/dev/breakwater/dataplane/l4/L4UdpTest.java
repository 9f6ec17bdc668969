package dev.breakwater.dataplane.l4;

import static dev.breakwater.dataplane.l4.L4Tables.cluster;
import static dev.breakwater.dataplane.l4.L4Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.dataplane.testing.TinyDns;
import dev.breakwater.dataplane.testing.UdpEchoServer;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Route;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** UDP listeners with real UDP servers: sessions per client, their limit and idle timeout, and a real dig. */
class L4UdpTest {

    private static DataPlane dataPlane() throws InterruptedException {
        return DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
    }

    private static String roundTrip(DatagramSocket client, int port, String text) throws Exception {
        byte[] out = text.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", port)));
        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
        client.receive(in);
        // the reply comes from the address the client sent to
        assertThat(in.getSocketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", port));
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void eachClientGetsItsOwnRepliesFromTheListenersAddress() throws Exception {
        int port = FreePorts.udp();
        try (UdpEchoServer a = UdpEchoServer.echo("a"); DataPlane dp = dataPlane();
             DatagramSocket one = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket two = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            one.setSoTimeout(5000);
            two.setSoTimeout(5000);
            dp.apply(table(List.of(cluster("dns", a.port())), L4Listener.udp(port, L4Route.to("udp/" + port, "dns"))));
            assertThat(roundTrip(one, port, "first")).isEqualTo("a:first");
            assertThat(roundTrip(two, port, "second")).isEqualTo("a:second");
            assertThat(roundTrip(one, port, "again")).isEqualTo("a:again");
            assertThat(dp.l4().metrics().gaugeValue("breakwater_l4_udp_sessions_active", "udp/" + port)).isEqualTo(2);
            assertThat(dp.l4().metrics().count("breakwater_l4_received_bytes", "udp/" + port,
                    "127.0.0.1:" + a.port())).isEqualTo("firstsecondagain".length());
        }
    }

    @Test
    void aNewClientBeyondTheSessionLimitIsDroppedAndIdleSessionsEnd() throws Exception {
        int port = FreePorts.udp();
        try (UdpEchoServer a = UdpEchoServer.echo("a"); DataPlane dp = dataPlane();
             DatagramSocket one = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket two = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            one.setSoTimeout(3000);
            two.setSoTimeout(500);
            L4Route route = L4Route.to("udp/" + port, "echo").withPolicy(L4Policy.DEFAULTS.withMaxSessions(1)
                    .withSessionIdleTimeoutMillis(400));
            dp.apply(table(List.of(cluster("echo", a.port())), L4Listener.udp(port, route)));
            assertThat(roundTrip(one, port, "in")).isEqualTo("a:in");
            assertThatThrownBy(() -> roundTrip(two, port, "out")).isInstanceOf(SocketTimeoutException.class);
            assertThat(dp.l4().metrics().count("breakwater_l4_udp_sessions_refused", "udp/" + port, null))
                    .isEqualTo(1);
            Thread.sleep(1000);
            assertThat(dp.l4().metrics().gaugeValue("breakwater_l4_udp_sessions_active", "udp/" + port)).isZero();
            two.setSoTimeout(3000);
            assertThat(roundTrip(two, port, "now")).isEqualTo("a:now");
        }
    }

    @Test
    void digResolvesThroughTheListener() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dig")), "dig is not installed (apt-get install dnsutils): "
                + "skipped");
        int port = FreePorts.udp();
        try (UdpEchoServer dns = UdpEchoServer.with(TinyDns.answering(new byte[] {(byte) 192, 0, 2, 53}));
             DataPlane dp = dataPlane()) {
            dp.apply(table(List.of(cluster("dns", dns.port())), L4Listener.udp(port, L4Route.to("udp/" + port,
                    "dns"))));
            Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(port), "+short", "+tries=1",
                    "+time=3", "db.example.test", "A").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            assertThat(out).isEqualTo("192.0.2.53");
        }
    }
}
