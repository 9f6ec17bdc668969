package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingress-nginx annotations whose compiler fixtures had no twin through a data plane, served by local mode with
 * {@code --also-serve-class nginx} and asked by the JDK's HTTP client: {@code auth-method},
 * {@code auth-request-redirect}, {@code auth-snippet} (refused, the rest of the authentication applies),
 * {@code auth-cache-key} with {@code auth-cache-duration}, {@code auth-always-set-cookie}, {@code custom-headers},
 * {@code mirror-target} with {@code mirror-request-body}, and the settings Breakwater reads and warns about
 * ({@code service-upstream}, {@code proxy-http-version}, {@code proxy-buffering}, {@code proxy-buffer-size},
 * {@code client-body-buffer-size}), whose Ingress is served all the same.
 */
class IngressNginxAnnotationsThroughProxyTest {

    @TempDir
    static Path dir;
    private static TestBackend app;
    private static AuthServer auth;
    private static AuthServer cached;
    private static AuthServer always;
    private static AuthServer mirror;
    private static AuthServer bodiless;
    private static IngressNginxWorld.Served served;

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        auth = AuthServer.start();
        cached = AuthServer.start();
        always = AuthServer.start();
        mirror = AuthServer.start();
        bodiless = AuthServer.start();
        StringBuilder yaml = new StringBuilder(LocalManifests.service("app", app.port()));
        yaml.append("---\n").append(LocalManifests.service("mirror", mirror.port()));
        yaml.append("---\n").append(LocalManifests.service("bodiless", bodiless.port()));
        yaml.append("""
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: response-headers}
                data:
                  X-Frame-Options: DENY
                  X-Served-For: shop
                """);
        yaml.append(ingress("method", Map.of("auth-url", auth.url("/oauth2/auth"), "auth-method", "POST",
                "auth-request-redirect", "https://method.localhost/after",
                "auth-snippet", "proxy_set_header X-Injected yes;")));
        yaml.append(ingress("cached", Map.of("auth-url", cached.url("/oauth2/auth"),
                "auth-cache-key", "$cookie__oauth2_proxy", "auth-cache-duration", "202 10m")));
        yaml.append(ingress("always", Map.of("auth-url", always.url("/oauth2/auth"),
                "auth-always-set-cookie", "true")));
        yaml.append(ingress("sometimes", Map.of("auth-url", always.url("/oauth2/auth"))));
        yaml.append(ingress("headers", Map.of("custom-headers", "response-headers")));
        yaml.append(ingress("mirrored", Map.of("mirror-target", "mirror:80")));
        yaml.append(ingress("bodiless", Map.of("mirror-target", "bodiless:80", "mirror-request-body", "off")));
        yaml.append(ingress("warned", Map.of("service-upstream", "true", "proxy-http-version", "1.0",
                "proxy-buffering", "on", "proxy-buffer-size", "16k", "client-body-buffer-size", "1m")));
        Files.writeString(dir.resolve("world.yaml"), yaml.toString());
        served = IngressNginxWorld.serve(dir, CompilerOptions.local().alsoServing(List.of("nginx")));
    }

    private static String ingress(String name, Map<String, String> annotations) {
        StringBuilder a = new StringBuilder();
        annotations.forEach((k, v) -> a.append("    nginx.ingress.kubernetes.io/").append(k).append(": \"")
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
                """.formatted(name, a.toString().stripTrailing(), name);
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
        for (AuthServer a : List.of(auth, cached, always, mirror, bodiless)) {
            a.close();
        }
        app.close();
    }

    private static HttpResponse<String> post(String host, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + served.proxy().httpPort()
                        + path)).header("Host", host).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertThat(condition.getAsBoolean()).as("within 5 s").isTrue();
    }

    @Test
    void theFolderIsServedAndOnlyTheSnippetAndTheWarnedSettingsAreReported() {
        assertThat(served.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(served.loaded().messages()).anySatisfy(m -> assertThat(m).contains("Ingress/default/method")
                .contains("auth-snippet").contains("snippets are not supported"));
        for (String key : List.of("service-upstream", "proxy-http-version", "proxy-buffering", "proxy-buffer-size",
                "client-body-buffer-size")) {
            assertThat(served.loaded().messages()).as(key).anySatisfy(m -> assertThat(m)
                    .contains("Ingress/default/warned").contains(key));
        }
        assertThat(served.loaded().messages()).noneMatch(m -> m.contains("Ingress/default/cached")
                || m.contains("Ingress/default/always") || m.contains("Ingress/default/headers")
                || m.contains("Ingress/default/mirrored") || m.contains("Ingress/default/bodiless"));
    }

    @Test
    void theServiceIsAskedWithAuthMethodAndAuthRequestRedirectAndTheSnippetIsNotUsed() throws Exception {
        int before = auth.seen().size();
        HttpResponse<String> in = served.get("method.localhost", "/orders?page=2", "Cookie",
                "_oauth2_proxy=valid-frank");
        HttpResponse<String> out = served.get("method.localhost", "/orders");

        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(in.body())).containsEntry("backend", "app")
                .as("no auth-response-headers: none of the service's headers").doesNotContainKey("header.x-auth-request-user")
                .doesNotContainKey("header.x-injected");
        assertThat(out.statusCode()).as("without the cookie the service's 401").isEqualTo(401);
        List<AuthServer.Seen> asked = auth.seen().subList(before, auth.seen().size());
        assertThat(asked).hasSize(2).allSatisfy(seen -> {
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.bodyBytes()).isZero();
            assertThat(seen.header("x-auth-request-redirect")).isEqualTo("https://method.localhost/after");
            assertThat(seen.header("x-injected")).isNull();
        });
    }

    @Test
    void answersAreCachedByTheCookieForTheDurationOfTheirStatus() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(served.get("cached.localhost", "/", "Cookie", "_oauth2_proxy=valid-gina").statusCode())
                    .isEqualTo(200);
        }
        assertThat(served.get("cached.localhost", "/", "Cookie", "_oauth2_proxy=valid-hal").statusCode())
                .isEqualTo(200);
        assertThat(served.get("cached.localhost", "/").statusCode()).isEqualTo(401);
        assertThat(served.get("cached.localhost", "/").statusCode()).isEqualTo(401);

        assertThat(cached.seen()).as("gina once, hal once; 401 is not in auth-cache-duration: asked each time")
                .hasSize(4);
    }

    @Test
    void authAlwaysSetCookieAddsTheServicesCookieToErrorsToo() throws Exception {
        HttpResponse<String> error = served.get("always.localhost", "/status/404", "Cookie", "_oauth2_proxy=valid-ida");
        HttpResponse<String> plainError = served.get("sometimes.localhost", "/status/404", "Cookie",
                "_oauth2_proxy=valid-ida");
        HttpResponse<String> plainOk = served.get("sometimes.localhost", "/", "Cookie", "_oauth2_proxy=valid-ida");

        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.headers().allValues("set-cookie")).containsExactly("_oauth2_proxy=valid-ida; Path=/; HttpOnly");
        assertThat(plainError.statusCode()).isEqualTo(404);
        assertThat(plainError.headers().allValues("set-cookie")).as("below 400 only, without the annotation")
                .isEmpty();
        assertThat(plainOk.headers().allValues("set-cookie")).containsExactly("_oauth2_proxy=valid-ida; Path=/; HttpOnly");
    }

    @Test
    void customHeadersAreSetOnEveryResponseOfTheIngress() throws Exception {
        HttpResponse<String> ok = served.get("headers.localhost", "/");
        HttpResponse<String> error = served.get("headers.localhost", "/status/503");
        HttpResponse<String> other = served.get("warned.localhost", "/");

        for (HttpResponse<String> r : List.of(ok, error)) {
            assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
            assertThat(r.headers().firstValue("x-served-for")).hasValue("shop");
        }
        assertThat(other.headers().firstValue("x-frame-options")).as("another Ingress").isEmpty();
    }

    @Test
    void mirrorTargetGetsACopyWithTheBodyAndWithoutItWhenMirrorRequestBodyIsOff() throws Exception {
        String body = "x".repeat(5000);
        HttpResponse<String> copied = post("mirrored.localhost", "/orders", body);
        HttpResponse<String> bare = post("bodiless.localhost", "/orders", body);

        assertThat(copied.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(copied.body())).containsEntry("backend", "app");
        assertThat(bare.statusCode()).isEqualTo(200);
        eventually(() -> mirror.seen().size() == 1 && bodiless.seen().size() == 1);
        assertThat(mirror.seen().get(0)).satisfies(seen -> {
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.uri()).isEqualTo("/orders");
            assertThat(seen.bodyBytes()).isEqualTo(5000);
        });
        assertThat(bodiless.seen().get(0)).satisfies(seen -> {
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.bodyBytes()).isZero();
            assertThat(seen.header("content-length")).isNull();
        });
    }

    @Test
    void theWarnedSettingsLeaveTheIngressServedAndItsBodiesStreamedWhole() throws Exception {
        String body = "y".repeat(300_000);
        HttpResponse<String> r = post("warned.localhost", "/sha256", body);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(r.body())).containsEntry("length", "300000");
        assertThat(served.get("warned.localhost", "/").statusCode()).isEqualTo(200);
    }
}
