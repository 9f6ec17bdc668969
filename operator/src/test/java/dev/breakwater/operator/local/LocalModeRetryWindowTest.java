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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code proxy-next-upstream-timeout} in local mode, through a real data plane and the JDK's HTTP
 * client, to an endpoint that answers too slowly for the per-try timeout: every try times out and is retried
 * ({@code proxy-next-upstream: error timeout}), three tries in all, unless the retry window has passed when the next
 * one would start. As an annotation, and as the controller ConfigMap's default.
 */
class LocalModeRetryWindowTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";

    @TempDir
    Path dir;
    private TestBackend slow;
    private DataPlane proxy;
    private LocalMode local;

    @BeforeEach
    void start() throws Exception {
        slow = TestBackend.start("slow");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), m -> { });
        Files.writeString(dir.resolve("app.yaml"), LocalManifests.service("app", slow.port())
                + ingress("windowed", "nginx.ingress.kubernetes.io/proxy-next-upstream-timeout: \"1\"")
                + ingress("unlimited", "breakwater.dev/retry-budget-percent: \"100\""));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).noneMatch(m -> m.contains("proxy-next-upstream"));
    }

    private static String ingress(String name, String extra) {
        return """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                    nginx.ingress.kubernetes.io/proxy-next-upstream: error timeout
                    nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "3"
                    breakwater.dev/per-try-timeout: 700ms
                    %s
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: %s.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(name, extra, name);
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        slow.close();
    }

    /** The tries one request made: the requests the endpoint received for it. */
    private int tries(String host) throws Exception {
        int before = slow.requests();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort()
                + "/slow/2500")).header("Host", host).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("every try timed out").isEqualTo(504);
        return slow.requests() - before;
    }

    @Test
    void noRetryStartsAfterTheWindow() throws Exception {
        assertThat(tries("unlimited.localhost")).as("three tries, 700 ms each").isEqualTo(3);
        // the second try starts about 0.7 s after the first, inside the 1 s window; a third would start at 1.4 s
        assertThat(tries("windowed.localhost")).as("no try after 1 s").isLessThan(3).isPositive();
    }

    @Test
    void theConfigMapsKeyIsTheDefaultOfEveryIngress() throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data: {proxy-next-upstream-timeout: "1"}
                """);
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).noneMatch(m -> m.contains("proxy-next-upstream-timeout"));

        assertThat(tries("unlimited.localhost")).as("the ConfigMap's window").isLessThan(3).isPositive();
    }
}
