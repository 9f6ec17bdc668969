package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SniRoute;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command-line options of the PROXY protocol and TLS passthrough, and the limits they set, on real sockets. */
class L4OptionsTest {

    @Test
    void badValuesNameTheOptionAndWhatWasExpected() {
        EdgeOptions options = new EdgeOptions();
        assertThatThrownBy(() -> options.accept("--proxy-protocol-from", "10.0.0.0/8,lb.example.com"))
                .hasMessageStartingWith("--proxy-protocol-from: \"lb.example.com\" is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> options.accept("--proxy-protocol-header-timeout", "0s"))
                .hasMessage("--proxy-protocol-header-timeout: 0ms (expected: more than 0)");
        assertThatThrownBy(() -> options.accept("--client-hello-timeout", "soon"))
                .hasMessageStartingWith("--client-hello-timeout: 'soon' (expected: a duration");
        assertThatThrownBy(() -> options.accept("--max-client-hello-size", "2Mi"))
                .hasMessage("--max-client-hello-size: 2097152 (expected: 1 to 1048576)");
        assertThatThrownBy(() -> options.accept("--max-client-hello-size", "big"))
                .hasMessageStartingWith("--max-client-hello-size: 'big' (expected: a size");
        assertThatThrownBy(() -> options.accept("--l4-backlog", "0"))
                .hasMessage("--l4-backlog: '0' (expected: a whole number, at least 1)");
        assertThatThrownBy(() -> options.accept("--l4-backlog", "70000"))
                .hasMessage("--l4-backlog: 70000 (expected: 1 to 65535)");
        assertThatThrownBy(() -> options.accept("--listen-backlog", "65536"))
                .hasMessage("--listen-backlog: 65536 (expected: 1 to 65535)");
        assertThatThrownBy(() -> options.accept("--accepts-per-wakeup", "0"))
                .hasMessage("--accepts-per-wakeup: '0' (expected: a whole number, at least 1)");
        assertThatThrownBy(() -> options.accept("--accepts-per-wakeup", "2000"))
                .hasMessage("--accepts-per-wakeup: 2000 (expected: 1 to 1024)");
        options.accept("--max-client-hello-size", "32Ki");
        options.accept("--l4-backlog", "128");
        options.accept("--listen-backlog", "512");
        options.accept("--accepts-per-wakeup", "16");
        assertThat(options.listenSettings()).isEqualTo(new dev.breakwater.dataplane.listen.ListenSettings(512, 16));
        assertThat(options.l4Settings().maxClientHelloLength()).isEqualTo(32 * 1024);
        assertThat(options.l4Settings().backlog()).isEqualTo(128);
    }

    @Test
    void aClientHelloLargerThanTheLimitIsClosedUnroutedAndTheBacklogsAreTheListenersAcceptQueues() throws Exception {
        EdgeOptions options = new EdgeOptions();
        options.accept("--max-client-hello-size", "64");
        options.accept("--l4-backlog", "37");
        options.accept("--listen-backlog", "41");
        int passthrough = FreePorts.tcp();
        try (java.net.ServerSocket backend = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             DataPlane dp = options.applyTo(DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0))
                     .build().start()) {
            Cluster c = new Cluster("c", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1",
                    backend.getLocalPort())));
            dp.apply(RoutingTable.of(List.of(), List.of(c)).withL4(new L4Routes(List.of(new L4Listener(passthrough,
                    L4Listener.Protocol.TCP, L4Route.to("default", "c"),
                    List.of(new SniRoute("a.example.com", L4Route.to("a", "c"))), List.of())), List.of())));

            // the kernel's view of the listeners: ss shows a listening socket's backlog as its Send-Q
            assertThat(backlogOf(passthrough)).isEqualTo("37");
            assertThat(backlogOf(dp.httpPort())).as("--listen-backlog, on the HTTP listener").isEqualTo("41");

            // a real ClientHello (a few hundred bytes) to a listener that reads at most 64 of them: closed, never
            // spliced to an endpoint (not even the default route's)
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, null, null);
            try (javax.net.ssl.SSLSocket client = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), passthrough)) {
                client.setSoTimeout(10_000);
                javax.net.ssl.SSLParameters p = client.getSSLParameters();
                p.setServerNames(List.of(new javax.net.ssl.SNIHostName("a.example.com")));
                client.setSSLParameters(p);
                assertThatThrownBy(client::startHandshake).isInstanceOf(java.io.IOException.class)
                        .isNotInstanceOf(java.net.SocketTimeoutException.class);
            }
            backend.setSoTimeout(1);
            assertThatThrownBy(backend::accept).isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aTrustedPeerWithoutAHeaderAndAClientWithoutAClientHelloAreClosedAtTheirTimeouts() throws Exception {
        // under timeouts of an hour, a peer that sends nothing is still connected when its own read gives up...
        int passthrough = FreePorts.tcp();
        try (DataPlane dp = withSilencePolicedAfter("1h", passthrough)) {
            for (int port : new int[] {dp.httpPort(), passthrough}) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(500);
                    assertThatThrownBy(() -> s.getInputStream().read()).as("port %d", port)
                            .isInstanceOf(SocketTimeoutException.class);
                }
            }
        }
        // ...and under 300 ms the data plane closes it; the client waits 4 s, less than either default (5 s for the
        // header, 10 s for the ClientHello), so that only the options' values can close it in time
        passthrough = FreePorts.tcp();
        try (DataPlane dp = withSilencePolicedAfter("300ms", passthrough)) {
            for (int port : new int[] {dp.httpPort(), passthrough}) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(4000);
                    assertThat(s.getInputStream().read()).as("port %d", port).isEqualTo(-1);
                }
            }
        }
    }

    /**
     * A data plane whose HTTP port trusts PROXY protocol headers from 127.0.0.1, beside a passthrough listener on
     * {@code passthrough}; {@code timeout} is both the header timeout and the ClientHello timeout.
     */
    private static DataPlane withSilencePolicedAfter(String timeout, int passthrough) throws Exception {
        EdgeOptions options = new EdgeOptions();
        options.accept("--proxy-protocol-from", "127.0.0.1/32, ::1");
        options.accept("--proxy-protocol-header-timeout", timeout);
        options.accept("--client-hello-timeout", timeout);
        DataPlane dp = options.applyTo(DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0))
                .build().start();
        Cluster c = new Cluster("c", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", 9)));
        dp.apply(RoutingTable.of(List.of(), List.of(c)).withL4(new L4Routes(List.of(new L4Listener(passthrough,
                L4Listener.Protocol.TCP, null, List.of(new SniRoute("a.example.com", L4Route.to("a", "c"))),
                List.of())), List.of())));
        return dp;
    }

    private static String backlogOf(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
        String line = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(ss.waitFor()).isZero();
        return line.trim().split("\\s+")[2];
    }
}
