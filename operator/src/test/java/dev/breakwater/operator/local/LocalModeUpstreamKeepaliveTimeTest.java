package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's {@code upstream-keepalive-time} in local mode, through a real data plane and the JDK's
 * HTTP client, to an endpoint that counts the connections its requests came on: a pooled connection older than the
 * key is closed once its request ends, so the next request opens a new one; without the key it is reused.
 */
class LocalModeUpstreamKeepaliveTimeTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";

    @TempDir
    Path dir;
    private AuthServer endpoint;
    private DataPlane proxy;
    private LocalMode local;

    @BeforeEach
    void start() throws Exception {
        endpoint = AuthServer.start(); // answers 202 with the cookie below, and counts connections
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), m -> { });
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
                """.formatted(endpoint.port()));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        endpoint.close();
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
        assertThat(reload.messages()).noneMatch(m -> m.contains("upstream-keepalive-time"));
    }

    private void send() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", "shop.localhost").header("Cookie", "_oauth2_proxy=valid-frank").build();
        assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(202);
    }

    @Test
    void aConnectionOlderThanTheKeyIsClosedAfterItsRequest() throws Exception {
        configMap("upstream-keepalive-time: 1s\n");
        assertThat(proxy.table().settings().upstreamKeepaliveMillis()).isEqualTo(1000L);

        send();
        send();
        assertThat(endpoint.connections()).as("young enough: reused").isEqualTo(1);
        Thread.sleep(1_200); // the connection is now older than 1 s
        send(); // still on it: the limit closes a connection once its request ends, as nginx's keepalive_time
        send();

        assertThat(endpoint.seen()).hasSize(4);
        assertThat(endpoint.connections()).as("the old one closed after its request; the last took a new one")
                .isEqualTo(2);
    }

    @Test
    void withoutTheKeyTheConnectionIsReused() throws Exception {
        configMap("proxy-body-size: 1m\n");

        send();
        Thread.sleep(1_200);
        send();

        assertThat(endpoint.connections()).isEqualTo(1);
    }
}
