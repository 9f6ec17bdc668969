package dev.breakwater.dataplane;

import dev.breakwater.dataplane.settings.ProxyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteFilter.Header;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.SourceAllowlist;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Route filters, allowlists and CORS through a real proxy, real backends and real clients. */
class FiltersTest {

    private static final RouteAction TO_A = RouteAction.Forward.to("a");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestBackend a;
    private DataPlane proxy;

    @BeforeEach
    void start() {
        a = TestBackend.start("a");
    }

    private void serve(Tables tables) throws Exception {
        serve(tables, "127.0.0.1", ProxyConfig.defaults());
    }

    private void serve(Tables tables, String bind, ProxyConfig config) throws Exception {
        proxy = DataPlane.builder().bindAddress(bind).httpPort(0).adminPort(0).workers(2).config(config).build()
                .start();
        proxy.apply(tables.cluster("a", a).build());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        a.close();
    }

    private HttpResponse<String> get(String host, String path, String... headers) throws Exception {
        return send("127.0.0.1", "GET", host, path, headers);
    }

    private HttpResponse<String> send(String address, String method, String host, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address + ":" + proxy.httpPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> seen(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestBackend.parse(r.body());
    }

    // ---- header modifiers

    @Test
    void requestHeaderModifierRemovesSetsAndAdds() throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/"), TO_A, null,
                new RouteFilter.RequestHeaderModifier(List.of(new Header("X-Env", "prod")),
                        List.of(new Header("X-Tag", "route")), List.of("X-Debug"))));

        Map<String, String> seen = seen(get("a.com", "/", "X-Env", "dev", "X-Tag", "client", "X-Debug", "1",
                "X-Other", "kept"));

        assertThat(seen).containsEntry("header.x-env", "prod").containsEntry("header.x-tag", "client,route")
                .containsEntry("header.x-other", "kept").doesNotContainKey("header.x-debug");
        assertThat(seen(get("a.com", "/"))).containsEntry("header.x-tag", "route");
    }

    @Test
    void aClientCannotMakeTheProxyDropAHeaderTheRouteSetsNorSmuggleHopByHopOnes() throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/"), TO_A, null,
                new RouteFilter.RequestHeaderModifier(List.of(new Header("X-Tenant", "blue")),
                        List.of(new Header("X-Audit", "on")), List.of())));

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: a.com\r\nConnection: keep-alive, x-tenant, "
                    + "X-Audit, x-hop\r\nX-Tenant: red\r\nX-Audit: forged\r\nX-Hop: secret\r\n\r\n").read();

            Map<String, String> seen = TestBackend.parse(r.bodyText());
            assertThat(r.status()).isEqualTo(200);
            assertThat(seen).containsEntry("header.x-tenant", "blue").containsEntry("header.x-audit", "on")
                    .doesNotContainKey("header.x-hop").doesNotContainKey("header.connection");
        }
    }

    @Test
    void responseHeaderModifierChangesTheBackendsAnswer() throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/"), TO_A, null,
                new RouteFilter.ResponseHeaderModifier(List.of(new Header("Content-Type", "text/x-set")),
                        List.of(new Header("X-Served-By", "breakwater")), List.of("X-Backend"))));

        HttpResponse<String> r = get("a.com", "/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/x-set");
        assertThat(r.headers().firstValue("x-served-by")).hasValue("breakwater");
        assertThat(r.headers().firstValue("x-backend")).isEmpty();
    }

    // ---- URL rewrite

    @Test
    void rewritesTheFullPathKeepingTheQuery() throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/api"), TO_A, null,
                new RouteFilter.URLRewrite(null, PathModifier.fullPath("/v2/all"))));

        assertThat(seen(get("a.com", "/api/users?page=2&x=%2F"))).containsEntry("uri", "/v2/all?page=2&x=%2F");
        assertThat(seen(get("a.com", "/api"))).containsEntry("uri", "/v2/all");
    }

    @Test
    void rewritesTheMatchedPrefix() throws Exception {
        serve(Tables.builder()
                .route("a.com", PathMatch.prefix("/api/v1/"), TO_A, null,
                        new RouteFilter.URLRewrite(null, PathModifier.prefixMatch("/v2")))
                .route("a.com", PathMatch.prefix("/strip"), TO_A, null,
                        new RouteFilter.URLRewrite(null, PathModifier.prefixMatch("/"))));

        assertThat(seen(get("a.com", "/api/v1/users/7?full=1"))).containsEntry("uri", "/v2/users/7?full=1");
        assertThat(seen(get("a.com", "/api/v1"))).containsEntry("uri", "/v2");
        assertThat(seen(get("a.com", "/strip/x/y"))).containsEntry("uri", "/x/y");
        assertThat(seen(get("a.com", "/strip"))).containsEntry("uri", "/");
    }

    @Test
    void rewritesWithCaptureGroupsAsIngressNginxDoes() throws Exception {
        // ingress-nginx: path /something(/|$)(.*) with use-regex and rewrite-target /$2
        serve(Tables.builder().route("a.com", new PathMatch(PathMatch.Type.REGULAR_EXPRESSION,
                        "(?i)(?:/something(/|$)(.*)).*"), TO_A, null,
                new RouteFilter.URLRewrite(null, PathModifier.regex("(?i)/something(/|$)(.*)", "/$2"))));

        assertThat(seen(get("a.com", "/something"))).containsEntry("uri", "/");
        assertThat(seen(get("a.com", "/something/"))).containsEntry("uri", "/");
        assertThat(seen(get("a.com", "/SOMETHING/new?x=1"))).containsEntry("uri", "/new?x=1");
        assertThat(seen(get("a.com", "/something/a/b/c"))).containsEntry("uri", "/a/b/c");
        assertThat(get("a.com", "/somethingelse").statusCode()).isEqualTo(404);
    }

    @Test
    void regexSubstitutionsFollowNginxForGroupsAndQueries() throws Exception {
        serve(Tables.builder()
                .route("a.com", PathMatch.prefix("/shop"), TO_A, null, new RouteFilter.URLRewrite(null,
                        PathModifier.regex("/shop/([a-z]+)/([0-9]+)", "/items/$2?category=$1&$9")))
                .route("a.com", PathMatch.prefix("/only"), TO_A, null, new RouteFilter.URLRewrite(null,
                        PathModifier.regex("/only/(.*)", "/$1?")))
                .route("a.com", PathMatch.prefix("/"), TO_A, null, new RouteFilter.URLRewrite(null,
                        PathModifier.regex("^/never-found$", "/x"))));

        assertThat(seen(get("a.com", "/shop/books/42?sort=asc"))).containsEntry("uri",
                "/items/42?category=books&&sort=asc");
        assertThat(seen(get("a.com", "/shop/other"))).as("pattern not found: path kept")
                .containsEntry("uri", "/shop/other");
        assertThat(seen(get("a.com", "/only/this?dropped=1"))).as("a trailing ? drops the query")
                .containsEntry("uri", "/this");
        assertThat(seen(get("a.com", "/plain?q=1"))).containsEntry("uri", "/plain?q=1");
    }

    @Test
    void rewritesTheHostSentToTheBackend() throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/"), TO_A, null,
                new RouteFilter.URLRewrite("backend.internal", null)));

        Map<String, String> seen = seen(get("a.com:8080", "/p?q"));

        assertThat(seen).containsEntry("header.host", "backend.internal").containsEntry("uri", "/p?q")
                .containsEntry("header.x-forwarded-host", "a.com:8080");
    }

    // ---- redirects

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void redirectsWithEachStatusCode(int code) throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/"), TO_A, null,
                new RouteFilter.RequestRedirect("https", "new.example.com", null, null, code)));

        HttpResponse<String> r = get("a.com", "/old/page?q=1");

        assertThat(r.statusCode()).isEqualTo(code);
        assertThat(r.headers().firstValue("location")).hasValue("https://new.example.com/old/page?q=1");
        assertThat(r.body()).contains("moved to https://new.example.com/old/page?q=1");
        assertThat(a.requests()).isZero();
    }

    @Test
    void redirectLocationsTakeWhatTheFilterDoesNotReplaceFromTheRequest() throws Exception {
        serve(Tables.builder()
                .route("a.com", PathMatch.prefix("/full"), TO_A, null,
                        new RouteFilter.RequestRedirect(null, null, null, PathModifier.fullPath("/landing"), 301))
                .route("a.com", PathMatch.prefix("/docs/"), TO_A, null,
                        new RouteFilter.RequestRedirect(null, "docs.example.com", null,
                                PathModifier.prefixMatch("/v2"), 308))
                .route("a.com", PathMatch.prefix("/port"), TO_A, null,
                        new RouteFilter.RequestRedirect("https", null, 8443, null, 302))
                .route("a.com", PathMatch.prefix("/plain"), TO_A, null,
                        new RouteFilter.RequestRedirect("http", null, null, null, 307))
                .route("a.com", PathMatch.prefix("/fixed"), TO_A, null,
                        new RouteFilter.RequestRedirect("https", "www.example.org", 443,
                                PathModifier.fullPath("/welcome?"), 301))
                .route("*", PathMatch.prefix("/"), TO_A, null,
                        new RouteFilter.RequestRedirect(null, null, null, PathModifier.fullPath("/landing"), 301)),
                "127.0.0.1", ProxyConfig.defaults().withPublicHttpsPort(9443));

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            assertThat(location(raw, "/full/x?q=1", "a.com:8080")).isEqualTo("301 http://a.com:8080/landing?q=1");
            assertThat(location(raw, "/docs/guide/intro", "a.com:8080"))
                    .isEqualTo("308 http://docs.example.com:8080/v2/guide/intro");
            assertThat(location(raw, "/port/x", "a.com:8080")).isEqualTo("302 https://a.com:8443/port/x");
            assertThat(location(raw, "/plain?a", "a.com:8080")).isEqualTo("307 http://a.com/plain?a");
            assertThat(location(raw, "/fixed/deep?dropped", "a.com")).isEqualTo("301 https://www.example.org/welcome");
            assertThat(location(raw, "/full", "[::1]:8080")).isEqualTo("301 http://[::1]:8080/landing");
        }
        assertThat(get("a.com", "/port").headers().firstValue("location")).hasValue("https://a.com:8443/port");
        assertThat(a.requests()).isZero();
    }

    @Test
    void aRedirectToHttpsWithoutPortUsesThePublicHttpsPort() throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/"), TO_A, null,
                new RouteFilter.RequestRedirect("https", null, null, null, 301)),
                "127.0.0.1", ProxyConfig.defaults().withPublicHttpsPort(9443));

        assertThat(get("a.com:8080", "/x").headers().firstValue("location")).hasValue("https://a.com:9443/x");
    }

    private static String location(RawHttp raw, String target, String host) throws Exception {
        RawHttp.Response r = raw.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read();
        return r.status() + " " + r.header("location");
    }

    // ---- source allowlist

    @Test
    void allowlistServesClientsInsideAndAnswers403ToOthers() throws Exception {
        serve(Tables.builder()
                .route("in.com", PathMatch.prefix("/"), TO_A,
                        RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8", "127.0.0.0/8"))))
                .route("out.com", PathMatch.prefix("/"), TO_A,
                        RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8", "::1")))));

        assertThat(get("in.com", "/").statusCode()).isEqualTo(200);
        HttpResponse<String> denied = get("out.com", "/");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("client address not allowed")
                .contains(denied.headers().firstValue("x-request-id").orElseThrow());
        assertThat(a.requests()).isEqualTo(1);
        assertThat(proxy.metrics().scrape()).contains("breakwater_requests_denied_total{reason=\"allowlist\"} 1.0");
    }

    @Test
    void allowlistOverIpv6AndIpv4OnOneDualStackListener() throws Exception {
        Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback on this machine");
        serve(Tables.builder()
                .route("v6.com", PathMatch.prefix("/"), TO_A,
                        RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("::1/128"))))
                .route("v6net.com", PathMatch.prefix("/"), TO_A,
                        RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("fd00::/8", "127.0.0.1"))))
                .route("v4.com", PathMatch.prefix("/"), TO_A,
                        RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("127.0.0.1/32")))),
                "::", ProxyConfig.defaults());

        assertThat(send("[::1]", "GET", "v6.com", "/").statusCode()).isEqualTo(200);
        assertThat(send("127.0.0.1", "GET", "v6.com", "/").statusCode()).isEqualTo(403);
        assertThat(send("[::1]", "GET", "v6net.com", "/").statusCode()).isEqualTo(403);
        assertThat(send("127.0.0.1", "GET", "v6net.com", "/").statusCode()).as("IPv4 client on a dual-stack listener")
                .isEqualTo(200);
        assertThat(send("127.0.0.1", "GET", "v4.com", "/").statusCode()).isEqualTo(200);
        assertThat(send("[::1]", "GET", "v4.com", "/").statusCode()).isEqualTo(403);
    }

    @Test
    void behindATrustedBalancerTheAllowlistReadsTheLastForwardedAddress() throws Exception {
        serve(Tables.builder().route("a.com", PathMatch.prefix("/"), TO_A,
                        RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("203.0.113.0/24",
                                "2001:db8::/32")))),
                "127.0.0.1", ProxyConfig.defaults().withTrustForwardedHeaders(true));

        assertThat(get("a.com", "/", "X-Forwarded-For", "198.51.100.1, 203.0.113.9").statusCode()).isEqualTo(200);
        assertThat(get("a.com", "/", "X-Forwarded-For", "2001:db8::5").statusCode()).isEqualTo(200);
        assertThat(get("a.com", "/", "X-Forwarded-For", "203.0.113.9, 198.51.100.1").statusCode()).isEqualTo(403);
        assertThat(get("a.com", "/", "X-Forwarded-For", "not-an-address").statusCode()).isEqualTo(403);
        assertThat(get("a.com", "/").statusCode()).as("no X-Forwarded-For: the connection's address").isEqualTo(403);
    }

    private static boolean ipv6Loopback() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    // ---- CORS

    private static final Cors APP_CORS = new Cors(List.of("https://app.example.com", "https://*.example.org"),
            List.of("GET", "PUT", "POST"), List.of("Content-Type", "Authorization"), List.of("X-Total"), true, 600L);

    @Test
    void corsPreflightFromAnAllowedOriginIsAnsweredByTheProxy() throws Exception {
        serve(Tables.builder().route("api.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withCors(APP_CORS)));

        HttpResponse<String> r = send("127.0.0.1", "OPTIONS", "api.com", "/items", "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().map()).containsEntry("access-control-allow-origin", List.of("https://app.example.com"))
                .containsEntry("access-control-allow-methods", List.of("GET, PUT, POST"))
                .containsEntry("access-control-allow-headers", List.of("Content-Type, Authorization"))
                .containsEntry("access-control-allow-credentials", List.of("true"))
                .containsEntry("access-control-max-age", List.of("600"))
                .containsEntry("vary", List.of("origin"))
                .doesNotContainKey("content-length");
        HttpResponse<String> sub = send("127.0.0.1", "OPTIONS", "api.com", "/", "Origin", "https://a-1.example.org",
                "Access-Control-Request-Method", "GET");
        assertThat(sub.statusCode()).isEqualTo(204);
        assertThat(sub.headers().firstValue("access-control-allow-origin")).hasValue("https://a-1.example.org");
        assertThat(a.requests()).isZero();
    }

    @Test
    void preflightsFromOtherOriginsAndPlainOptionsReachTheBackend() throws Exception {
        serve(Tables.builder().route("api.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withCors(APP_CORS)));

        for (String origin : List.of("https://evil.example.com", "http://app.example.com", "https://a.b.example.org",
                "https://example.org", "https://app.example.com:8443")) {
            HttpResponse<String> r = send("127.0.0.1", "OPTIONS", "api.com", "/", "Origin", origin,
                    "Access-Control-Request-Method", "PUT");
            assertThat(r.statusCode()).as(origin).isEqualTo(200);
            assertThat(r.headers().firstValue("access-control-allow-origin")).as(origin).isEmpty();
        }
        assertThat(send("127.0.0.1", "OPTIONS", "api.com", "/", "Origin", "https://app.example.com").statusCode())
                .as("OPTIONS without Access-Control-Request-Method is no preflight").isEqualTo(200);
        assertThat(a.requests()).isEqualTo(6);
    }

    @Test
    void actualCorsRequestsGetAllowOriginCredentialsAndExposedHeaders() throws Exception {
        serve(Tables.builder().route("api.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withCors(APP_CORS)));

        HttpResponse<String> allowed = get("api.com", "/items", "Origin", "https://app.example.com");
        HttpResponse<String> other = get("api.com", "/items", "Origin", "https://evil.example.com");
        HttpResponse<String> none = get("api.com", "/items");

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().map()).containsEntry("access-control-allow-origin", List.of("https://app.example.com"))
                .containsEntry("access-control-allow-credentials", List.of("true"))
                .containsEntry("access-control-expose-headers", List.of("X-Total"))
                .containsEntry("vary", List.of("origin"))
                .doesNotContainKey("access-control-allow-methods");
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(other.headers().allValues("vary")).containsExactly("origin");
        assertThat(none.headers().allValues("vary")).as("a cache must know the answer depends on Origin")
                .containsExactly("origin");
    }

    @Test
    void anyOriginAnswersStarWithoutVary() throws Exception {
        Cors any = new Cors(List.of("*"), List.of("GET"), List.of(), List.of(), false, null);
        serve(Tables.builder().route("api.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withCors(any)));

        HttpResponse<String> preflight = send("127.0.0.1", "OPTIONS", "api.com", "/", "Origin", "https://x.net",
                "Access-Control-Request-Method", "GET");
        HttpResponse<String> actual = get("api.com", "/", "Origin", "https://y.net");

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().map()).containsEntry("access-control-allow-origin", List.of("*"))
                .containsEntry("access-control-allow-methods", List.of("GET"))
                .doesNotContainKeys("vary", "access-control-allow-credentials", "access-control-max-age",
                        "access-control-allow-headers");
        assertThat(actual.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(actual.headers().firstValue("vary")).isEmpty();
    }

    @Test
    void filtersAnswerBeforeAnUnresolvedBackendAndKeepTheConnectionUsable() throws Exception {
        serve(Tables.builder()
                .route("gone.com", PathMatch.prefix("/"), new RouteAction.FixedResponse(503, "no backend"), null,
                        new RouteFilter.RequestRedirect("https", "moved.example.com", null, null, 301))
                .route("a.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withCors(APP_CORS)));

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            raw.send("GET /x HTTP/1.1\r\nHost: gone.com\r\n\r\n"
                    + "OPTIONS / HTTP/1.1\r\nHost: a.com\r\nOrigin: https://app.example.com\r\n"
                    + "Access-Control-Request-Method: GET\r\n\r\n"
                    + "GET /after HTTP/1.1\r\nHost: a.com\r\n\r\n");
            List<RawHttp.Response> rs = raw.read(3);
            assertThat(rs.get(0).status()).isEqualTo(301);
            assertThat(rs.get(0).header("location")).isEqualTo("https://moved.example.com/x");
            assertThat(rs.get(1).status()).isEqualTo(204);
            assertThat(rs.get(2).status()).isEqualTo(200);
            assertThat(TestBackend.parse(rs.get(2).bodyText())).containsEntry("uri", "/after");
        }
    }

    @Test
    void filtersWorkTheSameOverHttp2() throws Exception {
        dev.breakwater.dataplane.testing.TestPki pki = dev.breakwater.dataplane.testing.TestPki.create("Filters CA");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2).build()
                .start();
        proxy.apply(Tables.builder().cluster("a", a)
                .route("a.example.com", PathMatch.prefix("/rw"), TO_A, null,
                        new RouteFilter.URLRewrite("inner", PathModifier.regex("/rw/(.*)", "/x/$1")),
                        new RouteFilter.RequestHeaderModifier(List.of(new Header("x-env", "h2")), null, null),
                        new RouteFilter.ResponseHeaderModifier(null, List.of(new Header("x-added", "1")), null))
                .route("a.example.com", PathMatch.prefix("/go"), TO_A, null,
                        new RouteFilter.RequestRedirect(null, "b.example.com", null, null, 307))
                .route("a.example.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withCors(APP_CORS))
                .build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(pki.clientContext(null))
                .build();
        String base = "https://a.example.com:" + proxy.httpsPort();

        HttpResponse<String> rw = h2.send(HttpRequest.newBuilder(URI.create(base + "/rw/a/b?c=d")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> go = h2.send(HttpRequest.newBuilder(URI.create(base + "/go/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> preflight = h2.send(HttpRequest.newBuilder(URI.create(base + "/api"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(rw.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(seen(rw)).containsEntry("uri", "/x/a/b?c=d").containsEntry("header.host", "inner")
                .containsEntry("header.x-env", "h2");
        assertThat(rw.headers().firstValue("x-added")).hasValue("1");
        assertThat(go.statusCode()).isEqualTo(307);
        assertThat(go.headers().firstValue("location")).hasValue("https://b.example.com:" + proxy.httpsPort() + "/go/x");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        assertThat(a.requests()).isEqualTo(1);
    }
}
