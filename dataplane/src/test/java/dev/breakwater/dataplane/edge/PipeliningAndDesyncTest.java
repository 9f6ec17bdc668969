package dev.breakwater.dataplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many pipelined requests written at once are all answered, in order, by backpressure rather than a reset; and an
 * endpoint that sends more than its response declares never poisons the connection pool for the next request.
 */
class PipeliningAndDesyncTest {

    private RawBackend backend;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        backend = RawBackend.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .build().start();
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @ParameterizedTest(name = "{0} pipelined GETs (tls {1})")
    @CsvSource({"200,false", "1000,false", "500,true"})
    void everyPipelinedRequestIsAnsweredInOrder(int n, boolean tls) throws Exception {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
            all.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: app.test\r\n\r\n");
        }
        try (RawHttp raw = tls ? RawHttp.tls(proxy.httpsPort(), "app.test") : new RawHttp(proxy.httpPort())) {
            raw.send(all.toString());
            List<RawHttp.Response> answers = raw.read(n);
            for (int i = 0; i < n; i++) {
                assertThat(answers.get(i).status()).isEqualTo(200);
                assertThat(answers.get(i).bodyText()).isEqualTo("request GET /r" + i + " HTTP/1.1");
            }
            // still open and in step
            assertThat(raw.send("GET /last HTTP/1.1\r\nHost: app.test\r\n\r\n").read().bodyText())
                    .isEqualTo("request GET /last HTTP/1.1");
        }
        assertThat(backend.received()).hasSize(n + 1);
    }

    @Test
    void pipelinedRequestsWithBodiesStayInStep() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String body = "body-" + i;
            all.append("POST /p").append(i).append(" HTTP/1.1\r\nHost: app.test\r\nContent-Length: ")
                    .append(body.length()).append("\r\n\r\n").append(body);
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send(all.toString());
            List<RawHttp.Response> answers = raw.read(300);
            assertThat(answers).allMatch(r -> r.status() == 200);
        }
        List<RawBackend.Received> got = backend.received();
        assertThat(got).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(got.get(i).target()).isEqualTo("/p" + i);
            assertThat(got.get(i).bodyText()).isEqualTo("body-" + i);
        }
    }

    /** What a lying or broken endpoint sends after the response it declared. */
    static Stream<String> extras() {
        return Stream.of("EXTRA", "EXTRA-BYTES\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nX-Injected: yes\r\n\r\ninjected",
                "EXTRAHTTP/1.1 200 OK\r\nContent-Length: 8\r\nX-Injected: yes\r\n\r\ninjected",
                "HTTP/1.1 200 OK\r\nContent-Le");
    }

    @ParameterizedTest
    @MethodSource("extras")
    void anEndpointThatSendsMoreThanItsResponseIsNeverReused(String extra) throws Exception {
        backend.respondWith(r -> {
            String body = "first:" + r.target();
            return ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body + extra)
                    .getBytes(StandardCharsets.UTF_8);
        });
        for (int i = 0; i < 20; i++) {
            try (RawHttp raw = new RawHttp(proxy.httpPort())) {
                RawHttp.Response r = raw.send("GET /u" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("first:/u" + i);
                assertThat(r.header("x-injected")).isNull();
            }
        }
        // every request had a connection of its own: none was pooled with bytes left in it
        assertThat(backend.connections()).isEqualTo(20);
        assertThat(backend.received()).hasSize(20);
    }

    @Test
    void anAppendedResponseArrivingLaterClosesTheIdleConnection() throws Exception {
        // a well-framed answer, then (once the connection idles in the pool) a stray response
        backend.respondWith(r -> r.target().startsWith("/stray")
                ? ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.UTF_8)
                : RawBackend.ok(r));
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET /stray HTTP/1.1\r\nHost: app.test\r\n\r\n").read().bodyText()).isEqualTo("ok");
        }
        backend.respondWith(RawBackend::ok);
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Response r = raw.send("GET /n" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("request GET /n" + i + " HTTP/1.1");
            }
        }
    }

    @Test
    void aReusedConnectionTheEndpointClosedIsRetriedOnAFreshOne() throws Exception {
        // the endpoint closes each connection after its answer without saying so: a request sent on the pooled
        // connection before the proxy saw it close fails before any byte of its answer, and goes again on a new one
        backend.closeAfterEachResponse(true);
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            for (int i = 0; i < 40; i++) {
                String method = i % 2 == 0 ? "GET" : "DELETE";
                RawHttp.Response r = raw.send(method + " /c" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
                assertThat(r.status()).as("request %d", i).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("request " + method + " /c" + i + " HTTP/1.1");
            }
        }
        assertThat(backend.received()).hasSize(40);
    }

    @Test
    void aReusedConnectionAnsweringGarbageIsRetriedOnAFreshOne() throws Exception {
        // the first answer leaves a half line behind that only shows when the next answer arrives on that connection
        backend.respondWith(r -> r.target().equals("/first")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARB".getBytes(StandardCharsets.UTF_8)
                : RawBackend.ok(r));
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET /first HTTP/1.1\r\nHost: app.test\r\n\r\n").read().bodyText()).isEqualTo("ok");
            RawHttp.Response r = raw.send("GET /second HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("request GET /second HTTP/1.1");
        }
    }

    @Test
    void anEndpointThatClosesBeforeAnsweringIsRetriedOnAnotherForIdempotentRequests() throws Exception {
        // the naive app in a rolling update: it reads the request, then exits without a word
        try (RawBackend dying = RawBackend.start().respondWith(r -> new byte[0]).closeAfterEachResponse(true)) {
            proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", dying.port()),
                    Endpoint.ready("127.0.0.1", backend.port())).prefix("app.test", "/", "raw").build());
            for (int i = 0; i < 20; i++) {
                try (RawHttp raw = new RawHttp(proxy.httpPort())) {
                    RawHttp.Response r = raw.send("GET /g" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
                    assertThat(r.status()).as("GET %d", i).isEqualTo(200);
                }
            }
            assertThat(dying.received()).as("the dying endpoint was tried").isNotEmpty();
            // alone: a GET is tried twice (the default: two attempts), a POST once, as it may have been acted on
            proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", dying.port()))
                    .prefix("app.test", "/", "raw").build());
            dying.clear();
            try (RawHttp raw = new RawHttp(proxy.httpPort())) {
                assertThat(raw.send("POST /p HTTP/1.1\r\nHost: app.test\r\nContent-Length: 0\r\n\r\n").read()
                        .status()).isEqualTo(502);
            }
            assertThat(dying.received()).extracting(RawBackend.Received::method).containsExactly("POST");
            dying.clear();
            try (RawHttp raw = new RawHttp(proxy.httpPort())) {
                assertThat(raw.send("GET /g HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(502);
            }
            assertThat(dying.received()).extracting(RawBackend.Received::method).containsExactly("GET", "GET");
        }
    }
}
