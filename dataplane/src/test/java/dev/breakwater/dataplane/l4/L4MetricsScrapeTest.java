package dev.breakwater.dataplane.l4;

import static dev.breakwater.dataplane.l4.L4Tables.cluster;
import static dev.breakwater.dataplane.l4.L4Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.dataplane.testing.UdpEchoServer;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The L4 meters as a Prometheus server sees them: {@code GET /metrics} on the admin port (JDK HttpClient), its text
 * parsed, after real TCP and UDP traffic through the data plane: connections, bytes each way, connect failures, UDP
 * sessions, per listener and endpoint.
 */
class L4MetricsScrapeTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-z0-9_]+)\\{([^}]*)\\} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

    /** Samples by {@code name{label=value,...}} with labels sorted. */
    private static Map<String, Double> scrape(HttpClient http, int adminPort) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || !m.group(1).startsWith("breakwater_l4_")) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            samples.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private static String key(String name, String listener, String endpoint) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("listener", listener);
        if (endpoint != null) {
            labels.put("endpoint", endpoint);
        }
        return name + labels;
    }

    /** Scrapes until {@code done} holds (the meters of a closing connection are updated on its event loop). */
    private static Map<String, Double> scrapeUntil(HttpClient http, int adminPort, Predicate<Map<String, Double>> done)
            throws Exception {
        Map<String, Double> samples = scrape(http, adminPort);
        for (int i = 0; i < 500 && !done.test(samples); i++) {
            Thread.sleep(20);
            samples = scrape(http, adminPort);
        }
        return samples;
    }

    @Test
    void connectionsBytesFailuresAndSessionsArePublishedPerListenerAndEndpoint() throws Exception {
        int tcpPort = FreePorts.tcp();
        int deadPort = FreePorts.tcp();
        int refusing = FreePorts.tcp(); // nothing listens there
        int udpPort = FreePorts.udp();
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             UdpEchoServer dns = UdpEchoServer.echo("d");
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build()
                     .start();
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out =
                        s.getOutputStream()) {
                    in.transferTo(out);
                } catch (java.io.IOException ignored) {
                    // the test ended
                }
            });
            t.setDaemon(true);
            t.start();
            dp.apply(table(List.of(cluster("db", echo.getLocalPort()), cluster("dead", refusing),
                            cluster("dns", dns.port())),
                    L4Listener.tcp(tcpPort, L4Route.to("tcp/" + tcpPort, "db")),
                    L4Listener.tcp(deadPort, L4Route.to("tcp/" + deadPort, "dead")),
                    L4Listener.udp(udpPort, L4Route.to("udp/" + udpPort, "dns"))));

            byte[] payload = "hello, layer four".getBytes(StandardCharsets.US_ASCII);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(payload);
                s.shutdownOutput();
                assertThat(s.getInputStream().readAllBytes()).isEqualTo(payload);
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), deadPort)) {
                s.setSoTimeout(5000);
                assertThat(s.getInputStream().read()).isEqualTo(-1); // no endpoint answered: closed
            }
            client.setSoTimeout(5000);
            client.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("127.0.0.1", udpPort)));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            client.receive(reply);

            String tcp = "tcp/" + tcpPort;
            String db = "127.0.0.1:" + echo.getLocalPort();
            String udp = "udp/" + udpPort;
            String d = "127.0.0.1:" + dns.port();
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Double> m = scrapeUntil(http, dp.adminPort(), s -> Double.valueOf(0)
                    .equals(s.get(key("breakwater_l4_connections_active", tcp, null)))
                    && s.getOrDefault(key("breakwater_l4_sent_bytes_total", tcp, db), 0.0) >= payload.length);

            assertThat(m.get(key("breakwater_l4_connections_total", tcp, db))).as(m.toString()).isEqualTo(1.0);
            assertThat(m.get(key("breakwater_l4_connections_active", tcp, null))).isEqualTo(0.0);
            assertThat(m.get(key("breakwater_l4_received_bytes_total", tcp, db))).isEqualTo(payload.length);
            assertThat(m.get(key("breakwater_l4_sent_bytes_total", tcp, db))).isEqualTo(payload.length);
            assertThat(m.get(key("breakwater_l4_connect_failures_total", "tcp/" + deadPort, "127.0.0.1:" + refusing)))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(m.get(key("breakwater_l4_no_endpoint_total", "tcp/" + deadPort, null))).isEqualTo(1.0);
            assertThat(m.get(key("breakwater_l4_udp_sessions_total", udp, d))).isEqualTo(1.0);
            assertThat(m.get(key("breakwater_l4_udp_sessions_active", udp, null))).isEqualTo(1.0);
            assertThat(m.get(key("breakwater_l4_received_bytes_total", udp, d))).isEqualTo(payload.length);
            assertThat(m.get(key("breakwater_l4_sent_bytes_total", udp, d))).isEqualTo(reply.getLength());
        }
    }
}
