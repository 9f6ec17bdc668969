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
    }

    @Test
    void aTrustedPeerWithoutAHeaderAndAClientWithoutAClientHelloAreClosedAtTheirTimeouts() throws Exception {
        EdgeOptions options = new EdgeOptions();
        options.accept("--proxy-protocol-from", "127.0.0.1/32, ::1");
        options.accept("--proxy-protocol-header-timeout", "300ms");
        options.accept("--client-hello-timeout", "300ms");
        int passthrough = FreePorts.tcp();
        try (DataPlane dp = options.applyTo(DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0))
                .build().start()) {
            Cluster c = new Cluster("c", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", 9)));
            dp.apply(RoutingTable.of(List.of(), List.of(c)).withL4(new L4Routes(List.of(new L4Listener(passthrough,
                    L4Listener.Protocol.TCP, null, List.of(new SniRoute("a.example.com", L4Route.to("a", "c"))),
                    List.of())), List.of())));
            for (int port : new int[] {dp.httpPort(), passthrough}) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(5000);
                    long start = System.nanoTime();
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(250);
                }
            }
        }
    }
}
