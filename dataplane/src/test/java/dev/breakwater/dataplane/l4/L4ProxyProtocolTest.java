package dev.breakwater.dataplane.l4;

import static dev.breakwater.dataplane.l4.L4Tables.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import dev.breakwater.dataplane.testing.EchoServer;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.dataplane.testing.HaproxyProcess;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.ProxyProtocolVersion;
import dev.breakwater.routing.RoutingTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol, v1 and v2, both ways: accepted from trusted peers on L4 listeners and on the HTTP port (the
 * client address then reaches X-Forwarded-For), refused from others; sent to endpoints when a route asks. The far
 * side is a real HAProxy where one is installed; clients connect from 127.0.0.2 so that the address told differs
 * from the one a socket shows.
 */
class L4ProxyProtocolTest {

    private static final String CLIENT_IP = "127.0.0.2";

    /** An HTTP/1.1 GET over a socket bound to {@value #CLIENT_IP}; the whole answer. */
    private static String get(int port, String host) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(CLIENT_IP, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /who HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static boolean refused(Socket s) {
        try {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return s.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void theHttpPortTakesTheClientOfATrustedHeaderAndRefusesOtherPeers() throws Exception {
        try (TestBackend web = TestBackend.start("web");
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0)
                     .proxyProtocolFrom(TrustedSources.parse(List.of("127.0.0.1/32"))).build().start()) {
            dp.apply(Tables.builder().cluster("web", web).prefix("web.example.com", "/", "web").build());
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), dp.httpPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("PROXY TCP4 203.0.113.7 192.0.2.1 5555 80\r\nGET / HTTP/1.1\r\n"
                        + "Host: web.example.com\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 200").contains("header.x-forwarded-for=203.0.113.7");
            }
            // a trusted peer without a header, and a peer outside the trusted range
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), dp.httpPort())) {
                assertThat(refused(s)).isTrue();
            }
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(CLIENT_IP, 0));
                s.connect(new InetSocketAddress("127.0.0.1", dp.httpPort()));
                assertThat(refused(s)).isTrue();
            }
            assertThat(dp.l4().metrics().count("breakwater_l4_proxy_protocol_refused", "http", null)).isEqualTo(2);
        }
    }

    @Test
    void haproxySendsV1AndV2ToTheHttpPort() throws Exception {
        assumeTrue(HaproxyProcess.available(), "HAProxy is not installed at /usr/sbin/haproxy (apt-get install "
                + "haproxy): skipped");
        int v1 = FreePorts.tcp();
        int v2 = FreePorts.tcp();
        try (TestBackend web = TestBackend.start("web");
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0)
                     .proxyProtocolFrom(TrustedSources.parse(List.of("127.0.0.1/32"))).build().start()) {
            dp.apply(Tables.builder().cluster("web", web).prefix("web.example.com", "/", "web").build());
            String config = "listen v1\n    bind 127.0.0.1:" + v1 + "\n    mode tcp\n    server bw 127.0.0.1:"
                    + dp.httpPort() + " send-proxy\n\nlisten v2\n    bind 127.0.0.1:" + v2 + "\n    mode tcp\n"
                    + "    server bw 127.0.0.1:" + dp.httpPort() + " send-proxy-v2\n";
            try (HaproxyProcess haproxy = HaproxyProcess.start(config, v1, v2)) {
                assertThat(get(v1, "web.example.com")).contains("header.x-forwarded-for=" + CLIENT_IP);
                assertThat(get(v2, "web.example.com")).contains("header.x-forwarded-for=" + CLIENT_IP);
            }
        }
    }

    @Test
    void anL4ListenerTakesTheHeaderOfHaproxyAndARouteSendsItOnToHaproxy() throws Exception {
        assumeTrue(HaproxyProcess.available(), "HAProxy is not installed at /usr/sbin/haproxy (apt-get install "
                + "haproxy): skipped");
        int front = FreePorts.tcp();
        int l4v1 = FreePorts.tcp();
        int l4v2 = FreePorts.tcp();
        int back = FreePorts.tcp();
        try (TestBackend web = TestBackend.start("web");
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).build().start()) {
            // client -> haproxy (send-proxy-v2) -> L4 listener (accepts it) -> route sends v1 / v2 -> haproxy
            // (accept-proxy, mode http, forwardfor) -> web: web sees the client's address
            L4Route v1 = L4Route.to("v1", "back")
                    .withPolicy(L4Policy.DEFAULTS.withSendProxyProtocol(ProxyProtocolVersion.V1));
            L4Route v2 = L4Route.to("v2", "back")
                    .withPolicy(L4Policy.DEFAULTS.withSendProxyProtocol(ProxyProtocolVersion.V2));
            RoutingTable table = RoutingTable.of(List.of(), List.of(cluster("back", back))).withL4(new L4Routes(
                    List.of(new L4Listener(l4v1, L4Listener.Protocol.TCP, v1, List.of(), List.of("127.0.0.1/32")),
                            new L4Listener(l4v2, L4Listener.Protocol.TCP, v2, List.of(), List.of())), List.of()));
            dp.apply(table);
            String config = "listen front\n    bind 127.0.0.1:" + front + "\n    mode tcp\n    server bw 127.0.0.1:"
                    + l4v1 + " send-proxy-v2\n\nfrontend back\n    bind 127.0.0.1:" + back + " accept-proxy\n"
                    + "    mode http\n    option forwardfor\n    default_backend web\n\nbackend web\n    mode http\n"
                    + "    server web 127.0.0.1:" + web.port() + "\n";
            try (HaproxyProcess haproxy = HaproxyProcess.start(config, front, back)) {
                assertThat(get(front, "web.example.com")).startsWith("HTTP/1.1 200")
                        .contains("header.x-forwarded-for=" + CLIENT_IP);
                assertThat(get(l4v2, "web.example.com")).startsWith("HTTP/1.1 200")
                        .contains("header.x-forwarded-for=" + CLIENT_IP);
            }
        }
    }

    @Test
    void anL4ListenerRefusesUntrustedPeersAndTrustedOnesWithoutAHeader() throws Exception {
        int port = FreePorts.tcp();
        try (EchoServer a = EchoServer.start("a");
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).build().start()) {
            dp.apply(RoutingTable.of(List.of(), List.of(cluster("db", a.port()))).withL4(new L4Routes(List.of(
                    new L4Listener(port, L4Listener.Protocol.TCP, L4Route.to("db", "db"), List.of(),
                            List.of("127.0.0.1/32"))), List.of())));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("PROXY TCP4 198.51.100.1 127.0.0.1 4000 5432\r\nhi"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("a:hi");
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(refused(s)).isTrue();
            }
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(CLIENT_IP, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port));
                assertThat(refused(s)).isTrue();
            }
            assertThat(dp.l4().metrics().count("breakwater_l4_proxy_protocol_refused", "tcp/" + port, null))
                    .isEqualTo(2);
        }
    }
}
