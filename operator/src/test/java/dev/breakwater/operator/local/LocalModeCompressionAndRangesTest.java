package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's {@code use-gzip} and {@code gzip-*} keys, its {@code whitelist-source-range} and
 * {@code denylist-source-range} and {@code limit-req-status-code} in local mode, through a real data plane and the JDK's HTTP client: responses
 * gzip-compressed for every Ingress that says nothing of compression, as the keys' length and types say; clients
 * outside the ConfigMap's ranges refused with 403 except on an Ingress with a range of its own.
 */
class LocalModeCompressionAndRangesTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";
    /** A header the backend echoes in its text/plain body, so the body is well above 256 bytes. */
    private static final String PAD = "x".repeat(600);

    @TempDir
    Path dir;
    private TestBackend app;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), reported::add);
        Files.writeString(dir.resolve("app.yaml"), """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-1, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: shop.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: office
                  annotations:
                    nginx.ingress.kubernetes.io/whitelist-source-range: 127.0.0.1/32
                    breakwater.dev/compression: "false"
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: office.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(app.port()));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        app.close();
    }

    private LocalMode.Reload configMap(String data) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                """ + data.indent(2));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        return reload;
    }

    private HttpResponse<byte[]> get(String host, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).header("Accept-Encoding", "gzip").header("X-Pad", PAD).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] body) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void useGzipCompressesEveryIngressThatSaysNothingOfCompressionAsTheKeysSay() throws Exception {
        configMap("use-gzip: \"true\"\n");
        HttpResponse<byte[]> text = get("shop.localhost", "/page");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(TestBackend.parse(gunzip(text.body()))).containsEntry("backend", "app")
                .containsEntry("header.x-pad", PAD);
        HttpResponse<byte[]> octets = get("shop.localhost", "/bytes/4096");
        assertThat(octets.headers().firstValue("content-encoding")).as("not one of the types").isEmpty();
        assertThat(octets.body()).hasSize(4096);
        HttpResponse<byte[]> own = get("office.localhost", "/page");
        assertThat(own.headers().firstValue("content-encoding")).as("the Ingress's own compression: false")
                .isEmpty();
        assertThat(new String(own.body(), StandardCharsets.UTF_8)).contains("backend=app");

        configMap("""
                use-gzip: "true"
                gzip-types: application/json
                """);
        assertThat(get("shop.localhost", "/page").headers().firstValue("content-encoding"))
                .as("text/plain is not in gzip-types, text/html would be").isEmpty();

        configMap("""
                use-gzip: "true"
                gzip-min-length: "100000"
                """);
        HttpResponse<byte[]> small = get("shop.localhost", "/page");
        assertThat(small.headers().firstValue("content-encoding")).as("below gzip-min-length").isEmpty();
        assertThat(new String(small.body(), StandardCharsets.UTF_8)).contains("backend=app");

        LocalMode.Reload off = configMap("gzip-types: text/plain\n");
        assertThat(off.messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("data['gzip-types']").contains("has no effect without use-gzip"));
        assertThat(get("shop.localhost", "/page").headers().firstValue("content-encoding")).isEmpty();
    }

    @Test
    void limitReqStatusCodeIsTheStatusOfEveryRateLimit() throws Exception {
        Files.writeString(dir.resolve("limited.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: api
                  annotations: {nginx.ingress.kubernetes.io/limit-rps: "1", nginx.ingress.kubernetes.io/limit-burst-multiplier: "1"}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: api.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: own
                  annotations:
                    nginx.ingress.kubernetes.io/limit-rps: "1"
                    nginx.ingress.kubernetes.io/limit-burst-multiplier: "1"
                    breakwater.dev/rate-limit-status: "429"
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: own.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """);
        configMap("limit-req-status-code: \"503\"\n");
        assertOverTheLimit("api.localhost", 503);
        assertOverTheLimit("own.localhost", 429);
        assertThat(reported).noneMatch(m -> m.contains("rate-limit") || m.contains("limit-req"));
    }

    /** Five requests at once with a burst of one: the first passes, the others get {@code status}. */
    private void assertOverTheLimit(String host, int status) throws Exception {
        List<Integer> statuses = new java.util.ArrayList<>();
        HttpResponse<byte[]> refused = null;
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> r = get(host, "/");
            statuses.add(r.statusCode());
            if (r.statusCode() != 200) {
                refused = r;
            }
        }
        assertThat(statuses).as(host + ": a burst of one, the first passes, the others are over the limit")
                .startsWith(200).contains(status).containsOnly(200, status);
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void theConfigMapsRangesRefuseOtherClientsUnlessAnIngressHasARangeOfItsOwn() throws Exception {
        configMap("whitelist-source-range: 10.0.0.0/8, 192.168.0.0/16\n");
        assertThat(get("shop.localhost", "/").statusCode()).as("127.0.0.1 is outside the ConfigMap's ranges")
                .isEqualTo(403);
        assertThat(get("office.localhost", "/").statusCode()).as("its own whitelist-source-range wins")
                .isEqualTo(200);
        assertThat(app.requests()).isEqualTo(1);

        configMap("denylist-source-range: 127.0.0.0/8\n");
        assertThat(get("shop.localhost", "/").statusCode()).isEqualTo(403);
        assertThat(get("office.localhost", "/").statusCode()).as("the default denylist applies to it too")
                .isEqualTo(403);

        LocalMode.Reload bad = configMap("whitelist-source-range: 10.0.0.0/8, not-a-range\n");
        assertThat(bad.messages()).anySatisfy(m -> assertThat(m).contains("data['whitelist-source-range']")
                .contains("not applied"));
        assertThat(get("shop.localhost", "/").statusCode()).as("a bad range is not applied; the Ingress serves")
                .isEqualTo(200);
    }
}
