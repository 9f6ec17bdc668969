package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.Htpasswd;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's authentication in local mode, manifests as an ingress-nginx cluster has them (class {@code nginx}):
 * a Basic-authentication admin whose htpasswd Secret (written by the real htpasswd) is changed and removed while it
 * is served, and a dashboard behind an oauth2-proxy-like service, through a real data plane and real clients.
 */
class LocalModeAuthTest {

    @TempDir
    Path dir;
    private TestBackend app;
    private AuthServer auth;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        auth = AuthServer.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx")),
                reported::add);
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
                metadata:
                  name: admin
                  annotations:
                    nginx.ingress.kubernetes.io/auth-type: basic
                    nginx.ingress.kubernetes.io/auth-secret: basic-auth
                    nginx.ingress.kubernetes.io/auth-realm: "Authentication Required - admin"
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: admin.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: dashboard
                  annotations:
                    nginx.ingress.kubernetes.io/auth-url: "%s"
                    nginx.ingress.kubernetes.io/auth-signin: "https://$host/oauth2/start?rd=$escaped_request_uri"
                    nginx.ingress.kubernetes.io/auth-response-headers: X-Auth-Request-User
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: dashboard.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(app.port(), auth.url("/oauth2/auth")));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        auth.close();
        app.close();
    }

    private void writeUsers(String... lines) throws Exception {
        String auth = Base64.getEncoder().encodeToString((String.join("\n", lines) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("basic-auth.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata: {name: basic-auth}
                type: Opaque
                data:
                  auth: %s
                """.formatted(auth));
    }

    private HttpResponse<String> get(String host, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/ui"))
                .header("Host", host);
        if (header != null) {
            b.header(header, value);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String user, String password) throws Exception {
        return get("admin.localhost", "Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theHtpasswdSecretIsReadAgainWhenItChangesAndItsLossFailsClosed() throws Exception {
        writeUsers(Htpasswd.line("alice", "wonderland", "-B"));
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);

        assertThat(admin("alice", "wonderland").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = admin("bob", "builder");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("www-authenticate"))
                .hasValue("Basic realm=\"Authentication Required - admin\"");

        writeUsers(Htpasswd.line("bob", "builder", "-m"));
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(admin("bob", "builder").statusCode()).isEqualTo(200);
        assertThat(admin("alice", "wonderland").statusCode()).as("alice left the Secret").isEqualTo(401);

        Files.delete(dir.resolve("basic-auth.yaml"));
        LocalMode.Reload gone = local.reload();
        assertThat(gone.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(gone.messages()).anySatisfy(m -> assertThat(m).contains("Ingress/default/admin")
                .contains("auth-secret").contains("Secret default/basic-auth does not exist"));
        assertThat(admin("bob", "builder").statusCode()).as("fails closed").isEqualTo(503);
    }

    @Test
    void theDashboardIsServedToSignedInClientsAndOthersAreSentToSignIn() throws Exception {
        writeUsers(Htpasswd.line("alice", "wonderland", "-s"));
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);

        HttpResponse<String> in = get("dashboard.localhost", "Cookie", "_oauth2_proxy=valid-carol");
        HttpResponse<String> out = get("dashboard.localhost", null, null);

        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(in.body())).containsEntry("header.x-auth-request-user", "carol");
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("location")).hasValue("https://dashboard.localhost/oauth2/start?rd=%2Fui");
        assertThat(auth.seen()).hasSize(2);
        assertThat(auth.seen().get(0).header("x-original-url")).isEqualTo("http://dashboard.localhost/ui");
    }
}
