package dev.breakwater.dataplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.request.PathPolicy;
import dev.breakwater.dataplane.request.RequestPolicy;
import dev.breakwater.dataplane.testing.H2Client;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.SourceAllowlist;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths, targets and Host as an attacker writes them, over HTTP/1.1 (plain and TLS) and HTTP/2, against a host whose
 * {@code /admin} is behind an allowlist that excludes the test client: every encoding of {@code /admin} is answered 403
 * and never reaches the endpoint; what does reach it carries the normalised path that was routed.
 */
class PathAndHostTest {

    private static final String[] ADMIN_PROBES = {"/admin", "/admin/", "/admin/x", "/adm%69n", "/ADM%69n/../admin",
        "/%61dmin/x", "/%61%64%6d%69%6e", "/./admin", "/%2e/admin", "/%2e%2e/admin", "/%2E%2E/admin", "/../admin",
        "/public/../admin", "/public/%2e%2e/admin", "/public/.%2E/admin/x", "/public/./../admin", "//admin",
        "///admin//x", "/public//../admin", "/x/y/../../admin"};

    private static RawBackend backend;
    private static DataPlane proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = RawBackend.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .build().start();
        RoutePolicy allowOnly10 = RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8")));
        proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                .route("app.test", PathMatch.prefix("/admin"), RouteAction.Forward.to("raw"), allowOnly10)
                .prefix("app.test", "/public", "raw")
                .prefix("app.test", "/", "raw")
                .prefix("other.test", "/", "raw").build());
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

    static Stream<Arguments> adminProbes() {
        return Stream.of(ADMIN_PROBES).flatMap(p -> Stream.of(Arguments.of(p, false), Arguments.of(p, true)));
    }

    private static RawHttp connect(boolean tls) throws Exception {
        return tls ? RawHttp.tls(proxy.httpsPort(), "app.test") : new RawHttp(proxy.httpPort());
    }

    private static RawHttp.Response get(String target, String host) throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            return raw.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read();
        }
    }

    @ParameterizedTest(name = "{0} (tls {1})")
    @MethodSource("adminProbes")
    void everyEncodingOfTheAllowlistedPathIsRefused(String probe, boolean tls) throws Exception {
        try (RawHttp raw = connect(tls)) {
            RawHttp.Response r = raw.send("GET " + probe + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.bodyText()).contains("client address not allowed");
        }
        assertThat(backend.received()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/admin", "/adm%69n", "/%61dmin/x", "/./admin", "/%2e%2e/admin", "/public/../admin",
        "/public/%2e%2e/admin", "//admin"})
    void everyEncodingOfTheAllowlistedPathIsRefusedOverHttp2(String probe) throws Exception {
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "app.test")) {
            H2Client.Answer a = h2.send(head("GET", probe, "app.test"), null);
            assertThat(a.status()).isEqualTo(403);
        }
        assertThat(backend.received()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/public/./x/../y|/public/y",
        "/public/%7euser|/public/~user",
        "/public/%3f?q=%3f|/public/%3F?q=%3f",
        "/public/a%20b|/public/a%20b",
        "/public/caf%c3%a9|/public/caf%C3%A9",
        "/public/{x}?a={b}|/public/%7Bx%7D?a=%7Bb%7D",
        "/public//x|/public/x",
        "/%70ublic/x|/public/x",
        "/public/..|/",
    })
    void theEndpointReceivesThePathThatWasRouted(String sent, String received) throws Exception {
        assertThat(get(sent, "app.test").status()).isEqualTo(200);
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly(received);
    }

    @Test
    void http2PathsAreNormalisedTheSameWay() throws Exception {
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "app.test")) {
            assertThat(h2.send(head("GET", "/public/%2e%2e/public/%7ea?x", "app.test"), null).status()).isEqualTo(200);
            assertThat(h2.send(head("GET", "/public/a%2Fb", "app.test"), null).status()).isEqualTo(400);
        }
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly("/public/~a?x");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/public/a%2Fb", "/public/a%2fb", "/public%5Cadmin", "/public\\..\\admin", "/a%00",
        "/a%zz", "/a#frag", "public", "*", "/a%", "ftp://app.test/x", "http://user@app.test/x",
        "http://app.test:99999/x"})
    void unsafePathsAndTargetsAreRefusedWith400(String target) throws Exception {
        RawHttp.Response r = get(target, "app.test");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void anAbsoluteFormTargetNamesTheHostWhateverItsCase() throws Exception {
        // routed by the target's host: the allowlist of app.test applies, whatever the Host header says
        assertThat(get("HTTP://app.test/admin", "other.test").status()).isEqualTo(403);
        assertThat(get("hTTps://APP.test:8443/%61dmin", "other.test").status()).isEqualTo(403);
        assertThat(backend.received()).isEmpty();

        assertThat(get("Http://other.test/x?y=1", "app.test").status()).isEqualTo(200);
        RawBackend.Received got = backend.received().get(0);
        assertThat(got.target()).isEqualTo("/x?y=1");
        assertThat(got.headers("host")).containsExactly("other.test");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"app\t.test", "app test", "user@app.test", "app.test/x", "app.test:80:80", "app.test:x",
        "[::1", "app.test,other.test\\", "app.test:123456", ""})
    void aHostOutsideTheUriGrammarIsRefused(String host) throws Exception {
        RawHttp.Response r = get("/public", host);
        assertThat(r.status()).isEqualTo(400);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void twoHostHeadersAreRefusedEvenWhenEqual() throws Exception {
        for (String second : new String[] {"other.test", "app.test"}) {
            try (RawHttp raw = new RawHttp(proxy.httpPort())) {
                RawHttp.Response r = raw.send("GET /public HTTP/1.1\r\nHost: app.test\r\nHost: " + second + "\r\n\r\n")
                        .read();
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.bodyText()).contains("more than one Host header");
            }
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void http2HostAndAuthorityMustAgree() throws Exception {
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "app.test")) {
            Http2Headers conflicting = head("GET", "/admin", "other.test").add("host", "app.test");
            H2Client.Answer a = h2.send(conflicting, null);
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.body()).contains("different hosts");
            Http2Headers agreeing = head("GET", "/public/a", "app.test").add("host", "APP.test");
            assertThat(h2.send(agreeing, null).status()).isEqualTo(200);
            // the connection is still good after a refused stream
            assertThat(h2.send(head("GET", "/public/b", "app.test"), null).status()).isEqualTo(200);
        }
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly("/public/a", "/public/b");
        assertThat(backend.received().get(0).headers("host")).hasSize(1);
    }

    @Test
    void http2RequestsCannotCarryConnectionHeadersProxyOrConversionHeaders() throws Exception {
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "app.test")) {
            // connection-specific headers are malformed in HTTP/2 (RFC 9113 8.2.2): refused by the codec, which
            // resets the stream or closes the connection
            H2Client.Answer framing;
            try {
                framing = h2.send(head("POST", "/public/a", "app.test").add("connection", "content-length")
                        .add("content-length", "3"), "abc");
            } catch (java.util.concurrent.ExecutionException closed) {
                framing = null;
            }
            assertThat(framing == null ? -1 : framing.status()).isNotEqualTo(200);
        }
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "app.test")) {
            H2Client.Answer sneaky = h2.send(head("GET", "/public/b", "app.test").add("proxy", "http://evil.test")
                    .add("x-http2-path", "/admin").add("x-http2-scheme", "http"), null);
            assertThat(sneaky.status()).isEqualTo(200);
        }
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly("/public/b");
        RawBackend.Received got = backend.received().get(0);
        assertThat(got.headers("proxy")).isEmpty();
        assertThat(got.headerLines()).noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("x-http2-"));
    }

    @Test
    void requestHeadersAreCountedAgainstTheLimit() throws Exception {
        StringBuilder ninetyNine = new StringBuilder();
        for (int i = 0; i < 99; i++) {
            ninetyNine.append("X-H").append(i).append(": v\r\n");
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(raw.send("GET /public HTTP/1.1\r\nHost: app.test\r\n" + ninetyNine + "\r\n").read().status())
                    .isEqualTo(200);
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("GET /public HTTP/1.1\r\nHost: app.test\r\n" + ninetyNine + "X-More: 1\r\n\r\n")
                    .read();
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.bodyText()).contains("more than 100 request header fields");
        }
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "app.test")) {
            Http2Headers many = head("GET", "/public", "app.test");
            for (int i = 0; i < 100; i++) {
                many.add("x-h" + i, "v");
            }
            assertThat(h2.send(many, null).status()).isEqualTo(431);
        }
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void theLimitsAndPathPolicyAreSettings() throws Exception {
        try (DataPlane strict = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .requestPolicy(RequestPolicy.DEFAULT.withMaxHeaders(5)
                        .withPaths(new PathPolicy(false, PathPolicy.EscapedSlashes.KEEP)))
                .build().start()) {
            strict.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                    .prefix("app.test", "/", "raw").build());
            try (RawHttp raw = new RawHttp(strict.httpPort())) {
                assertThat(raw.send("GET /group%2fproject//x HTTP/1.1\r\nHost: app.test\r\nA: 1\r\nB: 2\r\nC: 3\r\n"
                        + "D: 4\r\n\r\n").read().status()).isEqualTo(200);
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: app.test\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n")
                        .read().status()).isEqualTo(431);
            }
        }
        assertThat(backend.received()).extracting(RawBackend.Received::target).containsExactly("/group%2Fproject//x");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GeT", "get", "DeLeTe", "GET#", "G%54", "GET1"})
    void aMethodOutsideUpperCaseLettersIsRefused(String method) throws Exception {
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send(method + " /public HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void connectIsNotServed() throws Exception {
        RawHttp.Response r;
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            r = raw.send("CONNECT app.test:443 HTTP/1.1\r\nHost: app.test:443\r\n\r\n").read();
        }
        assertThat(r.status()).isIn(400, 405);
        assertThat(backend.received()).isEmpty();
    }

    private static Http2Headers head(String method, String path, String authority) {
        return new DefaultHttp2Headers(false).method(method).path(path).scheme("https").authority(authority);
    }
}
