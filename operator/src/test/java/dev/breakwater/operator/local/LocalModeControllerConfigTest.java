package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
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
 * ingress-nginx's controller ConfigMap in local mode ({@code --configmap}), through a real data plane and real
 * clients: {@code hsts} and {@code hsts-max-age} on HTTPS answers, {@code proxy-body-size} refusing a larger body,
 * {@code global-auth-url} asking a real auth server (oauth2-proxy's contract) for an Ingress without its own
 * authentication but not for one with {@code enable-global-auth: "false"}; a change of the ConfigMap served at the
 * next read of the folder, without a restart; a bad value reported with the ConfigMap and the key while the last good
 * value keeps serving.
 */
class LocalModeControllerConfigTest {

    private static final TestPki PKI = TestPki.create("Controller ConfigMap test CA");
    private static final String REF = "ingress-nginx/ingress-nginx-controller";

    @TempDir
    Path dir;
    private TestBackend app;
    private AuthServer auth;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        auth = AuthServer.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1).build()
                .start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), reported::add);
        TestPki.Issued cert = PKI.server("secure.test");
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
                apiVersion: v1
                kind: Secret
                metadata: {name: secure-tls}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: dashboard}
                spec:
                  ingressClassName: nginx
                  tls: [{hosts: [secure.test], secretName: secure-tls}]
                  rules:
                  - host: secure.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: upload
                  annotations: {nginx.ingress.kubernetes.io/enable-global-auth: "false"}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: upload.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(app.port(), indent(cert.chainPem()), indent(cert.keyPem())));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        auth.close();
        app.close();
    }

    private static String indent(String pem) {
        return pem.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private void writeConfigMap(String bodySize) throws Exception {
        writeConfigMap(bodySize, "");
    }

    private void writeConfigMap(String bodySize, String moreKeys) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                  proxy-body-size: "%s"
                  hsts: "true"
                  hsts-max-age: "600"
                  global-auth-url: "%s"
                  global-auth-response-headers: X-Auth-Request-User
                  use-geoip2: "true"
                """.formatted(bodySize, auth.url("/oauth2/auth")) + moreKeys);
    }

    private HttpResponse<String> dashboard(String cookie) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(PKI.clientContext(null)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://secure.test:" + proxy.httpsPort() + "/ui"));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int upload(int bytes) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/files"))
                .header("Host", "upload.localhost").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes]))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void theKeysTakeEffectAndAChangeIsServedWithoutARestart() throws Exception {
        writeConfigMap("1k");
        LocalMode.Reload first = local.reload();
        assertThat(first.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(first.messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("data['use-geoip2']").contains("not read by Breakwater"));

        HttpResponse<String> signedIn = dashboard("_oauth2_proxy=valid-carol");
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.headers().firstValue("strict-transport-security")).hasValue("max-age=600");
        assertThat(TestBackend.parse(signedIn.body())).containsEntry("header.x-auth-request-user", "carol");
        assertThat(dashboard(null).statusCode()).as("global-auth-url asks the auth server").isEqualTo(401);
        assertThat(auth.seen()).hasSize(2);

        assertThat(upload(512)).isEqualTo(200);
        assertThat(upload(2048)).as("proxy-body-size 1k").isEqualTo(413);
        assertThat(auth.seen()).as("enable-global-auth false: never asked").hasSize(2);

        writeConfigMap("4k");
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(upload(2048)).as("the new proxy-body-size, same data plane").isEqualTo(200);

        writeConfigMap("four kilobytes");
        LocalMode.Reload bad = local.reload();
        assertThat(bad.messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("data['proxy-body-size']").contains("\"four kilobytes\" is not a size")
                .contains("the last good value \"4k\" is kept"));
        assertThat(upload(2048)).as("the last good value keeps serving").isEqualTo(200);
        assertThat(upload(5000)).isEqualTo(413);
    }

    @Test
    void hstsIncludeSubdomainsAndPreloadJoinTheHeaderAndGoAgainWhenUnset() throws Exception {
        writeConfigMap("1m", """
                  hsts-include-subdomains: "true"
                  hsts-preload: "true"
                """);
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(dashboard("_oauth2_proxy=valid-carol").headers().firstValue("strict-transport-security"))
                .hasValue("max-age=600; includeSubDomains; preload");

        writeConfigMap("1m", """
                  hsts-include-subdomains: "false"
                """);
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(dashboard("_oauth2_proxy=valid-carol").headers().firstValue("strict-transport-security"))
                .as("both off again, on the same data plane").hasValue("max-age=600");
    }

    @Test
    void authProxySetHeadersSendsTheConfigMapsHeadersToTheAuthService() throws Exception {
        writeConfigMap("1m");
        Files.writeString(dir.resolve("tenant.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: auth-headers}
                data:
                  X-Auth-Tenant: shop
                  X-Client: $remote_addr
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: tenant
                  annotations:
                    nginx.ingress.kubernetes.io/auth-url: "%s"
                    nginx.ingress.kubernetes.io/auth-proxy-set-headers: auth-headers
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: tenant.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(auth.url("/oauth2/auth")));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m).contains("Ingress/default/tenant")
                .contains("auth-proxy-set-headers").contains("data['X-Client']").contains("nginx variable"));

        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", "tenant.localhost").header("Cookie", "_oauth2_proxy=valid-dave").build();
        assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        assertThat(auth.seen()).singleElement().satisfies(seen -> {
            assertThat(seen.header("x-auth-tenant")).isEqualTo("shop");
            assertThat(seen.header("x-client")).isNull();
        });
    }

    @Test
    void forwardedAndHeaderKeysReachTheEndpointAndTheClient() throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                  use-forwarded-headers: "true"
                  proxy-real-ip-cidr: 127.0.0.0/8
                  add-headers: ingress-nginx/response-headers
                  proxy-set-headers: ingress-nginx/request-headers
                  hide-headers: X-Backend
                  large-client-header-buffers: 4 16k
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: response-headers, namespace: ingress-nginx}
                data: {X-Frame-Options: DENY}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: request-headers, namespace: ingress-nginx}
                data: {X-Tenant: blue}
                """);
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);

        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/files"))
                .header("Host", "upload.localhost").header("X-Forwarded-For", "203.0.113.5")
                .header("X-Forwarded-Proto", "https").header("X-Big", "b".repeat(20_000)).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as("large-client-header-buffers 4 16k: a 20 KB header passes").isEqualTo(200);
        assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(r.headers().firstValue("x-backend")).as("hide-headers").isEmpty();
        var seen = TestBackend.parse(r.body());
        assertThat(seen).containsEntry("header.x-forwarded-for", "203.0.113.5")
                .containsEntry("header.x-real-ip", "203.0.113.5")
                .containsEntry("header.x-forwarded-proto", "https")
                .containsEntry("header.x-tenant", "blue");
        assertThat(proxy.table().settings().forwarded().trustedPeers()).containsExactly("127.0.0.0/8");
    }
}
