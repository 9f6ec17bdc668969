package dev.breakwater.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.channel.ChannelCredentials;
import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.channel.ChannelTls;
import dev.breakwater.channel.MessageCodec;
import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.channel.TableClient;
import dev.breakwater.dataplane.testing.RandomTables;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableDelta;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deltas on the push channel, over real sockets and real mutual TLS: a {@link TableServer}, {@link TableClient}s and
 * the {@link DataPlane}s they feed (serving real backends), and raw clients speaking protocol 1 or 2 by hand.
 */
class TableDeltaChannelTest {

    private static ChannelCredentials credentials;

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

    @Test
    void aChangeReachesAConnectedDataPlaneAsADeltaAndEveryOtherPartStaysAsItWas() throws Exception {
        TableServer server = server();
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1");
        server.publish(three(1, api));
        await("v1 ACKed", () -> server.allAcked(1));
        RoutingTable v1 = dataPlane.table();
        assertThat(backendOf(dataPlane, "b.example.com")).isEqualTo("api");

        // cluster "b" now has web's endpoint: one part of five changed
        server.publish(three(2, web));
        await("v2 ACKed", () -> server.allAcked(2));

        RoutingTable v2 = dataPlane.table();
        assertThat(v2.hash()).isEqualTo(three(2, web).hash());
        assertThat(backendOf(dataPlane, "b.example.com")).isEqualTo("web");
        for (int i = 0; i < 3; i++) {
            assertThat(v2.virtualHosts().get(i)).as("host %d, unchanged, not decoded again", i)
                    .isSameAs(v1.virtualHosts().get(i));
        }
        assertThat(v2.cluster("a")).isSameAs(v1.cluster("a"));
        assertThat(v2.cluster("b")).isNotSameAs(v1.cluster("b"));
        assertThat(sent("full")).isEqualTo(1);
        assertThat(sent("delta")).isEqualTo(1);
        assertThat(registry.get("breakwater.channel.nacks").counter().count()).isZero();
        assertThat(answers).allMatch(DataPlaneStatus.Answer::acked).hasSize(2);
        assertThat(registry.get("breakwater.channel.table.version").gauge().value()).isEqualTo(2);
    }

    @Test
    void hostsAndClustersRemovedByADeltaAreGoneFromTheDataPlane() throws Exception {
        TableServer server = server();
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1");
        server.publish(three(1, api));
        await("v1 ACKed", () -> server.allAcked(1));

        // c.example.com and cluster b leave; b.example.com goes to cluster a
        RoutingTable v2 = Tables.builder().cluster("a", web).prefix("a.example.com", "/", "a")
                .prefix("b.example.com", "/", "a").build().withVersion(2);
        server.publish(v2);
        await("v2 ACKed", () -> server.allAcked(2));

        assertThat(dataPlane.table().hash()).isEqualTo(v2.hash());
        assertThat(dataPlane.table().virtualHosts()).extracting(h -> h.hostname())
                .containsExactly("a.example.com", "b.example.com");
        assertThat(dataPlane.table().clusters()).extracting(Cluster::name).containsExactly("a");
        assertThat(backendOf(dataPlane, "c.example.com")).isEqualTo("status 404");
        assertThat(backendOf(dataPlane, "b.example.com")).isEqualTo("web");
        assertThat(sent("delta")).isEqualTo(1);
    }

    @Test
    void aDeltaOnAnotherBaseIsNackedForResyncAndTheWholeTableFollows() throws Exception {
        TableServer server = server();
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1");
        server.publish(three(1, api));
        await("v1 ACKed", () -> server.allAcked(1));
        // behind the operator's back the data plane serves other content: the next delta's base is not what it has
        dataPlane.apply(Tables.builder().cluster("a", api).prefix("a.example.com", "/", "a").build().withVersion(1));

        server.publish(three(2, web));
        await("v2 ACKed", () -> server.allAcked(2));

        assertThat(dataPlane.table().hash()).isEqualTo(three(2, web).hash());
        assertThat(backendOf(dataPlane, "c.example.com")).isEqualTo("web");
        assertThat(sent("delta")).isEqualTo(1);
        assertThat(sent("full")).isEqualTo(2);
        assertThat(registry.get("breakwater.channel.resyncs").counter().count()).isEqualTo(1);
        // not a refusal: no NACK counted, none told, the status only sees the ACKs
        assertThat(registry.get("breakwater.channel.nacks").counter().count()).isZero();
        assertThat(answers).allMatch(DataPlaneStatus.Answer::acked);
        assertThat(server.dataPlanes().get(0).lastAnswer().acked()).isTrue();
    }

