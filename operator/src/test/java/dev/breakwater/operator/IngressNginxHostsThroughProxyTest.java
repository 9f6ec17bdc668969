package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.fixture.Fixtures;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's error pages and host annotations from Ingress YAML to answers: compiled, served by a real data
 * plane, real backends and real clients over real sockets. The error backend is a {@link TestBackend}, which answers
 * with what it received, so every header ingress-nginx's custom-error backends read is checked as it arrived.
 */
class IngressNginxHostsThroughProxyTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String NS = "default";
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final AtomicLong version = new AtomicLong();
    private static DataPlane proxy;
    private static TestBackend app;
    private static TestBackend errors;

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        errors = TestBackend.start("errors");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        app.close();
        errors.close();
    }

    /** Services app (at the app backend), errors (at the error backend) and empty (no endpoint). */
    private static Compilation serve(CompilerOptions options, Ingress... ingresses) {
        List<Service> services = List.of(
                Fixtures.service(NS, "app").port("http", 80, app.port()).build(),
                Fixtures.service(NS, "errors").port("http", 8080, errors.port()).build(),
                Fixtures.service(NS, "empty").port("http", 80, 8080).build());
        List<EndpointSlice> slices = List.of(
                Fixtures.endpointSlice(NS, "app-1", "app").port("http", app.port()).endpoint("127.0.0.1").build(),
                Fixtures.endpointSlice(NS, "errors-1", "errors").port("http", errors.port()).endpoint("127.0.0.1")
                        .build(),
                Fixtures.endpointSlice(NS, "empty-1", "empty").port("http", 8080).build());
        Compilation c = Compiler.compile(new ClusterSnapshot(List.of(ingresses), List.of(), services, slices,
                List.of()), options);
        proxy.apply(c.table().withVersion(version.incrementAndGet()));
        return c;
    }

    private static Compilation serve(Ingress... ingresses) {
        return serve(CompilerOptions.local().alsoServing(List.of("nginx")), ingresses);
    }

    private static HttpResponse<String> get(String host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anInterceptedStatusIsAnsweredByTheDefaultBackendWithIngressNginxsHeaders() throws Exception {
        Compilation c = serve(Fixtures.ingress(NS, "shop").className("nginx").host("shop.example")
                .prefix("/", "app", 80)
                .annotation(NGINX + "custom-http-errors", "404,503")
                .annotation(NGINX + "default-backend", "errors").build());
        assertThat(c.diagnostics()).isEmpty();

        HttpResponse<String> r = get("shop.example", "/status/404?q=1", "Accept", "application/json",
                "X-Request-ID", "req-1");

        Map<String, String> seen = TestBackend.parse(r.body());
        assertThat(r.headers().firstValue("x-backend")).hasValue("errors");
        assertThat(seen).containsEntry("uri", "/").containsEntry("method", "GET")
                .containsEntry("header.x-code", "404")
                .containsEntry("header.x-format", "application/json")
                .containsEntry("header.x-original-uri", "/status/404?q=1")
                .containsEntry("header.x-namespace", "default")
                .containsEntry("header.x-ingress-name", "shop")
                .containsEntry("header.x-service-name", "app")
                .containsEntry("header.x-service-port", "80")
                .containsEntry("header.x-request-id", "req-1")
                .containsEntry("header.host", "shop.example");
        assertThat(r.statusCode()).as("the error backend's own status").isEqualTo(200);

        HttpResponse<String> notIntercepted = get("shop.example", "/status/418");
        assertThat(notIntercepted.statusCode()).isEqualTo(418);
        assertThat(notIntercepted.headers().firstValue("x-backend")).hasValue("app");
        assertThat(get("shop.example", "/fine").headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void errorPagesKeepTheConnectionAndTakeARequestBody() throws Exception {
        serve(Fixtures.ingress(NS, "api").className("nginx").host("api.example").prefix("/", "app", 80)
                .annotation(NGINX + "custom-http-errors", "500")
                .annotation(NGINX + "default-backend", "errors").build());

        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            for (int i = 0; i < 3; i++) { // one connection: the endpoint's 500 read whole, the next request served
                raw.send("POST /status/500 HTTP/1.1\r\nHost: api.example\r\nContent-Length: 5\r\n\r\nhello");
                RawHttp.Response r = raw.read(false);
                Map<String, String> seen = TestBackend.parse(r.bodyText());
                assertThat(r.status()).isEqualTo(200);
                assertThat(seen).containsEntry("backend", "errors").containsEntry("method", "POST")
                        .containsEntry("header.x-code", "500").containsEntry("header.x-original-uri", "/status/500")
                        .doesNotContainKey("header.content-length");
            }
            raw.send("GET /ok HTTP/1.1\r\nHost: api.example\r\n\r\n");
            assertThat(TestBackend.parse(raw.read(false).bodyText())).containsEntry("backend", "app");
        }
    }

    @Test
    void aServiceWithoutEndpointsIsAnsweredByTheDefaultBackendWithCode503() throws Exception {
        serve(Fixtures.ingress(NS, "down").className("nginx").host("down.example").prefix("/", "empty", 80)
                .annotation(NGINX + "default-backend", "errors").build());

        HttpResponse<String> r = get("down.example", "/page");

        assertThat(TestBackend.parse(r.body())).containsEntry("backend", "errors")
                .containsEntry("header.x-code", "503").containsEntry("header.x-service-name", "empty")
                .containsEntry("header.x-original-uri", "/page");
    }

    @Test
    void theClusterDefaultBackendOptionAnswersUnmatchedRequestsAndCustomErrors() throws Exception {
        CompilerOptions options = CompilerOptions.local().alsoServing(List.of("nginx"))
                .withDefaultBackendService("default/errors:8080");
        Compilation c = serve(options, Fixtures.ingress(NS, "web").className("nginx").host("web.example")
                .prefix("/status", "app", 80).annotation(NGINX + "custom-http-errors", "404").build());
        assertThat(c.diagnostics()).isEmpty();

        assertThat(get("web.example", "/other").headers().firstValue("x-backend")).hasValue("errors");
        assertThat(get("nobody.example", "/").headers().firstValue("x-backend")).hasValue("errors");
        HttpResponse<String> intercepted = get("web.example", "/status/404");
        assertThat(TestBackend.parse(intercepted.body())).containsEntry("backend", "errors")
                .containsEntry("header.x-code", "404").containsEntry("header.x-ingress-name", "web");
        assertThat(get("web.example", "/status/200").headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void appRootRedirectsOnlyTheRoot() throws Exception {
        serve(Fixtures.ingress(NS, "wiki").className("nginx").host("wiki.example").prefix("/", "app", 80)
                .annotation(NGINX + "app-root", "/wiki/").build());

        HttpResponse<String> root = get("wiki.example", "/?x=1");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("location")).hasValue("http://wiki.example/wiki/");
        assertThat(get("wiki.example", "/wiki/page").headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void fromToWwwRedirectsTheOtherNameWith308AndServerAliasServesMoreNames() throws Exception {
        Compilation c = serve(Fixtures.ingress(NS, "site").className("nginx").host("site.example")
                .prefix("/", "app", 80)
                .annotation(NGINX + "from-to-www-redirect", "true")
                .annotation(NGINX + "server-alias", "alias.example, other.example").build());
        assertThat(c.diagnostics()).isEmpty();

        HttpResponse<String> www = get("www.site.example", "/a/b?c=d");
        assertThat(www.statusCode()).isEqualTo(308);
        assertThat(www.headers().firstValue("location")).hasValue("http://site.example/a/b?c=d");
        assertThat(get("site.example", "/").headers().firstValue("x-backend")).hasValue("app");
        assertThat(get("alias.example", "/x").headers().firstValue("x-backend")).hasValue("app");
        assertThat(get("other.example", "/x").headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void upstreamVhostIsTheHostTheEndpointGets() throws Exception {
        serve(Fixtures.ingress(NS, "vhost").className("nginx").host("front.example").prefix("/", "app", 80)
                .annotation(NGINX + "upstream-vhost", "internal.svc").build());

        assertThat(TestBackend.parse(get("front.example", "/").body())).containsEntry("header.host", "internal.svc");
    }

    @Test
    void denylistSourceRangeRefusesTheClientsItNames() throws Exception {
        serve(Fixtures.ingress(NS, "denied").className("nginx").host("denied.example").prefix("/", "app", 80)
                .annotation(NGINX + "denylist-source-range", "10.0.0.0/8, 127.0.0.1").build(),
                Fixtures.ingress(NS, "others").className("nginx").host("others.example").prefix("/", "app", 80)
                        .annotation(NGINX + "denylist-source-range", "10.0.0.0/8,192.168.0.0/16").build());

        assertThat(get("denied.example", "/").statusCode()).isEqualTo(403);
        assertThat(get("others.example", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void aSlashlessPathIsRedirected301WithItsQueryWhenOnlyTheSlashedOneIsServed() throws Exception {
        serve(Fixtures.ingress(NS, "docs").className("nginx").host("docs.example").prefix("/docs/", "app", 80)
                .prefix("/", "errors", 8080).build());

        HttpResponse<String> r = get("docs.example", "/docs?page=2");

        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).hasValue("http://docs.example/docs/?page=2");
        assertThat(get("docs.example", "/docs/intro").headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void useRegexOnOneIngressMakesTheOthersPathsOfItsHostCaseInsensitivePrefixes() throws Exception {
        serve(Fixtures.ingress(NS, "regex").className("nginx").host("rx.example")
                        .implementationSpecific("/v[0-9]+/", "errors", 8080)
                        .annotation(NGINX + "use-regex", "true").build(),
                Fixtures.ingress(NS, "exact").className("nginx").host("rx.example").exact("/health", "app", 80)
                        .build());

        assertThat(get("rx.example", "/HEALTH/deep").headers().firstValue("x-backend")).hasValue("app");
        assertThat(get("rx.example", "/V2/items").headers().firstValue("x-backend")).hasValue("errors");
    }

    @Test
    void urlsAreNormalisedBeforeMatchingAndForwardedSo() throws Exception {
        serve(Fixtures.ingress(NS, "norm").className("nginx").host("norm.example").prefix("/app", "app", 80)
                .prefix("/", "errors", 8080).build());

        HttpResponse<String> r = get("norm.example", "/static/../app//a/./b%7E");

        assertThat(TestBackend.parse(r.body())).containsEntry("backend", "app").containsEntry("uri", "/app/a/b~");
    }

    @Test
    void anErrorBackendWithoutEndpointsLeavesTheClientTheStatus() throws Exception {
        serve(Fixtures.ingress(NS, "nowhere").className("nginx").host("nowhere.example").prefix("/", "app", 80)
                .annotation(NGINX + "custom-http-errors", "404")
                .annotation(NGINX + "default-backend", "empty").build());

        HttpResponse<String> r = get("nowhere.example", "/status/404");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("the error backend has no ready endpoint");
        assertThat(get("nowhere.example", "/fine").headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void limitConnectionsRefusesAClientsRequestBeyondItsRequestsInProgress() throws Exception {
        serve(Fixtures.ingress(NS, "limited").className("nginx").host("limited.example").prefix("/", "app", 80)
                .annotation(NGINX + "limit-connections", "1").build());
        int before = app.requests();

        var slow = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort()
                + "/slow/1500")).header("Host", "limited.example").build(), HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 500 && app.requests() == before; i++) {
            Thread.sleep(10); // until the slow request is at the endpoint, in progress
        }
        HttpResponse<String> second = get("limited.example", "/now");

        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.body()).contains("limit-connections");
        assertThat(slow.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(get("limited.example", "/after").statusCode()).as("the slow one is over").isEqualTo(200);
    }
}
