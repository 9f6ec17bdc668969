package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.local.LocalMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Route end to end, as a user runs it: YAML in a folder, read by local mode (manifest loader, compiler), served
 * by a real data plane, asked by a real HTTP client, answered by real backends that name themselves.
 */
class RouteThroughProxyTest {

    private static final String HOST = "shop.example.com";

    @TempDir
    static Path dir;
    private static DataPlane proxy;
    private static LocalMode local;
    private static final Map<String, TestBackend> backends = new TreeMap<>();
    private static final List<String> reported = new CopyOnWriteArrayList<>();
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("stable", "canary", "writer", "reader", "flaky-bad", "flaky-good", "app")) {
            backends.put(name, TestBackend.start(name));
        }
        backends.get("flaky-bad").failWith(503);
        StringBuilder services = new StringBuilder();
        for (String service : List.of("stable", "canary", "writer", "reader", "app")) {
            services.append(service(service, service, backends.get(service).port()));
        }
        services.append(service("flaky", "flaky-bad", backends.get("flaky-bad").port()));
        services.append(slice("flaky", "flaky-good", backends.get("flaky-good").port()));
        Files.writeString(dir.resolve("services.yaml"), services.toString());
        Files.writeString(dir.resolve("route.yaml"), """
                apiVersion: breakwater.dev/v1alpha1
                kind: Route
                metadata: {name: shop}
                spec:
                  hostnames: [shop.example.com]
                  rules:
                  - name: canary-by-header
                    matches:
                    - headers: [{name: x-canary, value: always}]
                    backends: [{name: canary, port: http}]
                  - name: split
                    backends:
                    - {name: stable, port: http, weight: 80}
                    - {name: canary, port: 80, weight: 20}
                  - name: orders-write
                    matches:
                    - path: {type: Exact, value: /orders}
                      method: POST
                    backends: [{name: writer, port: http}]
                  - name: orders-read
                    matches:
                    - path: {type: PathPrefix, value: /orders}
                    backends: [{name: reader, port: http}]
                  - name: retried
                    matches: [{path: {type: PathPrefix, value: /retried}}]
                    backends: [{name: flaky, port: http}]
                    retries: {attempts: 3, on: [5xx]}
                    outlierDetection: {consecutiveFailures: 1000}
                  - name: not-retried
                    matches: [{path: {type: PathPrefix, value: /not-retried}}]
                    backends: [{name: flaky, port: http}]
                    outlierDetection: {consecutiveFailures: 1000}
                  - name: headers
                    matches: [{path: {type: PathPrefix, value: /headers}}]
                    backends: [{name: app, port: http}]
                    filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier:
                        set: [{name: X-Tenant, value: shop}]
                        add: [{name: X-Trace, value: route}]
                        remove: [X-Debug]
                    - type: ResponseHeaderModifier
                      responseHeaderModifier:
                        set: [{name: Cache-Control, value: no-store}]
                        add: [{name: X-Route, value: headers}]
                        remove: [X-Backend]
                  - name: rewrite-full
                    matches: [{path: {type: Exact, value: /home}}]
                    backends: [{name: app, port: http}]
                    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /index.html}}}]
                  - name: rewrite-prefix
                    matches: [{path: {type: PathPrefix, value: /v1}}]
                    backends: [{name: app, port: http}]
                    filters:
                    - type: URLRewrite
                      urlRewrite:
                        hostname: internal.shop
                        path: {type: ReplacePrefixMatch, replacePrefixMatch: /api/v2}
                  - name: docs-moved
                    matches: [{path: {type: PathPrefix, value: /docs}}]
                    filters:
                    - type: RequestRedirect
                      requestRedirect:
                        scheme: https
                        hostname: docs.example.com
                        port: 8443
                        path: {type: ReplacePrefixMatch, replacePrefixMatch: /manual}
                        statusCode: 301
                  - name: internal
                    matches: [{path: {type: PathPrefix, value: /internal}}]
                    backends: [{name: app, port: http}]
                    sourceAllowlist: [10.0.0.0/8, "fd00::/8"]
                  - name: local-only
                    matches: [{path: {type: PathPrefix, value: /local}}]
                    backends: [{name: app, port: http}]
                    sourceAllowlist: [127.0.0.1/32, "::1"]
                  - name: cors
                    matches: [{path: {type: PathPrefix, value: /cors}}]
                    backends: [{name: app, port: http}]
                    cors:
                      allowOrigins: ["https://app.example.com"]
                      allowMethods: [GET, DELETE]
                      allowHeaders: [X-Token]
                      exposeHeaders: [X-Total]
                      allowCredentials: true
                      maxAge: 10m
                  - name: limited
                    matches: [{path: {type: PathPrefix, value: /limited}}, {path: {type: PathPrefix, value: /metered}}]
                    backends: [{name: app, port: http}]
                    rateLimit: {requests: 3, per: 1h, key: {header: X-Api-Key}}
                """);
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add);
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).as(reported.toString()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reported).isEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
        proxy.close();
        backends.values().forEach(TestBackend::close);
    }

    private static String service(String service, String backend, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                """.formatted(service) + slice(service, backend, port);
    }

    private static String slice(String service, String backend, int port) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: %s, labels: {kubernetes.io/service-name: %s}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
                ---
                """.formatted(backend, service, port);
    }

    private static HttpRequest.Builder request(String method, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", HOST).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        return client.send(request(method, path, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String backend(HttpResponse<String> response) {
        return response.headers().firstValue("x-backend").orElse("none (" + response.statusCode() + ")");
    }

    @Test
    void aWeightedSplitSendsEachBackendItsShare() throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (int batch = 0; batch < 40; batch++) { // 1000 requests, 25 at a time
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                inFlight.add(client.sendAsync(request("GET", "/product/" + (batch * 25 + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < inFlight.size(); i++) {
                HttpResponse<String> r = inFlight.get(i).get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(TestBackend.parse(r.body())).containsEntry("uri", "/product/" + (batch * 25 + i));
                counts.merge(backend(r), 1, Integer::sum);
            }
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder("stable", "canary");
        // 80 % of 1000 is 800, with a standard deviation of about 13: 700-900 fails by chance about never
        assertThat(counts.get("stable")).as(counts.toString()).isBetween(700, 900);
    }

    @Test
    void aHeaderMatchTakesItsRequestsOutOfTheSplit() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(backend(send("GET", "/product/" + i, "X-Canary", "always"))).isEqualTo("canary");
        }
        assertThat(backend(send("GET", "/", "X-Canary", "sometimes"))).isIn("stable", "canary");
    }

    @Test
    void aMethodMatchSendsWritesElsewhere() throws Exception {
        assertThat(backend(send("POST", "/orders"))).isEqualTo("writer");
        assertThat(backend(send("GET", "/orders"))).isEqualTo("reader");
        assertThat(backend(send("PUT", "/orders"))).isEqualTo("reader");
        assertThat(backend(send("POST", "/orders/7"))).isEqualTo("reader");
    }

    @Test
    void retriesOn5xxHideAFailingEndpointThatARuleWithoutThemShows() throws Exception {
        TestBackend bad = backends.get("flaky-bad");
        int failures = 0;
        for (int i = 0; i < 10; i++) {
            failures += send("GET", "/not-retried/" + i).statusCode() == 503 ? 1 : 0;
        }
        assertThat(failures).as("round-robin over a good and a failing endpoint, no retry on 5xx").isPositive();

        int badBefore = bad.requests();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = send("GET", "/retried/" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(backend(r)).isEqualTo("flaky-good");
        }
        assertThat(bad.requests()).as("the failing endpoint was tried, and its 503s retried").isGreaterThan(badBefore);
    }

    // ---- filters, allowlists and CORS

    @Test
    void headerModifiersChangeTheRequestAndTheResponse() throws Exception {
        HttpResponse<String> r = send("GET", "/headers/a", "X-Tenant", "evil", "X-Debug", "1");

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> seen = TestBackend.parse(r.body());
        assertThat(seen).containsEntry("backend", "app").containsEntry("header.x-tenant", "shop")
                .containsEntry("header.x-trace", "route").doesNotContainKey("header.x-debug");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.headers().allValues("x-route")).containsExactly("headers");
        assertThat(r.headers().firstValue("x-backend")).as("removed from the response").isEmpty();
    }

    @Test
    void urlRewriteReplacesTheFullPathOrTheMatchedPrefixAndKeepsTheQuery() throws Exception {
        Map<String, String> full = TestBackend.parse(send("GET", "/home?lang=fr").body());
        Map<String, String> prefix = TestBackend.parse(send("GET", "/v1/users/7?full=1").body());
        Map<String, String> bare = TestBackend.parse(send("GET", "/v1").body());

        assertThat(full).containsEntry("backend", "app").containsEntry("uri", "/index.html?lang=fr")
                .containsEntry("header.host", HOST);
        assertThat(prefix).containsEntry("uri", "/api/v2/users/7?full=1").containsEntry("header.host", "internal.shop");
        assertThat(bare).containsEntry("uri", "/api/v2");
    }

    @Test
    void aRuleWithoutBackendsRedirects() throws Exception {
        int before = backends.values().stream().mapToInt(TestBackend::requests).sum();
        HttpResponse<String> intro = send("GET", "/docs/intro?v=2");
        HttpResponse<String> post = send("POST", "/docs");

        assertThat(intro.statusCode()).isEqualTo(301);
        assertThat(intro.headers().firstValue("location")).hasValue("https://docs.example.com:8443/manual/intro?v=2");
        assertThat(post.statusCode()).isEqualTo(301);
        assertThat(post.headers().firstValue("location")).hasValue("https://docs.example.com:8443/manual");
        assertThat(backends.values().stream().mapToInt(TestBackend::requests).sum()).isEqualTo(before);
    }

    @Test
    void aSourceAllowlistDeniesOtherClients() throws Exception {
        TestBackend app = backends.get("app");
        int before = app.requests();
        HttpResponse<String> denied = send("GET", "/internal/report");

        assertThat(denied.statusCode()).as("127.0.0.1 is not in 10.0.0.0/8 nor fd00::/8").isEqualTo(403);
        assertThat(app.requests()).isEqualTo(before);
        HttpResponse<String> allowed = send("GET", "/local/report");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(backend(allowed)).isEqualTo("app");
    }

    @Test
    void aRateLimitCountsEveryMatchOfItsRuleAndAnswers429() throws Exception {
        // 3 per hour for each API key, over both paths of the rule
        assertThat(send("GET", "/limited", "X-Api-Key", "k1").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metered/a", "X-Api-Key", "k1").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/limited/b", "X-Api-Key", "k1").statusCode()).isEqualTo(200);
        HttpResponse<String> limited = send("GET", "/metered", "X-Api-Key", "k1");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(backend(limited)).isEqualTo("none (429)");
        assertThat(Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow())).isBetween(1000L, 1200L);
        assertThat(send("GET", "/limited", "X-Api-Key", "k2").statusCode()).isEqualTo(200);
    }

    @Test
    void corsPreflightsAreAnsweredByTheProxyAndResponsesGetTheHeaders() throws Exception {
        TestBackend app = backends.get("app");
        int before = app.requests();
        HttpResponse<String> preflight = send("OPTIONS", "/cors/items/3", "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "X-Token");

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().map())
                .containsEntry("access-control-allow-origin", List.of("https://app.example.com"))
                .containsEntry("access-control-allow-methods", List.of("GET, DELETE"))
                .containsEntry("access-control-allow-headers", List.of("X-Token"))
                .containsEntry("access-control-allow-credentials", List.of("true"))
                .containsEntry("access-control-max-age", List.of("600"))
                .containsEntry("vary", List.of("origin"));
        assertThat(app.requests()).as("the backend never sees a preflight").isEqualTo(before);

        HttpResponse<String> actual = send("GET", "/cors/items/3", "Origin", "https://app.example.com");
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        assertThat(actual.headers().firstValue("access-control-expose-headers")).hasValue("X-Total");
        assertThat(actual.headers().allValues("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("origin"));

        HttpResponse<String> stranger = send("OPTIONS", "/cors/items/3", "Origin", "https://evil.example",
                "Access-Control-Request-Method", "DELETE");
        assertThat(backend(stranger)).as("not an allowed origin: passed to the backend").isEqualTo("app");
        assertThat(stranger.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
