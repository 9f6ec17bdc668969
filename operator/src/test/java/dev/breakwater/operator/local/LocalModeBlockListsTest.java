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

/**
 * The controller ConfigMap's {@code block-user-agents}, {@code block-referers} and {@code block-cidrs} in local mode,
 * through a real data plane and the JDK's HTTP client: a blocked request is answered 403 by the proxy and never reaches
 * the endpoint, every other request is served; a bad regular expression is a warning and the other entries keep
 * applying.
 */
class LocalModeBlockListsTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";

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
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1).build()
                .start();
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
                  annotations: {nginx.ingress.kubernetes.io/whitelist-source-range: 127.0.0.1/32}
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

    /** Writes the controller ConfigMap and reads the folder again. */
    private LocalMode.Reload configMap(String data) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                """ + data.indent(2));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isNotEqualTo(LocalMode.Outcome.REJECTED);
        return reload;
    }

    private HttpResponse<String> get(String host, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a request, and that it reached the endpoint exactly when it was served. */
    private int status(String host, String... headers) throws Exception {
        int before = app.requests();
        HttpResponse<String> r = get(host, headers);
        assertThat(app.requests() - before).as("requests the endpoint received for %s", r.statusCode())
                .isEqualTo(r.statusCode() == 200 ? 1 : 0);
        return r.statusCode();
    }

    @Test
    void blockedUserAgentsAndReferersGet403AndNeverReachTheEndpoint() throws Exception {
        LocalMode.Reload reload = configMap("""
                block-user-agents: "BadBot/1.0, ~^Scanner, ~*crawler"
                block-referers: "~*spam\\\\.example"
                """);
        assertThat(reload.messages()).noneMatch(m -> m.contains("block-"));

        assertThat(status("shop.localhost", "User-Agent", "badbot/1.0")).isEqualTo(403);
        assertThat(status("shop.localhost", "User-Agent", "Scanner/2.1")).isEqualTo(403);
        assertThat(status("shop.localhost", "User-Agent", "Mozilla/5.0 (compatible; WebCrawler)")).isEqualTo(403);
        assertThat(status("office.localhost", "User-Agent", "BadBot/1.0"))
                .as("on every host, access rules of its own or not").isEqualTo(403);
        assertThat(status("unknown.localhost", "User-Agent", "BadBot/1.0")).as("before routing").isEqualTo(403);
        assertThat(status("shop.localhost", "Referer", "https://www.SPAM.example/offer")).isEqualTo(403);

        assertThat(status("shop.localhost", "User-Agent", "my scanner/2.1")).isEqualTo(200);
        assertThat(status("shop.localhost", "User-Agent", "Mozilla/5.0 Firefox/120",
                "Referer", "https://shop.localhost/")).isEqualTo(200);
        assertThat(status("shop.localhost")).as("the JDK client's own user agent").isEqualTo(200);
    }

    @Test
    void aBadRegexIsAWarningAndTheOtherEntriesKeepApplying() throws Exception {
        configMap("block-user-agents: \"~*crawler\"\n");
        assertThat(status("shop.localhost", "User-Agent", "crawler")).isEqualTo(403);

        LocalMode.Reload reload = configMap("block-user-agents: \"~*(bot, ~*crawler\"\n");
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("data['block-user-agents']").contains("entry \"~*(bot\" left out")
                .contains("is not a regular expression"));
        assertThat(status("shop.localhost", "User-Agent", "CRAWLER")).isEqualTo(403);
        assertThat(status("shop.localhost", "User-Agent", "(bot")).isEqualTo(200);

        LocalMode.Reload bad = configMap("block-user-agents: \"~[\"\n");
        assertThat(bad.messages()).anySatisfy(m -> assertThat(m).contains("data['block-user-agents']")
                .contains("the last good value \"~*(bot, ~*crawler\" is kept"));
        assertThat(status("shop.localhost", "User-Agent", "crawler")).as("still served as before").isEqualTo(403);

        configMap("proxy-body-size: 2m\n");
        assertThat(status("shop.localhost", "User-Agent", "crawler")).as("the key removed: none").isEqualTo(200);
    }

    @Test
    void blockCidrsRefuseTheirClientsWhereTheUserAgentIsFine() throws Exception {
        configMap("block-cidrs: \"127.0.0.0/8\"\nblock-user-agents: \"BadBot/1.0\"\n");

        assertThat(status("shop.localhost", "User-Agent", "Mozilla/5.0")).as("127.0.0.1 is blocked").isEqualTo(403);
        assertThat(status("office.localhost", "User-Agent", "Mozilla/5.0"))
                .as("its own whitelist-source-range replaces block-cidrs, as in nginx").isEqualTo(200);
        assertThat(status("office.localhost", "User-Agent", "BadBot/1.0")).isEqualTo(403);
    }
}
