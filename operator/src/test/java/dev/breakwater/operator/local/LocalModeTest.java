package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModeTest {

    @TempDir
    Path dir;
    private TestBackend web;
    private TestBackend api;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        web = TestBackend.start("web");
        api = TestBackend.start("api");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add);
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        web.close();
        api.close();
    }

    private void writeServices() throws Exception {
        Files.writeString(dir.resolve("services.yaml"), LocalManifests.service("web", web.port()) + "---\n"
                + LocalManifests.service("api", api.port()));
    }

    private static String ingress(String path, String service) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: site}
                spec:
                  rules:
                  - host: site.example.com
                    http:
                      paths:
                      - {path: %s, pathType: Prefix, backend: {service: {name: %s, port: {number: 80}}}}
                """.formatted(path, service);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", "site.example.com").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheFolderAndIgnoresARereadThatChangesNothing() throws Exception {
        writeServices();
        Files.writeString(dir.resolve("ingress.yml"), ingress("/", "web"));

        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(get("/x").headers().firstValue("x-backend")).hasValue("web");
        Files.writeString(dir.resolve("ingress.yml"), "# a comment only\n" + ingress("/", "web"));
        LocalMode.Reload again = local.reload();

        assertThat(again.outcome()).isEqualTo(LocalMode.Outcome.UNCHANGED);
        assertThat(again.version()).isEqualTo(1);
        assertThat(proxy.table().version()).isEqualTo(1);
    }

    @Test
    void keepsServingTheLastGoodTableWhenAManifestIsBroken() throws Exception {
        writeServices();
        Files.writeString(dir.resolve("ingress.yaml"), ingress("/", "web"));
        local.reload();

        Files.writeString(dir.resolve("broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [oops\n");
        Files.writeString(dir.resolve("ingress.yaml"), ingress("/", "api"));
        LocalMode.Reload r = local.reload();

        assertThat(r.outcome()).isEqualTo(LocalMode.Outcome.REJECTED);
        assertThat(reported).anySatisfy(m -> assertThat(m).contains("broken.yaml").contains("document 1"));
        assertThat(reported).anySatisfy(m -> assertThat(m).contains("still serving table v1"));
        assertThat(get("/").headers().firstValue("x-backend")).hasValue("web");

        Files.delete(dir.resolve("broken.yaml"));
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(get("/").headers().firstValue("x-backend")).hasValue("api");
    }

    @Test
    void reportsAnInvalidObjectWithItsFileAndServesTheRest() throws Exception {
        writeServices();
        Files.writeString(dir.resolve("ingress.yaml"), ingress("/", "web"));
        Files.writeString(dir.resolve("other.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: other}
                spec:
                  rules:
                  - host: other.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: missing, port: {name: http}}}}
                """);

        LocalMode.Reload r = local.reload();

        assertThat(r.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(r.messages()).anySatisfy(m -> assertThat(m)
                .contains(dir.resolve("other.yaml").toString())
                .contains("Ingress/default/other")
                .contains("spec.rules[0].http.paths[0].backend.service")
                .contains("missing"));
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    /** Service web over two slices: web-1 (backend web, unless emptied) and web-2 (backend api). */
    private void writeTwoSlices(boolean withWeb) throws Exception {
        String text = """
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
                endpoints: [%s]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-2, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(web.port(), withWeb ? "{addresses: [\"127.0.0.1\"]}" : "", api.port());
        // as editors and scripts do: a whole new file put in place, so the watch never sees half of it
        Path tmp = dir.resolve(".web.yaml.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve("web.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void anEndpointRemovedFromASliceTheWatchSeesTakesTheFastPath() throws Exception {
        writeTwoSlices(true);
        Files.writeString(dir.resolve("ingress.yaml"), ingress("/", "web"));
        local.reload();
        assertThat(proxy.table().clusters()).singleElement().satisfies(c -> assertThat(c.endpoints()).hasSize(2));
        local.watch(200, 20); // other changes would wait 200 ms; this one is EndpointSlices only

        writeTwoSlices(false);

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (local.version() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(local.version()).isEqualTo(2);
        assertThat(local.stats().fastPaths()).isEqualTo(1);
        assertThat(local.stats().fullCompilations()).isEqualTo(1);
        assertThat(proxy.table().clusters()).singleElement().satisfies(c -> assertThat(c.endpoints())
                .singleElement().satisfies(e -> assertThat(e.port()).isEqualTo(api.port())));
        for (int i = 0; i < 10; i++) {
            assertThat(get("/").headers().firstValue("x-backend")).hasValue("api");
        }

        // a change of anything else is read and compiled after the whole quiet period, as before
        Files.writeString(dir.resolve("ingress.yaml"), ingress("/", "api"));
        deadline = System.nanoTime() + 10_000_000_000L;
        while (local.version() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(local.version()).isEqualTo(3);
        assertThat(local.stats().fullCompilations()).isEqualTo(2);
    }

    @Test
    void rereadsTheFolderWhenAFileChanges() throws Exception {
        writeServices();
        Files.writeString(dir.resolve("ingress.yaml"), ingress("/", "web"));
        local.reload();
        local.watch(50);

        Files.writeString(dir.resolve("ingress.yaml"), ingress("/", "api"));

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (local.version() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(local.version()).isEqualTo(2);
        assertThat(get("/").headers().firstValue("x-backend")).hasValue("api");
    }
}
