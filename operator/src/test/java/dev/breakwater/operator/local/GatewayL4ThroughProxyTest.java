package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.dataplane.testing.TlsEchoServer;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gateway's TLS (Passthrough), TCP and UDP listeners with a TLSRoute, a TCPRoute and a UDPRoute in a local-mode
 * folder, served by a real data plane: a JDK TLS client naming a host by SNI completes its handshake with the real
 * TLS backend behind it (whose certificate it checks), a name no route has is refused, a TCP echo and a UDP datagram
 * come back through the proxy.
 */
class GatewayL4ThroughProxyTest {

    private static final TestPki PKI = TestPki.create("Gateway L4 test CA");

    @TempDir
    Path dir;

    private static int freeTcpPort() throws java.io.IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static int freeUdpPort() throws java.io.IOException {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** A Service {@code name} on port {@code port} whose one endpoint is 127.0.0.1:{@code target}. */
    private static String service(String name, int port, String protocol, int target) {
        return """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  ports: [{name: p, port: %2$d, targetPort: %4$d, protocol: %3$s}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %1$s-1
                  labels: {kubernetes.io/service-name: %1$s}
                addressType: IPv4
                ports: [{name: p, port: %4$d, protocol: %3$s}]
                endpoints:
                - addresses: ["127.0.0.1"]
                  conditions: {ready: true}
                """.formatted(name, port, protocol, target);
    }

    /** The backend's greeting and the echo of a line, through a JDK TLS client that checks the backend's name. */
    private static String tls(int port, String serverName) throws Exception {
        try (SSLSocket s = (SSLSocket) PKI.clientContext(null).getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(serverName)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.setSoTimeout(5000);
            s.getOutputStream().write("echo me\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            return r.readLine() + " " + r.readLine();
        }
    }

    @Test
    void tlsPassthroughByTheIntersectedSniNameTcpAndUdpReachTheirBackendsThroughTheProxy() throws Exception {
        int tlsPort = freeTcpPort();
        int tcpPort = freeTcpPort();
        int udpPort = freeUdpPort();
        List<String> reported = new CopyOnWriteArrayList<>();
        try (TlsEchoServer abc = TlsEchoServer.start("abc", PKI.server("abc.example.com"), PKI.ca());
             TlsEchoServer wide = TlsEchoServer.start("wide", PKI.server("*.example.com", "x.y.example.com"), PKI.ca());
             ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             DatagramSocket udpEcho = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread tcp = new Thread(() -> {
                while (true) {
                    try (Socket s = echo.accept(); InputStream in = s.getInputStream();
                         OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (java.io.IOException e) {
                        return; // the test ended
                    }
                }
            });
            tcp.setDaemon(true);
            tcp.start();
            Thread udp = new Thread(() -> {
                byte[] buf = new byte[1500];
                while (true) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        udpEcho.receive(p);
                        byte[] answer = ("pong:" + new String(p.getData(), 0, p.getLength(),
                                StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
                        udpEcho.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                    } catch (java.io.IOException e) {
                        return; // the test ended
                    }
                }
            });
            udp.setDaemon(true);
            udp.start();
            Files.writeString(dir.resolve("gateway.yaml"), """
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: GatewayClass
                    metadata: {name: breakwater}
                    spec: {controllerName: breakwater.dev/gateway-controller}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: Gateway
                    metadata: {name: edge}
                    spec:
                      gatewayClassName: breakwater
                      listeners:
                      - name: tls
                        protocol: TLS
                        port: TLS_PORT
                        hostname: "*.example.com"
                        tls: {mode: Passthrough}
                      - {name: tcp, protocol: TCP, port: TCP_PORT}
                      - {name: udp, protocol: UDP, port: UDP_PORT}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: TLSRoute
                    metadata: {name: abc, creationTimestamp: "2026-01-01T00:00:00Z"}
                    spec:
                      parentRefs: [{name: edge, sectionName: tls}]
                      hostnames: [abc.example.com, abc.example.org]
                      rules: [{backendRefs: [{name: abc, port: 8443}]}]
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: TLSRoute
                    metadata: {name: wide, creationTimestamp: "2026-02-01T00:00:00Z"}
                    spec:
                      parentRefs: [{name: edge}]
                      hostnames: ["*.example.com"]
                      rules: [{backendRefs: [{name: wide, port: 8443}]}]
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: TCPRoute
                    metadata: {name: echo}
                    spec:
                      parentRefs: [{name: edge, port: TCP_PORT}]
                      rules: [{backendRefs: [{name: echo, port: 7}]}]
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: UDPRoute
                    metadata: {name: ping}
                    spec:
                      parentRefs: [{name: edge, sectionName: udp}]
                      rules: [{backendRefs: [{name: ping, port: 7}]}]
                    """.replace("TLS_PORT", String.valueOf(tlsPort)).replace("TCP_PORT", String.valueOf(tcpPort))
                    .replace("UDP_PORT", String.valueOf(udpPort))
                    + service("abc", 8443, "TCP", abc.port()) + service("wide", 8443, "TCP", wide.port())
                    + service("echo", 7, "TCP", echo.getLocalPort()) + service("ping", 7, "UDP", udpEcho.getLocalPort()));
            DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                    .build().start();
            try (LocalMode local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add)) {
                assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
                assertThat(reported).isEmpty();

                assertThat(tls(tlsPort, "abc.example.com")).isEqualTo("abc echo me");
                assertThat(tls(tlsPort, "x.y.example.com")).isEqualTo("wide echo me");
                // abc.example.org is outside the listener's *.example.com: no route has it
                assertThatThrownBy(() -> tls(tlsPort, "abc.example.org")).isInstanceOf(java.io.IOException.class);

                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write("select 1".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                            .isEqualTo("select 1");
                }

                try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    client.setSoTimeout(5000);
                    byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                    client.send(new DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), udpPort));
                    DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
                    client.receive(answer);
                    assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                            .isEqualTo("pong:ping");
                }
            } finally {
                proxy.close();
            }
        }
    }
}
