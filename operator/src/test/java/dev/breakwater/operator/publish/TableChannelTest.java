package dev.breakwater.operator.publish;

import dev.breakwater.channel.ChannelCredentials;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.channel.ChannelTls;
import dev.breakwater.dataplane.channel.TableClient;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.channel.pki.PemKeys;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.RoutingTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push channel in one JVM, over real sockets and real mutual TLS: a {@link TableServer}, {@link TableClient}s
 * and their {@link DataPlane}s serving real backends, and raw clients for what a data plane would never do.
 */
class TableChannelTest {

    private static final String HOST = "site.example.com";
    private static ChannelCredentials credentials;
    private static ChannelCredentials strangers;

    @TempDir
    Path tmp;
    private TestBackend web;
    private TestBackend api;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final List<DataPlaneStatus.Answer> answers = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void credentials() {
        credentials = ChannelCredentials.generate(List.of("localhost", "127.0.0.1"));
        strangers = ChannelCredentials.generate(List.of("localhost", "127.0.0.1"));
    }

    @BeforeEach
    void backends() {
        web = TestBackend.start("web");
        api = TestBackend.start("api");
    }

    @AfterEach
    void close() throws Exception {
        while (!toClose.isEmpty()) {
            toClose.pop().close();
        }
        web.close();
        api.close();
    }

    // --- the flow of tables and answers

