package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.H2Client;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.routing.Endpoint;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 streams handled on the client connection (no channel per stream), through a real data plane to a real
 * HTTP/1.1 endpoint, with real clients: a client's RST_STREAM cancels its exchange, request and response bodies
 * larger than the flow-control windows arrive whole (JDK HttpClient, curl reading slowly), and many concurrent
 * streams on few connections all succeed (h2load).
 */
class Http2StreamsProxyTest {

    private static final int BIG = 3 * 1024 * 1024 + 17;
    private static final TestPki PKI = TestPki.create("h2 streams CA");

    private RawBackend backend;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        backend = RawBackend.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .build().start();
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").prefix("a.example.com", "/", "raw").prefix("127.0.0.1", "/", "raw")
                .build(List.of(PKI.server("a.example.com").forHosts("default/a", "a.example.com"))));
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("https").authority("app.test").path(path);
    }

    private static byte[] big() {
        byte[] b = new byte[BIG];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    private static byte[] bigResponse() {
        byte[] body = big();
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    @Test
    void aStreamTheClientResetsCancelsItsExchangeAndTheConnectionGoesOn() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        backend.respondWith(r -> {
            if (r.target().equals("/slow")) {
                arrived.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return RawBackend.ok(r);
        });
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "app.test")) {
            h2.sendThenReset(get("/slow"), () -> {
                try {
                    assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the endpoint has the request").isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // the endpoint still holds its answer: the exchange let go of it (no request in flight on it)
            String idle = "breakwater_endpoint_requests_active{endpoint=\"127.0.0.1:" + backend.port() + "\"} 0.0";
            assertThat(metricsUntil(idle)).contains(idle);
            release.countDown();
            H2Client.Answer next = h2.send(get("/next"), null);
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).contains("GET /next");
            assertThat(backend.connections()).as("the cancelled exchange's endpoint connection was not reused")
                    .isEqualTo(2);
            assertThat(h2.isOpen()).isTrue();
        }
    }

    @Test
    void bodiesLargerThanTheWindowsArriveWholeWithTheJdkClient() throws Exception {
        backend.respondWith(r -> r.target().equals("/big") ? bigResponse()
                : RawBackend.response(200, "got " + r.body().length + " " + sha(r.body())));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(PKI.clientContext(null)).build();
        URI base = URI.create("https://a.example.com:" + proxy.httpsPort()); // test-hosts: loopback
        HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(base.resolve("/big")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(down.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(down.body()).hasSize(BIG).isEqualTo(big());
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(base.resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("got " + BIG + " " + sha(big()));
    }

    @Test
    void aSlowCurlGetsALargeResponseWhole() throws Exception {
        backend.respondWith(r -> bigResponse());
        String port = Integer.toString(proxy.httpsPort());
        String out = run("curl", "-sk", "--http2", "--limit-rate", "2M", "-o", "-",
                "--resolve", "app.test:" + port + ":127.0.0.1", "https://app.test:" + port + "/big");
        assertThat(out).hasSize(BIG).isEqualTo(new String(big(), StandardCharsets.US_ASCII));
    }

    @Test
    void manyConcurrentStreamsOnFewConnectionsAllSucceed() throws Exception {
        String out = run("h2load", "-n", "400", "-c", "4", "-m", "20",
                "https://127.0.0.1:" + proxy.httpsPort() + "/h2load");
        assertThat(out).contains("400 succeeded, 0 failed, 0 errored").contains("status codes: 400 2xx");
        assertThat(backend.received()).hasSize(400);
    }

    /** The proxy's /metrics once they contain {@code line} (or after 10 s, whatever they say then). */
    private String metricsUntil(String line) throws Exception {
        HttpClient admin = HttpClient.newHttpClient();
        String body = "";
        for (int i = 0; i < 100 && !body.contains(line); i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            body = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        return body;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
