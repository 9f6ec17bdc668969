package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPRoute {@code CORS} filters in a local-mode folder, served by a real data plane and asked with raw HTTP/1.1
 * requests: the cases of Gateway API's {@code HTTPRouteCORS} conformance test (exact and multi-label wildcard
 * origins, preflights from other origins answered without CORS headers, {@code *} echoed with credentials and kept
 * without them), each checked on the bytes of the answer and on whether the backend saw the request.
 */
class GatewayApiCorsThroughProxyTest {

    @TempDir
    Path dir;
    private TestBackend web;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        web = TestBackend.start("web");
        Files.writeString(dir.resolve("gateway.yaml"), """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: breakwater}
                spec: {controllerName: breakwater.dev/gateway-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: edge}
                spec:
                  gatewayClassName: breakwater
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: cors}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [cors.test]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /named}}]
                    filters:
                    - type: CORS
                      cors:
                        allowOrigins: ["https://www.foo.com", "https://*.bar.com"]
                        allowMethods: [GET, OPTIONS]
                        allowHeaders: [x-header-1, x-header-2]
                        exposeHeaders: [x-header-3, x-header-4]
                        allowCredentials: true
                        maxAge: 3600
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /any}}]
                    filters:
                    - type: CORS
                      cors: {allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"], allowCredentials: true}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /open}}]
                    filters:
                    - type: CORS
                      cors: {allowOrigins: ["*"], allowMethods: [PUT], allowCredentials: false}
                    backendRefs: [{name: web, port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(web.port()));
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add);
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reported).isEmpty();
    }

    @AfterEach
    void stop() throws Exception {
        if (local != null) {
            local.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        web.close();
    }

    private RawHttp.Response send(String method, String path, String... headers) throws Exception {
        StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: cors.test\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        try (RawHttp raw = new RawHttp(proxy.httpPort())) {
            return raw.send(b.append("\r\n").toString()).read();
        }
    }

    private static RawHttp.Response preflightAsked(RawHttp.Response r) {
        assertThat(r.status()).as(r.headers()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        return r;
    }

    @Test
    void preflightsFromExactAndMultiLabelWildcardOriginsGetEveryHeaderOfTheFilter() throws Exception {
        for (String origin : List.of("https://www.foo.com", "https://www.bar.com", "https://xpto.www.bar.com")) {
            RawHttp.Response r = preflightAsked(send("OPTIONS", "/named", "Origin", origin,
                    "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-header-1, x-header-2"));
            assertThat(r.header("access-control-allow-origin")).as(origin).isEqualTo(origin);
            assertThat(r.header("access-control-allow-methods")).isEqualTo("GET, OPTIONS");
            assertThat(r.header("access-control-allow-headers")).isEqualTo("x-header-1, x-header-2");
            assertThat(r.header("access-control-expose-headers")).isEqualTo("x-header-3, x-header-4");
            assertThat(r.header("access-control-max-age")).isEqualTo("3600");
            assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
        }
        assertThat(web.requests()).as("preflights never reach the backend").isZero();

        RawHttp.Response simple = send("GET", "/named", "Origin", "https://xpto.www.bar.com");
        assertThat(simple.status()).isEqualTo(200);
        assertThat(simple.header("access-control-allow-origin")).isEqualTo("https://xpto.www.bar.com");
        assertThat(simple.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(simple.header("access-control-expose-headers")).isEqualTo("x-header-3, x-header-4");
        assertThat(simple.header("vary")).isEqualToIgnoringCase("origin");
        assertThat(web.requests()).isEqualTo(1);
    }

    @Test
    void aPreflightFromAnotherOriginIsAnsweredWithoutCorsHeadersAndASimpleRequestPassesWithout() throws Exception {
        RawHttp.Response r = preflightAsked(send("OPTIONS", "/named", "Origin", "https://foobar.com",
                "Access-Control-Request-Method", "GET"));
        assertThat(r.headers().toLowerCase()).doesNotContain("access-control-");
        assertThat(web.requests()).isZero();

        RawHttp.Response simple = send("GET", "/named", "Origin", "https://foobar.com");
        assertThat(simple.status()).isEqualTo(200);
        assertThat(simple.headers().toLowerCase()).doesNotContain("access-control-");
        assertThat(TestBackend.parse(simple.bodyText())).containsEntry("header.origin", "https://foobar.com");
        assertThat(web.requests()).isEqualTo(1);
    }

    @Test
    void withCredentialsStarsAreEchoedAndWithoutThemStarIsAnswered() throws Exception {
        RawHttp.Response any = preflightAsked(send("OPTIONS", "/any", "Origin", "https://other.foo.com",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-header-1, x-header-2"));
        assertThat(any.header("access-control-allow-origin")).isEqualTo("https://other.foo.com");
        assertThat(any.header("access-control-allow-methods")).isEqualTo("PUT");
        assertThat(any.header("access-control-allow-headers")).isEqualTo("x-header-1, x-header-2");
        assertThat(any.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(any.header("access-control-max-age")).as("the spec's default").isEqualTo("5");
        RawHttp.Response anyGet = send("GET", "/any", "Origin", "https://other.foo.com");
        assertThat(anyGet.header("access-control-allow-origin")).isEqualTo("https://other.foo.com");
        assertThat(anyGet.header("access-control-allow-credentials")).isEqualTo("true");

        RawHttp.Response open = preflightAsked(send("OPTIONS", "/open", "Origin", "https://foobar.com:12345",
                "Access-Control-Request-Method", "PUT"));
        assertThat(open.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(open.header("access-control-allow-methods")).isEqualTo("PUT");
        assertThat(open.header("access-control-allow-credentials")).isNull();
        RawHttp.Response openPut = send("PUT", "/open", "Origin", "https://foobar.com", "Content-Length", "0");
        assertThat(openPut.status()).isEqualTo(200);
        assertThat(openPut.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(openPut.header("access-control-allow-credentials")).isNull();
        assertThat(web.requests()).isEqualTo(2);
    }
}