    @Test
    void tablesFlowToTheDataPlaneAndItsAcksReachTheOperator() throws Exception {
        TableServer server = server(0);
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1", null);
        await("the data plane says HELLO", () -> server.dataPlanes().size() == 1);
        assertThat(readyz(dataPlane)).as("/readyz before the first table").isEqualTo(503);

        server.publish(table(web, 1));
        await("v1 served", () -> "web".equals(backendOf(dataPlane)));
        await("v1 ACKed", () -> server.allAcked(1));
        server.publish(table(api, 2));
        await("v2 served", () -> "api".equals(backendOf(dataPlane)));
        await("v2 ACKed", () -> server.allAcked(2));
        // the listener runs on the answers thread, after the status it reads has been updated
        await("both answers told to the listener", () -> answers.size() == 2);

        DataPlaneStatus status = server.dataPlanes().get(0);
        assertThat(status.id()).isEqualTo("node-1/pod-1");
        assertThat(status.remoteAddress()).contains("127.0.0.1");
        assertThat(status.servedVersion()).isEqualTo(2);
        assertThat(status.lastAnswer().acked()).isTrue();
        assertThat(answers).extracting(DataPlaneStatus.Answer::version, DataPlaneStatus.Answer::acked)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, true),
                        org.assertj.core.groups.Tuple.tuple(2L, true));
        assertThat(readyz(dataPlane)).isEqualTo(200);
        assertThat(registry.get("breakwater.channel.dataplanes.connected").gauge().value()).isEqualTo(1);
        assertThat(registry.get("breakwater.channel.dataplane.table.version").tag("dataplane", "node-1/pod-1")
                .gauge().value()).isEqualTo(2);
        assertThat(registry.get("breakwater.channel.push.latency").timer().count()).isEqualTo(2);
        assertThat(registry.get("breakwater.channel.nacks").counter().count()).isZero();
    }

    @Test
    void aTableTheDataPlaneRefusesIsNackedWithTheReasonAndThePreviousOneKeepsServing() throws Exception {
        TableServer server = server(0);
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1", null);
        server.publish(table(web, 1));
        await("v1 ACKed", () -> server.allAcked(1));

        // a route to a cluster the table does not have: DataPlane.apply refuses it
        server.publish(Tables.builder().cluster("web", web).prefix(HOST, "/", "missing").build().withVersion(2));
        await("v2 answered", () -> answers.size() == 2);

        DataPlaneStatus.Answer nack = answers.get(1);
        assertThat(nack.version()).isEqualTo(2);
        assertThat(nack.acked()).isFalse();
        assertThat(nack.reason()).contains("missing");
        assertThat(server.dataPlanes().get(0).servedVersion()).isEqualTo(1);
        assertThat(server.dataPlanes().get(0).lastAnswer()).isEqualTo(nack);
        assertThat(server.allAcked(2)).isFalse();
        assertThat(registry.get("breakwater.channel.nacks").counter().count()).isEqualTo(1);
        assertThat(dataPlane.table().version()).isEqualTo(1);
        assertThat(backendOf(dataPlane)).isEqualTo("web");

        server.publish(table(api, 3));
        await("v3 served after the NACK", () -> "api".equals(backendOf(dataPlane)));
        await("v3 ACKed", () -> server.allAcked(3));
    }

    @Test
    void everyConnectedDataPlaneMustAckBeforeAllAckedHolds() throws Exception {
        TableServer server = server(0);
        assertThat(server.allAcked(0)).as("no data plane connected").isFalse();
        DataPlane one = dataPlane();
        DataPlane two = dataPlane();
        client(one, server.port(), "pod-1", null);
        client(two, server.port(), "pod-2", null);
        await("both connected", () -> server.dataPlanes().size() == 2);

        server.publish(table(web, 1));

        await("both ACKed", () -> server.allAcked(1));
        assertThat(server.dataPlanes()).extracting(DataPlaneStatus::id).containsExactly("node-1/pod-1", "node-1/pod-2");
        assertThat(backendOf(one)).isEqualTo("web");
        assertThat(backendOf(two)).isEqualTo("web");
    }

    @Test
    void dataPlaneChangeListenersHearConnectionsAnswersAndDepartures() throws Exception {
        TableServer server = server(0);
        List<java.util.Map<String, Long>> seen = new CopyOnWriteArrayList<>();
        server.onDataPlanesChanged(() -> seen.add(server.ackedVersions()));
        DataPlane dataPlane = dataPlane();
        TableClient client = client(dataPlane, server.port(), "pod-1", null);
        await("told of the connection", () -> seen.contains(java.util.Map.of("node-1/pod-1", -1L)));

        server.publish(table(web, 1));
        await("told of the ACK", () -> seen.contains(java.util.Map.of("node-1/pod-1", 1L)));
        // a NACK is told too (the version served stays)
        int before = seen.size();
        server.publish(Tables.builder().cluster("web", web).prefix(HOST, "/", "missing").build().withVersion(2));
        await("told of the NACK", () -> seen.size() > before && answers.size() == 2);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(java.util.Map.of("node-1/pod-1", 1L));

        client.close();
        await("told of the departure", () -> seen.get(seen.size() - 1).isEmpty());
    }

    @Test
    void publishRefusesAVersionThatDoesNotGrowAndATableLargerThanAFrame() throws Exception {
        TableServer server = TableServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(ChannelTls.server(credentials.serverCertificate(), credentials.serverKey(),
                        credentials.caCertificate()))
                .maxFrameBytes(64 * 1024).build().start();
        toClose.push(server);
        server.publish(table(web, 5));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.publish(table(api, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above the last published, 5");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.publish(bigTable(6, 100 * 1024)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("largest frame");
        assertThat(server.latestVersion()).isEqualTo(5);
    }

    // --- authentication

    @Test
    void aPeerWithoutAClientCertificateReceivesNothing() throws Exception {
        TableServer server = server(0);
        server.publish(table(web, 1));

        assertThat(tlsPeerReceives(server.port(), null, null)).isEmpty();
        assertThat(server.dataPlanes()).isEmpty();
    }

    @Test
    void aPeerWithACertificateFromAnotherCaReceivesNothing() throws Exception {
        TableServer server = server(0);
        server.publish(table(web, 1));

        assertThat(tlsPeerReceives(server.port(), strangers.clientCertificate(), strangers.clientKey())).isEmpty();
        assertThat(server.dataPlanes()).isEmpty();
    }

    @Test
    void aPlainTcpPeerReceivesNothing() throws Exception {
        TableServer server = server(0);
        server.publish(table(web, 1));

        byte[] got;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(helloFrame());
            s.getOutputStream().flush();
            got = readUntilClosed(s.getInputStream());
        }

        // whatever comes back is not ours: at most a TLS alert record (content type 21), never data (23)
        assertThat(got.length == 0 || got[0] == 21).as("received %d bytes", got.length).isTrue();
        assertThat(new String(got, StandardCharsets.ISO_8859_1)).doesNotContain("TABLE").doesNotContain("PONG");
        assertThat(server.dataPlanes()).isEmpty();
    }

    @Test
    void theClientCertificateCannotServeAndTheServerCertificateCannotConnect() throws Exception {
        // a server presenting the data planes' client certificate (right CA, wrong purpose) is refused
        TableServer impostor = TableServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(ChannelTls.server(credentials.clientCertificate(), credentials.clientKey(),
                        credentials.caCertificate()))
                .build().start();
        toClose.push(impostor);
        impostor.publish(table(web, 1));
        DataPlane dataPlane = dataPlane();
        TableClient client = client(dataPlane, impostor.port(), "pod-1", null);
        // a peer presenting the operator's server certificate as its client certificate is refused
        TableServer server = server(0);
        server.publish(table(web, 1));
        assertThat(tlsPeerReceives(server.port(), credentials.serverCertificate(), credentials.serverKey())).isEmpty();

        Thread.sleep(1500); // a few reconnect attempts (50 ms backoff)
        assertThat(client.connected()).isFalse();
        assertThat(dataPlane.table()).isNull();
        assertThat(impostor.dataPlanes()).isEmpty();
        assertThat(server.dataPlanes()).isEmpty();
    }

    @Test
    void theDataPlaneRefusesAServerItCannotVerify() throws Exception {
        // an operator whose certificate comes from another CA
        TableServer stranger = TableServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(ChannelTls.server(strangers.serverCertificate(), strangers.serverKey(),
                        credentials.caCertificate()))
                .build().start();
        toClose.push(stranger);
        stranger.publish(table(web, 1));
        DataPlane one = dataPlane();
        TableClient toStranger = client(one, stranger.port(), "pod-1", null);
        // our operator, reached under a name its certificate does not carry
        TableServer server = server(0);
        server.publish(table(web, 1));
        DataPlane two = dataPlane();
        TableClient wrongName = TableClient.builder().operator("127.0.0.1", server.port()).tls(clientTls())
                .serverName("somebody-else").identity("node-1", "pod-2").dataPlane(two)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build().start();
        toClose.push(wrongName);

        Thread.sleep(1500); // a few reconnect attempts
        assertThat(toStranger.connected()).isFalse();
        assertThat(wrongName.connected()).isFalse();
        assertThat(one.table()).isNull();
        assertThat(two.table()).isNull();
        assertThat(stranger.dataPlanes()).isEmpty();
        assertThat(server.dataPlanes()).isEmpty();
    }

    // --- losing the operator, and restarts

    @Test
    void theDataPlaneKeepsServingWhileTheOperatorIsGoneAndResumesWhenItIsBack() throws Exception {
        TableServer first = server(0);
        int port = first.port();
        DataPlane dataPlane = dataPlane();
        TableClient client = client(dataPlane, port, "pod-1", null);
        first.publish(table(web, 1));
        await("v1 ACKed", () -> first.allAcked(1));

        first.close();
        await("the client notices", () -> !client.connected());
        assertThat(backendOf(dataPlane)).isEqualTo("web");
        assertThat(readyz(dataPlane)).isEqualTo(200);

        // a new operator process: versions start again; the same content counts as served
        TableServer second = server(port);
        second.publish(table(web, 1));
        await("reconnected, serving v1 already", () -> second.allAcked(1));
        assertThat(answers.get(answers.size() - 1).version()).isEqualTo(1);
        second.publish(table(api, 2));
        await("v2 served", () -> "api".equals(backendOf(dataPlane)));
        await("v2 ACKed", () -> second.allAcked(2));
    }

    @Test
    void aRestartedDataPlaneServesItsCachedTableBeforeTheOperatorAnswers() throws Exception {
        Path cache = tmp.resolve("table.json");
        TableServer server = server(0);
        int port = server.port();
        DataPlane first = dataPlane();
        TableClient firstClient = client(first, port, "pod-1", cache);
        server.publish(table(web, 1));
        server.publish(table(api, 2));
        await("v2 ACKed", () -> server.allAcked(2));
        assertThat(Files.getPosixFilePermissions(cache)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        firstClient.close();
        first.close();
        server.close();

        DataPlane second = dataPlane();
        client(second, port, "pod-1", cache); // nobody listens on the port now

        assertThat(second.table().version()).isEqualTo(2);
        assertThat(readyz(second)).isEqualTo(200);
        assertThat(backendOf(second)).isEqualTo("api");
    }

    @Test
    void aCacheThatCannotBeReadIsIgnored() throws Exception {
        Path cache = tmp.resolve("table.json");
        Files.writeString(cache, "{\"version\": 3, \"hash\": \"not-its-hash\", \"virtualHosts\": [], \"clusters\": []}");
        TableServer server = server(0);
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1", cache);

        assertThat(dataPlane.table()).isNull();
        assertThat(readyz(dataPlane)).isEqualTo(503);
        server.publish(table(web, 1));
        await("v1 ACKed", () -> server.allAcked(1));
        await("v1 cached", () -> cachedVersion(cache) == 1);
    }

    @Test
    void aDataPlaneThatDoesNotReadDoesNotHoldUpTheOthers() throws Exception {
        TableServer server = server(0);
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1", null);
        try (SSLSocket stuck = tlsSocket(server.port(), credentials.clientCertificate(), credentials.clientKey())) {
            stuck.getOutputStream().write(helloFrame());
            stuck.getOutputStream().flush();
            await("both connected", () -> server.dataPlanes().size() == 2);

            // 24 tables of 1 MiB: far more than the stuck peer's socket buffers hold
            for (int v = 1; v <= 24; v++) {
                server.publish(bigTable(v, 1024 * 1024));
            }

            await("the reading data plane serves the latest", () -> dataPlane.table() != null
                    && dataPlane.table().version() == 24);
            await("and ACKed it", () -> server.dataPlanes().stream()
                    .anyMatch(d -> d.id().equals("node-1/pod-1") && d.servedVersion() == 24));
            assertThat(server.dataPlanes()).filteredOn(d -> d.id().equals("node-1/stuck"))
                    .extracting(DataPlaneStatus::servedVersion).containsExactly(-1L);
            assertThat(server.allAcked(24)).isFalse();
        }
    }

    // --- helpers

    private TableServer server(int port) throws InterruptedException {
        TableServer s = TableServer.builder().bindAddress("127.0.0.1").port(port)
                .tls(ChannelTls.server(credentials.serverCertificate(), credentials.serverKey(),
                        credentials.caCertificate()))
                .meterRegistry(registry).threads(2)
                .listener((dataPlane, answer) -> answers.add(answer))
                .build().start();
        toClose.push(s);
        return s;
    }

    private DataPlane dataPlane() throws InterruptedException {
        DataPlane d = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        toClose.push(d);
        return d;
    }

    private TableClient client(DataPlane dataPlane, int port, String pod, Path cache) {
        TableClient.Builder b = TableClient.builder().operator("127.0.0.1", port).tls(clientTls())
                .serverName("localhost").identity("node-1", pod).dataPlane(dataPlane)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        if (cache != null) {
            b.tableCache(cache);
        }
        TableClient c = b.build().start();
        toClose.push(c);
        return c;
    }

    private static io.netty.handler.ssl.SslContext clientTls() {
        return ChannelTls.client(credentials.caCertificate(), credentials.clientCertificate(),
                credentials.clientKey());
    }

    private static RoutingTable table(TestBackend backend, long version) {
        return Tables.builder().cluster(backend.name(), backend).prefix(HOST, "/", backend.name()).build()
                .withVersion(version);
    }

    /** A table of about {@code bytes}: a data plane without HTTPS does not read its certificates. */
    private RoutingTable bigTable(long version, int bytes) {
        String filler = "v" + version + "-" + "x".repeat(bytes);
        return Tables.builder().cluster("web", web).prefix(HOST, "/", "web")
                .build(List.of(new Certificate("default/big", List.of("big.example.com"), filler, "key")))
                .withVersion(version);
    }

    private String backendOf(DataPlane dataPlane) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + dataPlane.httpPort() + "/"))
                    .header("Host", HOST).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.headers().firstValue("x-backend").orElse("status " + r.statusCode());
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private int readyz(DataPlane dataPlane) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dataPlane.adminPort() + "/readyz"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long cachedVersion(Path cache) {
        try {
            return dev.breakwater.routing.TableCodec.decode(Files.readAllBytes(cache)).version();
        } catch (IOException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A HELLO as a data plane would send it, framed. */
    private static byte[] helloFrame() throws IOException {
        byte[] json = "{\"type\":\"HELLO\",\"protocol\":1,\"node\":\"node-1\",\"pod\":\"stuck\",\"lastVersion\":0}"
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(json.length);
        data.write(json);
        return out.toByteArray();
    }

    /**
     * What a raw TLS 1.3 client (trusting the channel's CA, presenting the given certificate or none) receives
     * after it says HELLO: the application data it could read before the connection failed or closed.
     */
    private static byte[] tlsPeerReceives(int port, String certificate, String key) throws Exception {
        try (SSLSocket s = tlsSocket(port, certificate, key)) {
            s.setSoTimeout(30_000);
            try {
                s.getOutputStream().write(helloFrame());
                s.getOutputStream().flush();
            } catch (IOException refused) {
                return new byte[0];
            }
            return readUntilClosed(s.getInputStream());
        } catch (IOException refusedInHandshake) {
            return new byte[0];
        }
    }

    private static SSLSocket tlsSocket(int port, String certificate, String key) throws Exception {
        return tlsSocket(credentials.caCertificate(), port, certificate, key);
    }

    /** A raw TLS 1.3 client of the push channel, trusting {@code ca}, presenting the certificate given (or none). */
    static SSLSocket tlsSocket(String ca, int port, String certificate, String key) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemKeys.certificates(ca)[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (certificate != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", PemKeys.privateKey(key), "x".toCharArray(),
                    new X509Certificate[] {PemKeys.certificates(certificate)[0]});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "x".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        Socket raw = new Socket();
        raw.setReceiveBufferSize(4096);
        raw.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "localhost", port, true);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.setSoTimeout(30_000);
        s.startHandshake();
        return s;
    }

    /** Every byte until the peer closes, or the connection fails (then what came before). */
    private static byte[] readUntilClosed(InputStream in) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (IOException e) {
            // reset, alert or timeout: the connection is over
        }
        return got.toByteArray();
    }
}
