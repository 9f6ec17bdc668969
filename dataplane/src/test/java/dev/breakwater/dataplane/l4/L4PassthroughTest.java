package dev.breakwater.dataplane.l4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.dataplane.testing.TlsEchoServer;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SniRoute;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * TLS passthrough by SNI with real TLS backends that terminate with their own certificates, reached with {@code
 * openssl s_client -servername} and the JDK's SSLSocket; on a listener of its own and on the HTTPS port beside a
 * host Breakwater terminates.
 */
class L4PassthroughTest {

    private final TestPki pki = TestPki.create("Backend CA");

    private static boolean hasOpenssl() {
        return Files.isExecutable(Path.of("/usr/bin/openssl"));
    }

    /** {@code openssl s_client}'s output for a connection naming {@code serverName}. */
    private static String sClient(int port, String serverName) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername",
                serverName, "-ign_eof").redirectErrorStream(true).start();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (java.io.IOException ignored) {
                // the process was stopped
            }
        });
        reader.start();
        OutputStream in = p.getOutputStream();
        in.write("ping\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        Thread.sleep(700);
        p.destroy();
        p.waitFor();
        reader.join(5000);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The greeting and the echo of a line, through a JDK TLS client that trusts the backends' CA. */
    private String javaClient(int port, String serverName) throws Exception {
        try (SSLSocket s = (SSLSocket) pki.clientContext(null).getSocketFactory().createSocket("127.0.0.1", port)) {
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

    private static Cluster tls(String name, TlsEchoServer server) {
        return L4Tables.cluster(name, server.port());
    }

    @Test
    void aListenerSplicesEachNameToItsBackendAndOthersToTheDefault() throws Exception {
        int port = FreePorts.tcp();
        try (TlsEchoServer a = TlsEchoServer.start("a", pki.server("a.example.com"), pki.ca());
             TlsEchoServer b = TlsEchoServer.start("b", pki.server("*.b.example.com"), pki.ca());
             TlsEchoServer d = TlsEchoServer.start("d", pki.server("default.example.com"), pki.ca());
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build()
                     .start()) {
            L4Listener listener = new L4Listener(port, L4Listener.Protocol.TCP, L4Route.to("tcp/" + port, "d"),
                    List.of(new SniRoute("a.example.com", L4Route.to("a", "a")),
                            new SniRoute("*.b.example.com", L4Route.to("b", "b"))), List.of());
            dp.apply(L4Tables.table(List.of(tls("a", a), tls("b", b), tls("d", d)), listener));

            assertThat(javaClient(port, "a.example.com")).isEqualTo("a echo me");
            assertThat(javaClient(port, "x.b.example.com")).isEqualTo("b echo me");
            assertThat(javaClient(port, "default.example.com")).isEqualTo("d echo me");
            assumeTrue(hasOpenssl(), "openssl is not installed (apt-get install openssl): s_client part skipped");
            assertThat(sClient(port, "a.example.com")).contains("CN = a.example.com").contains("ping\n");
            assertThat(sClient(port, "y.b.example.com")).contains("CN = *.b.example.com").contains("ping\n");
            assertThat(sClient(port, "nobody.example.org")).contains("CN = default.example.com");
        }
    }

    @Test
    void withoutADefaultAnUnknownNameIsClosed() throws Exception {
        int port = FreePorts.tcp();
        try (TlsEchoServer a = TlsEchoServer.start("a", pki.server("a.example.com"), pki.ca());
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).build().start()) {
            L4Listener listener = new L4Listener(port, L4Listener.Protocol.TCP, null,
                    List.of(new SniRoute("a.example.com", L4Route.to("a", "a"))), List.of());
            dp.apply(L4Tables.table(List.of(tls("a", a)), listener));
            assertThat(javaClient(port, "a.example.com")).isEqualTo("a echo me");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> javaClient(port, "other.example.com"))
                    .isInstanceOf(java.io.IOException.class);
            assertThat(dp.l4().metrics().count("breakwater_l4_no_endpoint", "tcp/" + port, null)).isEqualTo(1);
        }
    }

    @Test
    void onTheHttpsPortPassthroughHostsAndTerminatedHostsCoexist() throws Exception {
        TestPki edge = TestPki.create("Edge CA");
        try (TlsEchoServer a = TlsEchoServer.start("a", pki.server("a.example.com"), pki.ca());
             TlsEchoServer b = TlsEchoServer.start("b", pki.server("b.example.com"), pki.ca());
             TestBackend web = TestBackend.start("web");
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                     .workers(2).build().start()) {
            RoutingTable http = Tables.builder().cluster("web", web).prefix("web.example.com", "/", "web")
                    .build(List.of(edge.server("web.example.com").forHosts("default/web", "web.example.com")));
            List<Cluster> clusters = new java.util.ArrayList<>(http.clusters());
            clusters.add(tls("a", a));
            clusters.add(tls("b", b));
            RoutingTable table = new RoutingTable(0, "", http.virtualHosts(), clusters, http.certificates())
                    .withL4(new L4Routes(List.of(), List.of(new SniRoute("a.example.com", L4Route.to("a", "a")),
                            new SniRoute("b.example.com", L4Route.to("b", "b")))));
            dp.apply(table);
            int port = dp.httpsPort();

            assertThat(javaClient(port, "a.example.com")).isEqualTo("a echo me");
            assertThat(javaClient(port, "b.example.com")).isEqualTo("b echo me");
            assumeTrue(hasOpenssl(), "openssl is not installed (apt-get install openssl): s_client part skipped");
            assertThat(sClient(port, "a.example.com")).contains("CN = a.example.com").contains("ping\n");
            assertThat(sClient(port, "b.example.com")).contains("CN = b.example.com").contains("ping\n");
            assertThat(sClient(port, "web.example.com")).contains("CN = web.example.com");
            String curl = run("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--resolve",
                    "web.example.com:" + port + ":127.0.0.1", "https://web.example.com:" + port + "/");
            assertThat(curl).isEqualTo("200");
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
