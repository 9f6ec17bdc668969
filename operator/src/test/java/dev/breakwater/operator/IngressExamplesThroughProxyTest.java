package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.IngressCompiler;
import dev.breakwater.routing.RoutingTable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Ingress examples (Kubernetes docs path table, ingress-controller-conformance scenarios, class
 * selection) through real sockets: each row's manifests are compiled, served by a real data plane, and the
 * row's request is sent with a real HTTP client to real backends, one per Service, which name themselves.
 *
 * <p>Rows marked https are sent over plain HTTP: the routing is the same, TLS comes with its own listener.
 */
class IngressExamplesThroughProxyTest {

    private static DataPlane proxy;
    private static final Map<String, TestBackend> backends = new HashMap<>();
    private static final AtomicLong version = new AtomicLong();
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backends.values().forEach(TestBackend::close);
    }

    static List<IngressExample> rows() {
        return IngressExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void routesTheRequestThroughTheProxy(IngressExample row) throws Exception {
        RoutingTable table = IngressCompiler.compile(row.snapshot(service -> {
            TestBackend b = backends.computeIfAbsent(service, TestBackend::start);
            return new InetSocketAddress("127.0.0.1", b.port());
        }), row.options()).table();
        proxy.apply(table.withVersion(version.incrementAndGet()));

        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.httpPort() + row.path()));
        if (!row.host().isEmpty()) {
            request.header("Host", row.host());
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());

        if (row.expectedService() == null) {
            assertThat(response.statusCode()).as(row.toString()).isEqualTo(404);
            assertThat(response.headers().firstValue("x-backend")).as(row.toString()).isEmpty();
        } else {
            assertThat(response.statusCode()).as(row.toString()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-backend")).as(row.toString())
                    .hasValue(row.expectedService());
            assertThat(TestBackend.parse(response.body())).as(row.toString())
                    .containsEntry("uri", row.path());
        }
    }
}
