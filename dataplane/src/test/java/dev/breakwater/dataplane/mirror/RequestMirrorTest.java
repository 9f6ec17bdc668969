package dev.breakwater.dataplane.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.Blackhole;
import dev.breakwater.dataplane.testing.LeakGuard;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RequestMirror;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request mirroring through a real proxy, with two real endpoints on raw sockets: the primary, whose answer the
 * client gets, and the mirror, which records what its copy carried. A mirror that never answers, or cannot be
 * reached, changes nothing for the client; copies beyond the route's cap are dropped and counted; no buffer leaks.
 */
@ExtendWith(LeakGuard.class)
class RequestMirrorTest {

    private final RawBackend primary = RawBackend.start();
    private final RawBackend mirror = RawBackend.start();
    private final CountDownLatch mirrorMayAnswer = new CountDownLatch(1);
    private DataPlane proxy;

    @AfterEach
    void stop() {
        mirrorMayAnswer.countDown();
        if (proxy != null) {
            proxy.close();
        }
        primary.close();
        mirror.close();
    }

    private void serve(RequestMirror m, int mirrorPort) throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .config(ProxyConfig.defaults()).build().start();
        proxy.apply(Tables.builder()
                .cluster("app", Endpoint.ready("127.0.0.1", primary.port()))
                .cluster("shadow", Endpoint.ready("127.0.0.1", mirrorPort))
                .route("a.com", PathMatch.prefix("/"), RouteAction.Forward.to("app"),
                        RoutePolicy.builder().mirror(m).responseTimeoutMillis(30_000L)
                                .connectTimeoutMillis(1_000L).build())
                .build());
    }

    /** One request on a connection of its own, its whole response read (the primary closes nothing). */
    private String exchange(Socket s, String request) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the response head came whole").isNotNegative();
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    private Socket connect() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Waits (up to 10 s) for what the proxy does in the background: the copies' ends. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("the condition came true within 10 s").isNegative();
            Thread.sleep(10);
        }
    }

    /** The mirror's answer waits (on the mirror's own thread) until the test lets it go. */
    private void holdUntilReleased() {
        try {
            mirrorMayAnswer.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double count(String result) {
        return proxy.metrics().mirroredCount("shadow", result);
    }

    @Test
    void theMirrorGetsTheSameRequestWithItsBodyAndTheClientGetsThePrimarysAnswer() throws Exception {
        primary.respondWith(r -> RawBackend.response(201, "from the primary"));
        mirror.respondWith(r -> RawBackend.response(500, "from the mirror"));
        serve(RequestMirror.to("shadow"), mirror.port());

        String answer;
        try (Socket s = connect()) {
            answer = exchange(s, "POST /orders/7?x=1 HTTP/1.1\r\nHost: a.com\r\nX-Trace: abc\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world");
        }

        assertThat(answer).startsWith("HTTP/1.1 201").endsWith("from the primary");
        eventually(() -> count("answered") == 1);
        RawBackend.Received copy = mirror.received().get(0);
        RawBackend.Received original = primary.received().get(0);
        assertThat(copy.requestLine()).isEqualTo("POST /orders/7?x=1 HTTP/1.1").isEqualTo(original.requestLine());
        assertThat(copy.header("host")).isEqualTo("a.com");
        assertThat(copy.header("x-trace")).isEqualTo("abc");
        assertThat(copy.header("content-type")).isEqualTo("text/plain");
        assertThat(copy.header("x-request-id")).isNotNull().isEqualTo(original.header("x-request-id"));
        assertThat(copy.header("x-forwarded-for")).isEqualTo(original.header("x-forwarded-for"));
        assertThat(copy.bodyText()).isEqualTo("hello world").isEqualTo(original.bodyText());
    }

    @Test
    void withoutTheBodyTheCopyHasNoneAndItsOwnHost() throws Exception {
        serve(RequestMirror.to("shadow").withRequestBody(false).withHost("shadow.example"), mirror.port());

        String answer;
        try (Socket s = connect()) {
            answer = exchange(s, "PUT /doc HTTP/1.1\r\nHost: a.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nabcde\r\n3\r\nfgh\r\n0\r\n\r\n");
        }

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(primary.received().get(0).bodyText()).isEqualTo("abcdefgh");
        eventually(() -> count("answered") == 1);
        RawBackend.Received copy = mirror.received().get(0);
        assertThat(copy.requestLine()).isEqualTo("PUT /doc HTTP/1.1");
        assertThat(copy.header("host")).isEqualTo("shadow.example");
        assertThat(copy.header("transfer-encoding")).isNull();
        assertThat(copy.header("content-length")).isNull();
        assertThat(copy.body()).isEmpty();
    }

    @Test
    void aMirrorThatNeverAnswersNeitherDelaysNorFailsTheClient() throws Exception {
        mirror.respondWith(r -> {
            holdUntilReleased();
            return RawBackend.response(200, "late");
        });
        serve(RequestMirror.to("shadow"), mirror.port());

        try (Socket s = connect()) {
            for (int i = 0; i < 3; i++) {
                // answered while every copy so far is still waiting for the mirror (the latch is held)
                assertThat(exchange(s, "GET /p" + i + " HTTP/1.1\r\nHost: a.com\r\n\r\n")).startsWith("HTTP/1.1 200")
                        .endsWith("request GET /p" + i + " HTTP/1.1");
            }
        }
        eventually(() -> mirror.received().size() == 3);
        assertThat(count("answered")).isZero();
        mirrorMayAnswer.countDown();
        eventually(() -> count("answered") == 3);
    }

    @Test
    void aMirrorThatCannotBeReachedNeitherDelaysNorFailsTheClient() throws Exception {
        try (Blackhole hole = Blackhole.open()) {
            serve(RequestMirror.to("shadow"), hole.port());

            try (Socket s = connect()) {
                for (int i = 0; i < 2; i++) {
                    assertThat(exchange(s, "POST /q HTTP/1.1\r\nHost: a.com\r\nContent-Length: 2\r\n\r\nok"))
                            .startsWith("HTTP/1.1 200");
                }
            }
            assertThat(primary.received()).hasSize(2);
            // the copies end at the connect timeout, after the client had its answers
            eventually(() -> count("failed") == 2);
            assertThat(count("answered")).isZero();
        }
    }

    @Test
    void aMirrorThatRefusesConnectionsIsCountedAsFailed() throws Exception {
        int closed;
        try (java.net.ServerSocket gone = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        serve(RequestMirror.to("shadow"), closed);

        try (Socket s = connect()) {
            assertThat(exchange(s, "GET / HTTP/1.1\r\nHost: a.com\r\n\r\n")).startsWith("HTTP/1.1 200");
        }
        eventually(() -> count("failed") == 1);
    }

    @Test
    void copiesBeyondTheCapAreDroppedAndCountedAndThePlacesComeBack() throws Exception {
        mirror.respondWith(r -> {
            holdUntilReleased();
            return RawBackend.response(200, "late");
        });
        serve(new RequestMirror("shadow", null, true, 2, RequestMirror.DEFAULT_MAX_BODY_BYTES), mirror.port());

        try (Socket s = connect()) {
            for (int i = 0; i < 5; i++) {
                assertThat(exchange(s, "GET /c" + i + " HTTP/1.1\r\nHost: a.com\r\n\r\n")).startsWith("HTTP/1.1 200");
            }
            assertThat(count("dropped_in_flight")).isEqualTo(3);
            eventually(() -> mirror.received().size() == 2);
            assertThat(mirror.received()).extracting(RawBackend.Received::target).containsExactlyInAnyOrder("/c0",
                    "/c1");
            mirrorMayAnswer.countDown();
            eventually(() -> count("answered") == 2);

            assertThat(exchange(s, "GET /after HTTP/1.1\r\nHost: a.com\r\n\r\n")).startsWith("HTTP/1.1 200");
        }
        eventually(() -> count("answered") == 3);
        assertThat(mirror.received()).extracting(RawBackend.Received::target).contains("/after");
        assertThat(primary.received()).hasSize(6);
    }

    @Test
    void aBodyLongerThanTheLimitIsNotCopiedButReachesThePrimary() throws Exception {
        serve(new RequestMirror("shadow", null, true, 8, 4), mirror.port());

        try (Socket s = connect()) {
            assertThat(exchange(s, "POST /big HTTP/1.1\r\nHost: a.com\r\nContent-Length: 10\r\n\r\n0123456789"))
                    .startsWith("HTTP/1.1 200");
            assertThat(exchange(s, "POST /chunked HTTP/1.1\r\nHost: a.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")).startsWith("HTTP/1.1 200");
            assertThat(exchange(s, "POST /small HTTP/1.1\r\nHost: a.com\r\nContent-Length: 3\r\n\r\nxyz"))
                    .startsWith("HTTP/1.1 200");
        }

        assertThat(primary.received()).extracting(RawBackend.Received::bodyText)
                .containsExactly("0123456789", "abcdef", "xyz");
        eventually(() -> count("answered") == 1);
        assertThat(count("dropped_body")).isEqualTo(2);
        assertThat(mirror.received()).extracting(RawBackend.Received::target).containsExactly("/small");
    }

    @Test
    void aShareOfZeroCopiesNothingAndAShareOfHalfCopiesAboutHalfDrawnPerRequest() throws Exception {
        serve(RequestMirror.to("shadow").withPercent(0.0), mirror.port());
        try (Socket s = connect()) {
            for (int i = 0; i < 20; i++) {
                assertThat(exchange(s, "GET /none" + i + " HTTP/1.1\r\nHost: a.com\r\n\r\n")).startsWith("HTTP/1.1 200");
            }
        }
        assertThat(primary.received()).hasSize(20);
        assertThat(count("answered") + count("failed")).isZero();
        assertThat(mirror.received()).isEmpty();

        proxy.close();
        serve(RequestMirror.to("shadow").withPercent(50.0), mirror.port());
        int requests = 400;
        try (Socket s = connect()) {
            for (int i = 0; i < requests; i++) {
                assertThat(exchange(s, "GET /half" + i + " HTTP/1.1\r\nHost: a.com\r\n\r\n")).startsWith("HTTP/1.1 200");
            }
        }
        // 400 draws of one half: outside 140..260 has a chance below 1e-9
        eventually(() -> count("answered") >= 140);
        Thread.sleep(200);
        assertThat(count("answered")).isBetween(140.0, 260.0);
        assertThat(mirror.received()).hasSizeBetween(140, 260)
                .allSatisfy(r -> assertThat(r.target()).startsWith("/half"));
        assertThat(primary.received()).hasSize(20 + requests);
    }
}