    @Test
    void aDataPlaneThatReconnectsHoldingTheDeltasBaseIsSentTheDelta() throws Exception {
        TableServer server = server();
        DataPlane dataPlane = dataPlane();
        TableClient first = client(dataPlane, server.port(), "pod-1");
        server.publish(three(1, api));
        await("v1 ACKed", () -> server.allAcked(1));
        first.close();
        await("gone", () -> server.dataPlanes().isEmpty());

        server.publish(three(2, web));
        client(dataPlane, server.port(), "pod-1");
        await("v2 ACKed", () -> server.allAcked(2));

        assertThat(dataPlane.table().hash()).isEqualTo(three(2, web).hash());
        assertThat(sent("full")).isEqualTo(1);
        assertThat(sent("delta")).isEqualTo(1);
    }

    @Test
    void aTableMadeFromADeltaIsWrittenToTheTableCache() throws Exception {
        Path cache = tmp.resolve("table.json");
        TableServer server = server();
        DataPlane dataPlane = dataPlane();
        TableClient client = client(dataPlane, server.port(), "pod-1", cache);
        server.publish(three(1, api));
        await("v1 ACKed", () -> server.allAcked(1));
        server.publish(three(2, web));
        await("v2 ACKed", () -> server.allAcked(2));

        await("v2 cached", () -> cached(cache) != null && cached(cache).version() == 2);
        assertThat(cached(cache).hash()).isEqualTo(three(2, web).hash());
        assertThat(sent("delta")).isEqualTo(1);
        client.close();
        // a data plane started from it serves v2 at once
        DataPlane restarted = dataPlane();
        client(restarted, 1, "pod-2", cache); // nobody listens on port 1
        assertThat(restarted.table().hash()).isEqualTo(three(2, web).hash());
    }

    @Test
    void afterManyRandomChangeSequencesTheDataPlaneHoldsExactlyThePublishedTable() throws Exception {
        TableServer server = server();
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1");
        for (long seed = 1; seed <= 3; seed++) {
            RandomTables tables = new RandomTables(seed * 7919, false);
            RoutingTable last = null;
            for (int step = 0; step < 30; step++) {
                RoutingTable t = tables.next();
                last = t.withVersion(server.latestVersion() + 1);
                server.publish(last);
                if (step % 3 != 2) {
                    // most changes wait for their ACK; every third one follows the one before at once, so that the
                    // data plane takes several together
                    long v = last.version();
                    await("v" + v + " ACKed", () -> server.allAcked(v));
                    assertThat(dataPlane.table().hash()).as("seed %d step %d", seed, step).isEqualTo(last.hash());
                }
            }
            long v = last.version();
            await("v" + v + " ACKed", () -> server.allAcked(v));
            assertThat(TableCodec.encodeToString(dataPlane.table())).isEqualTo(TableCodec.encodeToString(last));
        }
        // at least the second table of every three goes as a delta, for sure: it follows a table the data plane ACKed
        // and is ACKed before the next is published (the others may be skipped; a delta smaller than the table is then
        // sent from the table held, which the burst test checks)
        assertThat(sent("delta")).isGreaterThanOrEqualTo(30);
        assertThat(registry.get("breakwater.channel.resyncs").counter().count()).isZero();
        assertThat(registry.get("breakwater.channel.nacks").counter().count()).isZero();
        assertThat(answers).allMatch(DataPlaneStatus.Answer::acked);
    }

    @Test
    void tablesPublishedFasterThanTheDataPlaneTakesThemAllGoAsDeltas() throws Exception {
        TableServer server = server();
        DataPlane dataPlane = dataPlane();
        client(dataPlane, server.port(), "pod-1");
        RandomTables tables = new RandomTables(42, false);
        server.publish(tables.next());
        await("v1 ACKed", () -> server.allAcked(1));

        // bursts published without waiting: a version the connection had no time to send is skipped, and the one
        // after it goes as the delta from the table the data plane holds, not as the whole table
        RoutingTable last = null;
        for (int burst = 0; burst < 10; burst++) {
            for (int i = 0; i < 4; i++) {
                last = tables.next();
                server.publish(last);
            }
            long v = last.version();
            await("v" + v + " ACKed", () -> server.allAcked(v));
            assertThat(dataPlane.table().hash()).isEqualTo(last.hash());
        }

        assertThat(sent("full")).isEqualTo(1);
        assertThat(registry.get("breakwater.channel.resyncs").counter().count()).isZero();
        assertThat(answers).allMatch(DataPlaneStatus.Answer::acked);
    }

    @Test
    void aProtocolOneDataPlaneIsSentWholeTablesAsPlainJson() throws Exception {
        TableServer server = server();
        server.publish(three(1, api));
        try (SSLSocket peer = rawPeer(server.port())) {
            send(peer, "{\"type\":\"HELLO\",\"protocol\":1,\"node\":\"node-1\",\"pod\":\"old\",\"lastVersion\":0}");
            Frame first = read(peer);
            send(peer, "{\"type\":\"ACK\",\"version\":1}");
            await("v1 ACKed", () -> server.allAcked(1));
            server.publish(three(2, web));
            Frame second = read(peer);

            assertThat(first.compressed()).isFalse();
            assertThat(first.message()).isInstanceOf(ChannelMessage.Table.class);
            assertThat(second.compressed()).isFalse();
            assertThat(((ChannelMessage.Table) second.message()).decode().hash()).isEqualTo(three(2, web).hash());
            assertThat(sent("delta")).isZero();
        }
    }

