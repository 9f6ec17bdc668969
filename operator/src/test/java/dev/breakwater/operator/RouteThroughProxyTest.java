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
        for (String name : List.of("stable", "canary", "writer", "reader", "flaky-bad", "flaky-good")) {
            backends.put(name, TestBackend.start(name));
        }
        backends.get("flaky-bad").failWith(503);
        StringBuilder services = new StringBuilder();
        for (String service : List.of("stable", "canary", "writer", "reader")) {
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
}
