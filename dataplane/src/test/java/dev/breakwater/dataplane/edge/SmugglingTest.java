package dev.breakwater.dataplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling through the Connection header, as an attacker sends it (raw bytes, plain and TLS), asserting what
 * the endpoint read: a header that frames or routes the request, or that the proxy sets, is never removed because
 * Connection names it; the body stays framed; the endpoint reads exactly one request.
 */
class SmugglingTest {

    private static RawBackend backend;
    private static DataPlane proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = RawBackend.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .build().start();
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .prefix("app.test", "/", "raw").build());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    @BeforeEach
    void clear() {
        backend.clear();
    }

    static Stream<Arguments> framingAndProxyHeaders() {
        return Stream.of("Content-Length", "content-length", "CONTENT-LENGTH", "Transfer-Encoding", "Host", "host",
                "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Real-IP",
                "X-Request-Id", "Forwarded", "TE")
                .flatMap(name -> Stream.of(Arguments.of(name, false), Arguments.of(name, true)));
    }

    private static RawHttp connect(boolean tls) throws Exception {
        return tls ? RawHttp.tls(proxy.httpsPort(), "app.test") : new RawHttp(proxy.httpPort());
    }

    @ParameterizedTest(name = "Connection: {0} (tls {1})")
    @MethodSource("framingAndProxyHeaders")
    void aConnectionTokenNeverRemovesAFramingRoutingOrProxyHeader(String name, boolean tls) throws Exception {
        // the body is a whole second request: if Content-Length were dropped the endpoint would run it
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n";
        try (RawHttp raw = connect(tls)) {
            RawHttp.Response r = raw.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nConnection: keep-alive, " + name
                    + "\r\nX-Forwarded-For: 6.6.6.6\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled)
                    .read();
            assertThat(r.status()).isEqualTo(200);
            // the connection still works, in step
            assertThat(raw.send("GET /next HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(200);
        }
        List<RawBackend.Received> got = backend.received();
        assertThat(got).extracting(RawBackend.Received::target).containsExactly("/upload", "/next");
        RawBackend.Received upload = got.get(0);
        assertThat(upload.bodyText()).isEqualTo(smuggled);
        assertThat(upload.headers("content-length")).containsExactly(Integer.toString(smuggled.length()));
        assertThat(upload.headers("host")).containsExactly("app.test");
        assertThat(upload.headers("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(upload.headers("x-real-ip")).containsExactly("127.0.0.1");
        assertThat(upload.headers("x-forwarded-proto")).containsExactly(tls ? "https" : "http");
        assertThat(upload.headers("x-request-id")).hasSize(1);
        assertThat(upload.headers("connection")).isEmpty();
    }

    static Stream<Arguments> ambiguousFraming() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";
        String chunkedThenSmuggled = "0\r\n\r\n" + smuggled;
        return Stream.of(
                Arguments.of("CL.TE", "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedThenSmuggled),
                Arguments.of("TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n" + chunkedThenSmuggled),
                Arguments.of("CL.CL", "Content-Length: 0\r\nContent-Length: 44\r\n\r\n" + smuggled),
                Arguments.of("CL list", "Content-Length: 0, 44\r\n\r\n" + smuggled),
                Arguments.of("CL sign", "Content-Length: +44\r\n\r\n" + smuggled),
                Arguments.of("CL hex", "Content-Length: 0x2c\r\n\r\n" + smuggled),
                Arguments.of("TE xchunked", "Transfer-Encoding: xchunked\r\n\r\n" + chunkedThenSmuggled),
                Arguments.of("TE chunked, identity", "Transfer-Encoding: chunked, identity\r\n\r\n" + chunkedThenSmuggled),
                Arguments.of("TE space before colon", "Transfer-Encoding : chunked\r\n\r\n" + chunkedThenSmuggled),
                Arguments.of("TE obs-fold", "Transfer-Encoding:\r\n chunked\r\n\r\n" + chunkedThenSmuggled),
                Arguments.of("TE twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
                        + chunkedThenSmuggled),
                Arguments.of("chunk size garbage", "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + chunkedThenSmuggled),
                Arguments.of("chunk size overflow", "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\n"
                        + chunkedThenSmuggled),
                Arguments.of("bare CR in a header", "X-A: a\rTransfer-Encoding: chunked\r\n\r\n" + chunkedThenSmuggled),
                Arguments.of("NUL in a header", "X-A: a\u0000b\r\nContent-Length: 44\r\n\r\n" + smuggled));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousFraming")
    void ambiguousFramingIsRefusedOrReadOneWayByBoth(String name, String headAndBody) throws Exception {
        int status;
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: app.test\r\n" + headAndBody);
            try {
                status = raw.read().status();
            } catch (java.io.IOException closed) {
                status = -1;
            }
        }
        Thread.sleep(100); // let anything smuggled reach the endpoint before looking
        assertThat(backend.received()).extracting(RawBackend.Received::target).doesNotContain("/smuggled");
        if (status != 400) {
            // accepted: then it was read one way, and reached the endpoint as one request framed one way
            assertThat(backend.received()).hasSize(1);
            RawBackend.Received got = backend.received().get(0);
            assertThat(got.headers("content-length").size() + got.headers("transfer-encoding").size()).isEqualTo(1);
        }
    }

    @Test
    void aChunkedBodyStaysFramedWhenConnectionNamesTransferEncoding() throws Exception {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";
        String chunk = Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n";
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nConnection: Transfer-Encoding"
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk).read();
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly("/upload");
        assertThat(backend.received().get(0).bodyText()).isEqualTo(smuggled);
    }

    @Test
    void hopByHopHeadersNamedByConnectionAreStillRemoved() throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: app.test\r\nConnection: x-secret, keep-alive\r\n"
                    + "Connection: x-other\r\nX-Secret: 1\r\nX-Other: 2\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Connection: keep-alive\r\nX-Kept: 3\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
        }
        RawBackend.Received got = backend.received().get(0);
        assertThat(got.headers("x-secret")).isEmpty();
        assertThat(got.headers("x-other")).isEmpty();
        assertThat(got.headers("keep-alive")).isEmpty();
        assertThat(got.headers("proxy-connection")).isEmpty();
        assertThat(got.headers("x-kept")).containsExactly("3");
    }

    @Test
    void aClientCannotClaimAVerifiedCertificateOnARouteWithoutClientCertificates() throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: app.test\r\nssl-client-verify: SUCCESS\r\n"
                    + "SSL-Client-Subject-DN: CN=admin\r\nssl-client-issuer-dn: CN=ca\r\nssl-client-cert: forged\r\n"
                    + "X-Kept: 1\r\n\r\n").read().status()).isEqualTo(200);
        }
        RawBackend.Received got = backend.received().get(0);
        assertThat(got.headers("ssl-client-verify")).isEmpty();
        assertThat(got.headers("ssl-client-subject-dn")).isEmpty();
        assertThat(got.headers("ssl-client-issuer-dn")).isEmpty();
        assertThat(got.headers("ssl-client-cert")).isEmpty();
        assertThat(got.headers("x-kept")).containsExactly("1");
    }

    @Test
    void theProxyHeaderIsNeverForwarded() throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: app.test\r\nProxy: http://evil.test:3128\r\n\r\n").read()
                    .status()).isEqualTo(200);
        }
        assertThat(backend.received().get(0).headers("proxy")).isEmpty();
    }

    @Test
    void nettysHttp2ConversionHeadersFromAClientAreDropped() throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET /public HTTP/1.1\r\nHost: app.test\r\nx-http2-path: /admin\r\n"
                    + "x-http2-scheme: https\r\nx-http2-stream-id: 3\r\n\r\n").read().status()).isEqualTo(200);
        }
        RawBackend.Received got = backend.received().get(0);
        assertThat(got.target()).isEqualTo("/public");
        assertThat(got.headerLines()).noneMatch(l -> l.toLowerCase().startsWith("x-http2-"));
    }
}