    @Test
    void aProtocolTwoPeerIsSentCompressedFramesADeltaAndOnResyncTheWholeTable() throws Exception {
        TableServer server = server();
        RoutingTable v1 = three(1, api);
        RoutingTable v2 = three(2, web);
        server.publish(v1);
        try (SSLSocket peer = rawPeer(server.port())) {
            send(peer, "{\"type\":\"HELLO\",\"protocol\":1,\"maxProtocol\":2,\"node\":\"node-1\",\"pod\":\"new\","
                    + "\"lastVersion\":0}");
            Frame first = read(peer);
            send(peer, "{\"type\":\"ACK\",\"version\":1}");
            await("v1 ACKed", () -> server.allAcked(1));
            server.publish(v2);
            Frame second = read(peer);
            send(peer, "{\"type\":\"NACK\",\"version\":2,\"reason\":\"its base is not the table served\","
                    + "\"resync\":true}");
            Frame third = read(peer);
            send(peer, "{\"type\":\"ACK\",\"version\":2}");
            await("v2 ACKed", () -> server.allAcked(2));

            assertThat(first.compressed()).isTrue();
            assertThat(((ChannelMessage.Table) first.message()).decode()).isEqualTo(v1);
            assertThat(second.compressed()).isTrue();
            TableDelta delta = ((ChannelMessage.Delta) second.message()).decode();
            assertThat(delta.clusters()).extracting(c -> c.cluster().name()).containsExactly("b");
            assertThat(delta.virtualHosts()).isEmpty();
            assertThat(delta.applyTo(v1).hash()).isEqualTo(v2.hash());
            assertThat(third.compressed()).isTrue();
            assertThat(((ChannelMessage.Table) third.message()).decode().hash()).isEqualTo(v2.hash());
            assertThat(registry.get("breakwater.channel.resyncs").counter().count()).isEqualTo(1);
            assertThat(answers).extracting(DataPlaneStatus.Answer::acked).containsExactly(true, true);
        }
    }

    // --- helpers

    /** Hosts a, b, c (a and c to cluster a: web; b to cluster b: {@code b}'s backend). */
    private RoutingTable three(long version, TestBackend b) {
        return Tables.builder().cluster("a", web).cluster("b", b).prefix("a.example.com", "/", "a")
                .prefix("b.example.com", "/", "b").prefix("c.example.com", "/", "a").build().withVersion(version);
    }

    private double sent(String kind) {
        return registry.get("breakwater.channel.tables.sent").tag("kind", kind).counter().count();
    }

    private TableServer server() throws InterruptedException {
        TableServer s = TableServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(ChannelTls.server(credentials.serverCertificate(), credentials.serverKey(),
                        credentials.caCertificate()))
                .meterRegistry(registry).threads(1)
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

    private TableClient client(DataPlane dataPlane, int port, String pod) {
        return client(dataPlane, port, pod, null);
    }

    private TableClient client(DataPlane dataPlane, int port, String pod, Path cache) {
        TableClient.Builder b = TableClient.builder().operator("127.0.0.1", port)
                .tls(ChannelTls.client(credentials.caCertificate(), credentials.clientCertificate(),
                        credentials.clientKey()))
                .serverName("localhost").identity("node-1", pod).dataPlane(dataPlane)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        if (cache != null) {
            b.tableCache(cache);
        }
        TableClient c = b.build().start();
        toClose.push(c);
        return c;
    }

    /** The table in the cache file, or null while there is none that decodes. */
    private static RoutingTable cached(Path cache) {
        try {
            return TableCodec.decode(Files.readAllBytes(cache));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private String backendOf(DataPlane dataPlane, String host) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + dataPlane.httpPort() + "/"))
                    .header("Host", host).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.headers().firstValue("x-backend").orElse("status " + r.statusCode());
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private SSLSocket rawPeer(int port) throws Exception {
        return TableChannelTest.tlsSocket(credentials.caCertificate(), port, credentials.clientCertificate(),
                credentials.clientKey());
    }

    /** A frame as read off the wire: whether it was gzip, and the message it carries. */
    private record Frame(boolean compressed, ChannelMessage message) {
    }

    private static void send(SSLSocket peer, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** The next frame other than a PING or PONG. */
    private static Frame read(SSLSocket peer) throws IOException {
        DataInputStream in = new DataInputStream(peer.getInputStream());
        while (true) {
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            boolean gzip = body.length > 1 && body[0] == (byte) 0x1f && body[1] == (byte) 0x8b;
            byte[] json = gzip ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body;
            ChannelMessage m = MessageCodec.decode(json);
            if (!(m instanceof ChannelMessage.Ping) && !(m instanceof ChannelMessage.Pong)) {
                return new Frame(gzip, m);
            }
        }
    }
}
