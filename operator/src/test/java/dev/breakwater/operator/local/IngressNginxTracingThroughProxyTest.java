package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.trace.TracingConfig;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code enable-opentelemetry} and {@code opentelemetry-trust-incoming-span}, as annotations and as
 * keys of the controller ConfigMap, through a real data plane exporting OTLP/HTTP to a real HTTP endpoint of the test:
 * what {@code traceparent} the backend receives for a client's {@code traceparent} (continued, replaced by a new
 * trace, or passed on untouched when the route is not traced) and whether the trace's id reaches the OTLP endpoint.
 */
class IngressNginxTracingThroughProxyTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    @TempDir
    Path dir;
    private TestBackend app;
    private HttpServer otlp;
    private final List<byte[]> exports = new CopyOnWriteArrayList<>();
    private DataPlane proxy;
    private LocalMode local;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        otlp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otlp.createContext("/v1/traces", ex -> {
            try (ex) {
                exports.add(ex.getRequestBody().readAllBytes());
                ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, -1);
            }
        });
        otlp.start();
        TracingConfig tracing = TracingConfig.OFF.withEndpoint(URI.create("http://127.0.0.1:"
                + otlp.getAddress().getPort())).withExportDelayMillis(50);
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).tracing(tracing)
                .build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), m -> { });
        Files.writeString(dir.resolve("app.yaml"), LocalManifests.service("app", app.port())
                + NginxIngresses.ingress("plain", "plain.localhost", "app", Map.of())
                + NginxIngresses.ingress("traced", "traced.localhost", "app", Map.of("enable-opentelemetry", "true"))
                + NginxIngresses.ingress("off", "off.localhost", "app", Map.of("enable-opentelemetry", "false"))
                + NginxIngresses.ingress("untrusting", "untrusting.localhost", "app", Map.of(
                        "opentelemetry-trust-incoming-span", "false")));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        otlp.stop(0);
        app.close();
    }

    private void configMap(String data) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                """ + data.indent(2));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).noneMatch(m -> m.contains("opentelemetry"));
    }

    /** The headers the backend received for a GET with a client traceparent of {@code traceId}. */
    private Map<String, String> backendSaw(String host, String traceId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", host).header("traceparent", "00-" + traceId + "-" + CLIENT_SPAN + "-01")
                .header("tracestate", "client=1").build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return TestBackend.parse(response.body());
    }

    private static String traceId(Map<String, String> seen) {
        String traceparent = seen.get("header.traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]");
        return traceparent.substring(3, 35);
    }

    private static String parentId(Map<String, String> seen) {
        return seen.get("header.traceparent").substring(36, 52);
    }

    private boolean exported(String traceId) {
        byte[] id = HexFormat.of().parseHex(traceId);
        return exports.stream().anyMatch(body -> contains(body, id));
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void awaitExported(String traceId) throws InterruptedException {
        for (int i = 0; i < 250 && !exported(traceId); i++) {
            Thread.sleep(20);
        }
        assertThat(exported(traceId)).as("trace " + traceId + " exported within 5 s").isTrue();
    }

    @Test
    void theAnnotationsTraceContinueReplaceOrLeaveTheClientsTraceparent() throws Exception {
        configMap("");
        Map<String, String> plain = backendSaw("plain.localhost", "4bf92f3577b34da6a3ce929d0e0e4736");
        Map<String, String> traced = backendSaw("traced.localhost", "5bf92f3577b34da6a3ce929d0e0e4736");
        Map<String, String> off = backendSaw("off.localhost", "6bf92f3577b34da6a3ce929d0e0e4736");
        Map<String, String> untrusting = backendSaw("untrusting.localhost", "7bf92f3577b34da6a3ce929d0e0e4736");

        assertThat(traceId(plain)).as("every route is traced by default, the client's trace continued")
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parentId(plain)).as("our span the backend's parent").isNotEqualTo(CLIENT_SPAN);
        assertThat(traceId(traced)).isEqualTo("5bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parentId(traced)).isNotEqualTo(CLIENT_SPAN);
        assertThat(off).as("not traced: passed on as the client sent it")
                .containsEntry("header.traceparent", "00-6bf92f3577b34da6a3ce929d0e0e4736-" + CLIENT_SPAN + "-01")
                .containsEntry("header.tracestate", "client=1");
        assertThat(traceId(untrusting)).as("a new trace").isNotEqualTo("7bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(untrusting.get("header.tracestate")).as("the client's tracestate replaced")
                .isNotEqualTo("client=1");

        awaitExported("4bf92f3577b34da6a3ce929d0e0e4736");
        awaitExported("5bf92f3577b34da6a3ce929d0e0e4736");
        awaitExported(traceId(untrusting));
        assertThat(exported("6bf92f3577b34da6a3ce929d0e0e4736")).as("enable-opentelemetry false: no span").isFalse();
    }

    @Test
    void theConfigMapKeysAreTheDefaultsOfEveryIngressAndAnIngresssOwnAnnotationWins() throws Exception {
        configMap("""
                enable-opentelemetry: "false"
                opentelemetry-trust-incoming-span: "false"
                """);
        Map<String, String> plain = backendSaw("plain.localhost", "8bf92f3577b34da6a3ce929d0e0e4736");
        Map<String, String> traced = backendSaw("traced.localhost", "9bf92f3577b34da6a3ce929d0e0e4736");

        assertThat(plain).as("enable-opentelemetry false for every Ingress without its own: not traced")
                .containsEntry("header.traceparent", "00-8bf92f3577b34da6a3ce929d0e0e4736-" + CLIENT_SPAN + "-01");
        assertThat(traceId(traced)).as("traced by its own annotation; the key's trust false: a new trace")
                .isNotEqualTo("9bf92f3577b34da6a3ce929d0e0e4736");
        awaitExported(traceId(traced));
        assertThat(exported("8bf92f3577b34da6a3ce929d0e0e4736")).isFalse();
    }
}
