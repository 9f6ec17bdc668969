package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code auth-keepalive}, {@code auth-keepalive-requests} and {@code auth-keepalive-timeout} in local
 * mode, through a real data plane, the JDK's HTTP client and real authentication services (oauth2-proxy's contract)
 * that count the connections their requests came on: {@code 0} opens one per request as ingress-nginx, a number keeps
 * that many for the requests and the idle time the other two say, and without the annotation the connections are
 * pooled as every upstream connection.
 */
class LocalModeAuthKeepaliveTest {

    @TempDir
    Path dir;
    private TestBackend app;
    private AuthServer pooled;
    private AuthServer closing;
    private AuthServer limited;
    private AuthServer timed;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        pooled = AuthServer.start();
        closing = AuthServer.start();
        limited = AuthServer.start();
        timed = AuthServer.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx")),
                reported::add);
        StringBuilder yaml = new StringBuilder(LocalManifests.service("app", app.port()));
        yaml.append(ingress("pooled", pooled, Map.of()));
        yaml.append(ingress("closing", closing, Map.of("auth-keepalive", "0")));
        yaml.append(ingress("limited", limited, Map.of("auth-keepalive", "10", "auth-keepalive-requests", "2")));
        yaml.append(ingress("timed", timed, Map.of("auth-keepalive", "10", "auth-keepalive-timeout", "1")));
        Files.writeString(dir.resolve("app.yaml"), yaml.toString());
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).noneMatch(m -> m.contains("keepalive"));
    }

    private static String ingress(String name, AuthServer auth, Map<String, String> keepalive) {
        StringBuilder annotations = new StringBuilder("    nginx.ingress.kubernetes.io/auth-url: \""
                + auth.url("/oauth2/auth") + "\"\n");
        keepalive.forEach((k, v) -> annotations.append("    nginx.ingress.kubernetes.io/").append(k).append(": \"")
                .append(v).append("\"\n"));
        return """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                %s
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: %s.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(name, annotations.toString().stripTrailing(), name);
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        for (AuthServer a : List.of(pooled, closing, limited, timed)) {
            a.close();
        }
        app.close();
    }

    /** {@code times} requests one after the other, each let through by the service. */
    private void send(String host, int times) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < times; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                    .header("Host", host).header("Cookie", "_oauth2_proxy=valid-erin").build();
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("let through by the service").isEqualTo(200);
            assertThat(TestBackend.parse(r.body())).containsEntry("backend", "app");
        }
    }

    @Test
    void withoutTheAnnotationTheConnectionsArePooledAsEveryUpstreamConnection() throws Exception {
        send("pooled.localhost", 4);

        assertThat(pooled.seen()).hasSize(4);
        assertThat(pooled.connections()).as("one pooled connection, reused").isEqualTo(1);
    }

    @Test
    void zeroOpensAConnectionPerRequestAsIngressNginx() throws Exception {
        send("closing.localhost", 3);

        assertThat(closing.seen()).hasSize(3);
        assertThat(closing.connections()).isEqualTo(3);
    }

    @Test
    void aConnectionCarriesAuthKeepaliveRequestsThenCloses() throws Exception {
        send("limited.localhost", 4);

        assertThat(limited.seen()).hasSize(4);
        assertThat(limited.connections()).as("two requests each").isEqualTo(2);
    }

    @Test
    void anIdleConnectionClosesAfterAuthKeepaliveTimeout() throws Exception {
        send("timed.localhost", 2);
        assertThat(timed.connections()).as("kept between two requests in a row").isEqualTo(1);

        Thread.sleep(2_500); // past the 1 s idle timeout and the pool's next sweep (at most 1 s later)
        send("timed.localhost", 1);

        assertThat(timed.connections()).as("the idle one was closed: a new connection").isEqualTo(2);
    }
}
