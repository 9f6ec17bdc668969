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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an endpoint receives of a client's HTTP/1.1 request head, byte for byte, over real sockets: the header lines
 * nothing changes go as the client wrote them (name case, order and repeats kept), hop-by-hop lines go, and what the
 * route and the proxy set comes after them. Each request is also sent once with an empty line before it, which
 * leaves it to Netty's decoder (the path every request took before heads were read in place): the endpoint must
 * receive the same head both ways.
 */
class RequestHeadBytesTest {

    private static final String LINES = "x-LoWeR-Case: one\r\n"
            + "Cookie: a=1\r\n"
            + "Connection: keep-alive, X-Hop\r\n"
            + "X-Hop: secret\r\n"
            + "Keep-Alive: timeout=5\r\n"
            + "Cookie: b=2\r\n"
            + "X-Request-Id: fixed-id\r\n"
            + "X-Forwarded-For: 6.6.6.6\r\n"
            + "Accept: */*\r\n";

    private RawBackend backend;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        backend = RawBackend.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    /** Sends {@code request} as it is, then after an empty line (Netty's decoder); returns both heads received. */
    private List<RawBackend.Received> sendBothWays(String request) throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send(request).read().status()).isEqualTo(200);
            assertThat(raw.send("\r\n" + request).read().status()).isEqualTo(200);
        }
        List<RawBackend.Received> got = backend.received();
        assertThat(got).hasSize(2);
        assertThat(got.get(0).requestLine()).isEqualTo(got.get(1).requestLine());
        // the request id the proxy makes is new for each request; everything else is the same
        assertThat(withoutRequestId(got.get(0))).isEqualTo(withoutRequestId(got.get(1)));
        assertThat(got.get(0).bodyText()).isEqualTo(got.get(1).bodyText());
        return got;
    }

    private static List<String> withoutRequestId(RawBackend.Received r) {
        return r.headerLines().stream().filter(l -> !l.startsWith("x-request-id: ") || l.endsWith("fixed-id"))
                .toList();
    }

    @Test
    void unchangedLinesArriveAsTheClientWroteThemAndHopByHopOnesDoNot() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());

        RawBackend.Received r = sendBothWays("GET /a?b=1 HTTP/1.1\r\nHost: app.test\r\n" + LINES + "\r\n").get(0);

        assertThat(r.requestLine()).isEqualTo("GET /a?b=1 HTTP/1.1");
        assertThat(r.headerLines()).containsExactly(
                "Host: app.test",
                "x-LoWeR-Case: one",
                "Cookie: a=1",
                "Cookie: b=2",
                "Accept: */*",
                "x-forwarded-for: 127.0.0.1",
                "x-forwarded-proto: http",
                "x-forwarded-host: app.test",
                "x-forwarded-port: " + proxy.httpPort(),
                "x-real-ip: 127.0.0.1",
                "x-request-id: fixed-id");
    }

    @Test
    void theRoutesEditsFollowTheLinesTheyLeave() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .route("app.test", PathMatch.prefix("/"), RouteAction.Forward.to("raw"), null,
                        new RouteFilter.RequestHeaderModifier(List.of(new Header("Accept", "text/x-set")),
                                List.of(new Header("X-Added", "yes"), new Header("Cookie", "c=3")),
                                List.of("x-lower-case")))
                .build());

        RawBackend.Received r = sendBothWays("GET / HTTP/1.1\r\nHost: app.test\r\n" + LINES + "\r\n").get(0);

        assertThat(r.headerLines()).startsWith(
                "Host: app.test",
                "Cookie: a=1",
                "Cookie: b=2");
        assertThat(r.headers("cookie")).containsExactly("a=1", "b=2", "c=3");
        assertThat(r.header("accept")).isEqualTo("text/x-set");
        assertThat(r.header("x-added")).isEqualTo("yes");
        assertThat(r.headers("x-lower-case")).isEmpty();
        assertThat(r.headers("x-hop")).isEmpty();
    }

    @Test
    void anAbsoluteFormTargetsHostReplacesTheHostLine() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());

        RawBackend.Received r = sendBothWays("GET http://app.test/x/../y HTTP/1.1\r\nHost: other.test\r\n"
                + "Accept: */*\r\n\r\n").get(0);

        assertThat(r.requestLine()).isEqualTo("GET /y HTTP/1.1");
        assertThat(r.headers("host")).containsExactly("app.test");
        assertThat(r.headerLines().get(0)).isEqualTo("Accept: */*");
    }

    @Test
    void aBodyFramedByItsLengthArrivesWithThatLength() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());

        RawBackend.Received r = sendBothWays("POST /up HTTP/1.1\r\nHost: app.test\r\nContent-Length: 11\r\n"
                + "Content-Type: text/plain\r\n\r\nhello world").get(0);

        assertThat(r.headerLines()).startsWith("Host: app.test", "Content-Length: 11", "Content-Type: text/plain");
        assertThat(r.bodyText()).isEqualTo("hello world");
    }

    @Test
    void linesNotInTheEncodersFormAreReadByNettysDecoderAndReEncodedAsBefore() throws Exception {
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());

        RawBackend.Received r = sendBothWays("GET / HTTP/1.1\r\nHost:app.test\r\nX-Spaced:   two  \r\n\r\n").get(0);

        assertThat(r.headerLines()).startsWith("Host: app.test", "X-Spaced: two");
    }
}
