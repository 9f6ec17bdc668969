package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's request keys in local mode ({@code --configmap}), set to what Breakwater does and read
 * without a word, checked through a real data plane with raw sockets and the JDK's HTTP client:
 * {@code enable-underscores-in-headers: "true"} passes {@code X_User} on, {@code ignore-invalid-headers: "true"} never
 * passes a name that is not a token (the request is refused), {@code generate-request-id: "true"} keeps a client's
 * {@code X-Request-ID} or makes one, {@code proxy-add-original-uri-header: "false"} adds no {@code X-Original-URI},
 * {@code retry-non-idempotent: "false"} retries a failing {@code GET} on the other endpoint but never a {@code POST}.
 */
class LocalModeRequestKeysTest {

    @TempDir
    Path dir;
    private TestBackend first;
    private TestBackend second;
    private DataPlane proxy;
    private LocalMode.Reload loaded;
    private LocalMode local;

    @BeforeEach
    void start() throws Exception {
        first = TestBackend.start("first");
        second = TestBackend.start("second");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap("ingress-nginx/ingress-nginx-controller"), m -> { });
        Files.writeString(dir.resolve("app.yaml"), LocalManifests.service("app", first.port()) + """
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-2, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                  generate-request-id: "true"
                  proxy-add-original-uri-header: "false"
                  enable-underscores-in-headers: "true"
                  ignore-invalid-headers: "true"
                  retry-non-idempotent: "false"
                  proxy-next-upstream: error timeout http_502
                  proxy-next-upstream-tries: "2"
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: app}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: app.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(second.port()));
        loaded = local.reload();
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        first.close();
        second.close();
    }

    /** Sends a request head with these extra header lines on a new connection; the whole answer. */
    private String raw(String... lines) throws Exception {
        StringBuilder head = new StringBuilder("GET /echo-headers HTTP/1.1\r\nHost: app.localhost\r\n"
                + "Connection: close\r\n");
        for (String l : lines) {
            head.append(l).append("\r\n");
        }
        try (Socket s = new Socket("127.0.0.1", proxy.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            s.getInputStream().transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static Map<String, String> seen(String answer) {
        return TestBackend.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void theKeysAreReadWithoutAWord() {
        assertThat(loaded.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(loaded.messages()).isEmpty();
    }

    @Test
    void underscoresArePassedOnAndANameThatIsNotATokenIsRefused() throws Exception {
        String underscore = raw("X_User: alice");
        String invalid = raw("X@User: alice");

        assertThat(underscore).startsWith("HTTP/1.1 200");
        assertThat(seen(underscore)).containsEntry("header.x_user", "alice");
        assertThat(invalid).startsWith("HTTP/1.1 400");
        assertThat(first.requests() + second.requests()).as("only the first request reached an endpoint")
                .isEqualTo(1);
    }

    @Test
    void aClientsRequestIdIsKeptOrOneIsMadeAndNoOriginalUriIsAdded() throws Exception {
        String kept = raw("X-Request-ID: trace-42", "X-Original-URI: /admin");
        String made = raw();

        assertThat(seen(kept)).containsEntry("header.x-request-id", "trace-42")
                .as("a client's own passed on, as nginx without the key").containsEntry("header.x-original-uri",
                        "/admin");
        assertThat(seen(made).get("header.x-request-id")).matches("[0-9a-f]{32}");
        assertThat(seen(made)).doesNotContainKey("header.x-original-uri");
    }

    @Test
    void aFailingGetIsRetriedOnTheOtherEndpointAndAPostIsNot() throws Exception {
        first.failWith(502);
        second.failWith(502);
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + proxy.httpPort() + "/");

        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).header("Host", "app.localhost").GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        int afterGet = first.requests() + second.requests();
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri).header("Host", "app.localhost")
                .POST(HttpRequest.BodyPublishers.ofString("order=1")).build(), HttpResponse.BodyHandlers.ofString());
        int afterPost = first.requests() + second.requests();

        assertThat(get.statusCode()).isEqualTo(502);
        assertThat(afterGet).as("proxy-next-upstream-tries: both endpoints").isEqualTo(2);
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(afterPost - afterGet).as("a POST is not sent again").isEqualTo(1);
    }
}
