package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code cors-allow-headers}, {@code cors-expose-headers}, {@code cors-allow-credentials},
 * {@code cors-allow-methods} and {@code cors-max-age} through a
 * real data plane (local mode, {@code --also-serve-class nginx}) and the JDK's HTTP client: a real preflight is
 * answered by the proxy with the configured {@code Access-Control-Allow-Headers} and credentials, never reaching the
 * backend; a real cross-origin request reaches it and its answer carries {@code Access-Control-Expose-Headers}.
 */
class IngressNginxCorsThroughProxyTest {

    private static final String ORIGIN = "https://app.example.com";

    @TempDir
    static Path dir;
    private static TestBackend app;
    private static IngressNginxWorld.Served served;

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        String yaml = LocalManifests.service("app", app.port())
                + NginxIngresses.ingress("configured", "configured.localhost", "app", Map.of("enable-cors", "true",
                        "cors-allow-origin", ORIGIN, "cors-allow-headers", "X-Custom, Content-Type",
                        "cors-expose-headers", "X-Total, X-Page", "cors-allow-credentials", "true",
                        "cors-allow-methods", "GET, PUT", "cors-max-age", "600"))
                + NginxIngresses.ingress("nocredentials", "nocredentials.localhost", "app", Map.of("enable-cors",
                        "true", "cors-allow-origin", ORIGIN, "cors-allow-credentials", "false"))
                + NginxIngresses.ingress("defaults", "defaults.localhost", "app", Map.of("enable-cors", "true"));
        Files.writeString(dir.resolve("world.yaml"), yaml);
        served = IngressNginxWorld.serve(dir, CompilerOptions.local().alsoServing(List.of("nginx")));
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
        app.close();
    }

    private static HttpResponse<String> preflight(String host) throws Exception {
        return served.send("OPTIONS", host, "/api/orders", "Origin", ORIGIN, "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "x-custom");
    }

    @Test
    void theFolderIsServedWithoutAWord() {
        assertThat(served.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(served.loaded().messages()).noneMatch(m -> m.contains("cors"));
    }

    @Test
    void aPreflightIsAnsweredWithTheConfiguredAllowHeadersAndCredentialsAndNeverReachesTheBackend() throws Exception {
        int before = app.requests();
        HttpResponse<String> answer = preflight("configured.localhost");

        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(answer.headers().firstValue("x-backend")).as("answered by the proxy").isEmpty();
        assertThat(answer.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        assertThat(answer.headers().firstValue("access-control-allow-headers")).hasValue("X-Custom, Content-Type");
        assertThat(answer.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(answer.headers().firstValue("access-control-allow-methods")).hasValue("GET, PUT");
        assertThat(answer.headers().firstValue("access-control-max-age")).hasValue("600");
        assertThat(app.requests()).isEqualTo(before);
    }

    @Test
    void aCrossOriginRequestReachesTheBackendAndItsAnswerExposesTheConfiguredHeaders() throws Exception {
        HttpResponse<String> answer = served.get("configured.localhost", "/api/orders", "Origin", ORIGIN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(answer.body())).containsEntry("backend", "app")
                .containsEntry("header.origin", ORIGIN);
        assertThat(answer.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        assertThat(answer.headers().firstValue("access-control-expose-headers")).hasValue("X-Total, X-Page");
        assertThat(answer.headers().firstValue("access-control-allow-credentials")).hasValue("true");
    }

    @Test
    void corsAllowCredentialsFalseSendsNoAllowCredentials() throws Exception {
        HttpResponse<String> pre = preflight("nocredentials.localhost");
        HttpResponse<String> actual = served.get("nocredentials.localhost", "/", "Origin", ORIGIN);

        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        assertThat(pre.headers().firstValue("access-control-allow-credentials")).isEmpty();
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        assertThat(actual.headers().firstValue("access-control-allow-credentials")).isEmpty();
        assertThat(actual.headers().firstValue("access-control-expose-headers")).as("none configured").isEmpty();
    }

    @Test
    void withoutTheAnnotationsIngressNginxsDefaultsAreAnswered() throws Exception {
        HttpResponse<String> pre = preflight("defaults.localhost");

        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(pre.headers().firstValue("access-control-allow-headers")).hasValueSatisfying(h -> assertThat(h)
                .contains("DNT").contains("Keep-Alive").contains("User-Agent").contains("X-Requested-With")
                .contains("If-Modified-Since").contains("Cache-Control").contains("Content-Type").contains("Range")
                .contains("Authorization"));
        assertThat(pre.headers().firstValue("access-control-allow-methods"))
                .hasValue("GET, PUT, POST, DELETE, PATCH, OPTIONS");
        assertThat(pre.headers().firstValue("access-control-max-age")).hasValue("1728000");
        assertThat(pre.headers().firstValue("access-control-allow-credentials")).as("cors-allow-credentials "
                + "defaults to true").hasValue("true");
        assertThat(served.get("defaults.localhost", "/", "Origin", ORIGIN).headers()
                .firstValue("access-control-expose-headers")).isEmpty();
    }
}
