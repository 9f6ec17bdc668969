package dev.breakwater.dataplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteFilter.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an HTTP/1.1 client receives of an endpoint's response head, byte for byte, over real sockets: the header
 * lines nothing changes go as the endpoint wrote them (name case, spacing, order and repeats kept), hop-by-hop
 * lines go, and what the route's filters change comes after them.
 */
class ResponseHeadBytesTest {

    private static final String HEAD = "HTTP/1.1 200 OK\r\n"
            + "x-LoWeR-Case: one\r\n"
            + "Set-Cookie: a=1\r\n"
            + "Connection: keep-alive, X-Hop\r\n"
            + "X-Spaced:   two  \r\n"
            + "X-Hop: secret\r\n"
            + "Keep-Alive: timeout=5\r\n"
            + "Set-Cookie: b=2\r\n"
            + "Content-Type:text/plain\r\n"
            + "X-Backend: internal\r\n"
            + "Content-Length: 5\r\n"
            + "\r\n"
            + "hello";

    private RawBackend backend;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        backend = RawBackend.start().respondWith(r -> HEAD.getBytes(StandardCharsets.US_ASCII));
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void unchangedLinesArriveAsTheEndpointWroteThemAndHopByHopOnesDoNot() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            for (int i = 0; i < 3; i++) { // the same on a reused connection to the endpoint
                RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n").read();

                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers()).isEqualTo("x-LoWeR-Case: one\r\n"
                        + "Set-Cookie: a=1\r\n"
                        + "X-Spaced:   two  \r\n"
                        + "Set-Cookie: b=2\r\n"
                        + "Content-Type:text/plain\r\n"
                        + "X-Backend: internal\r\n"
                        + "Content-Length: 5\r\n");
                assertThat(r.bodyText()).isEqualTo("hello");
            }
        }
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void theRoutesEditsFollowTheLinesTheyLeave() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .route("app.test", PathMatch.prefix("/"), RouteAction.Forward.to("raw"), null,
                        new RouteFilter.ResponseHeaderModifier(List.of(new Header("Content-Type", "text/x-set")),
                                List.of(new Header("X-Served-By", "breakwater"), new Header("Set-Cookie", "c=3")),
                                List.of("X-Backend")))
                .build());

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).isEqualTo("x-LoWeR-Case: one\r\n"
                    + "Set-Cookie: a=1\r\n"
                    + "X-Spaced:   two  \r\n"
                    + "Set-Cookie: b=2\r\n"
                    + "Content-Length: 5\r\n"
                    + "content-type: text/x-set\r\n" // the route's header names are compiled lower case
                    + "x-served-by: breakwater\r\n"
                    + "set-cookie: c=3\r\n");
            assertThat(r.bodyText()).isEqualTo("hello");
        }
    }

    @Test
    void aConnectionCloseTheProxyDecidesIsAddedOnce() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").read();

            assertThat(r.headers()).endsWith("Content-Length: 5\r\nconnection: close\r\n");
            assertThat(r.headers().toLowerCase()).containsOnlyOnce("connection:");
            assertThat(r.bodyText()).isEqualTo("hello");
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void aHeadWithAFoldedLineIsReadByNettysDecoderAsBeforeAndThePlainOneAfterItInPlace() throws Exception {
        backend.respondWith(r -> (r.target().equals("/folded")
                ? "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 2\r\n\r\nok"
                : HEAD).getBytes(StandardCharsets.US_ASCII));
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response folded = raw.send("GET /folded HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            RawHttp.Response plain = new RawHttp(proxy.httpPort()).send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n")
                    .read();

            // Netty's decoder joins the fold, as it always did, and the head is encoded from its headers
            assertThat(folded.status()).isEqualTo(200);
            assertThat(folded.headers()).isEqualTo("X-A: one two\r\nContent-Length: 2\r\n");
            assertThat(folded.bodyText()).isEqualTo("ok");
            assertThat(plain.headers()).startsWith("x-LoWeR-Case: one\r\nSet-Cookie: a=1\r\nX-Spaced:   two  \r\n");
        }
    }
}
