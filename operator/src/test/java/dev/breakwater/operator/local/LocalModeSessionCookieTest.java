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
 * ingress-nginx's session-cookie attributes through a real data plane: the affinity cookie a client gets carries
 * the Ingress's {@code SameSite}, {@code Secure}, {@code Domain} and lifetime, and sending it back keeps the client on
 * its endpoint.
 */
class LocalModeSessionCookieTest {

    @TempDir
    Path dir;
    private TestBackend one;
    private TestBackend two;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        one = TestBackend.start("one");
        two = TestBackend.start("two");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx")), reported::add);
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
                endpoints:
                - addresses: ["127.0.0.1"]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  annotations:
                    nginx.ingress.kubernetes.io/affinity: cookie
                    nginx.ingress.kubernetes.io/affinity-mode: persistent
                    nginx.ingress.kubernetes.io/session-cookie-name: route
                    nginx.ingress.kubernetes.io/session-cookie-expires: "172800"
                    nginx.ingress.kubernetes.io/session-cookie-samesite: None
                    nginx.ingress.kubernetes.io/session-cookie-secure: "true"
                    nginx.ingress.kubernetes.io/session-cookie-domain: shop.localhost
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: shop.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(one.port()));
        Files.writeString(dir.resolve("two.yaml"), """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-2, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints:
                - addresses: ["127.0.0.1"]
                """.formatted(two.port()));
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        one.close();
        two.close();
    }

    private HttpResponse<String> get(String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/cart"))
                .header("Host", "shop.localhost");
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAffinityCookieCarriesTheIngresssAttributesAndKeepsTheClientOnItsEndpoint() throws Exception {
        HttpResponse<String> first = get(null);
        assertThat(first.statusCode()).isEqualTo(200);
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).matches("route=[^;]+; Path=/; Max-Age=172800; Domain=shop\\.localhost; Secure; "
                + "HttpOnly; SameSite=None");
        String pair = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = TestBackend.parse(first.body()).get("backend");

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> again = get(pair);
            assertThat(TestBackend.parse(again.body())).containsEntry("backend", backend);
            assertThat(again.headers().firstValue("set-cookie")).isEmpty();
        }
        assertThat(reported).noneMatch(m -> m.contains("session-cookie") || m.contains("affinity"));
    }

    @Test
    void affinityModeBalancedIsAWarningAndSessionsStayOnTheirEndpoint() throws Exception {
        Path app = dir.resolve("app.yaml");
        Files.writeString(app, Files.readString(app).replace("affinity-mode: persistent", "affinity-mode: balanced"));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).as("balanced compiles to the table persistent does")
                .isEqualTo(LocalMode.Outcome.UNCHANGED);
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m)
                .contains("metadata.annotations['nginx.ingress.kubernetes.io/affinity-mode']")
                .contains("\"balanced\" is not applied"));

        HttpResponse<String> first = get(null);
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        String pair = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = TestBackend.parse(first.body()).get("backend");
        for (int i = 0; i < 6; i++) {
            assertThat(TestBackend.parse(get(pair).body())).containsEntry("backend", backend);
        }
    }
}
