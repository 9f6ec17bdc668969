package dev.breakwater.operator;

import static dev.breakwater.operator.IngressExample.NAMESPACE;
import static dev.breakwater.operator.IngressExample.SERVICE_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.fixture.Fixtures;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's redirect, allowlist, CORS, rewrite and rate-limit annotations from Ingress YAML to answers:
 * compiled, served by a real data plane, asked by a real client.
 */
class IngressFiltersThroughProxyTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static DataPlane proxy;
    private static TestBackend app;

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
        List<Ingress> ingresses = List.of(
                ingress("redirect", "redirect.com", NGINX + "permanent-redirect", "https://new.example.com$request_uri",
                        NGINX + "permanent-redirect-code", "308"),
                ingress("moved", "moved.com", NGINX + "temporal-redirect", "https://maintenance.example.com/"),
                ingress("cors", "cors.com", NGINX + "enable-cors", "true",
                        NGINX + "cors-allow-origin", "https://app.example.com"),
                ingress("deny", "deny.com", NGINX + "whitelist-source-range", "10.0.0.0/8, fd00::/8"),
                ingress("allow", "allow.com", NGINX + "allowlist-source-range", "10.0.0.0/8, 127.0.0.1/32, ::1"),
                ingress("broken", "broken.com", NGINX + "whitelist-source-range", "10.0.0.0/8, nonsense"),
                // rate limits refilling at most once a minute: nothing here depends on time
                ingress("limited", "limited.com", NGINX + "limit-rpm", "1", NGINX + "limit-burst-multiplier", "3",
                        NGINX + "limit-whitelist", "10.0.0.0/8"),
                ingress("exempt", "exempt.com", NGINX + "limit-rpm", "1", NGINX + "limit-allowlist", "127.0.0.1/32"),
                ingress("keyed", "keyed.com", "breakwater.dev/rate-limit", "2/h", "breakwater.dev/rate-limit-key",
                        "header:X-Api-Key"),
                Fixtures.ingress(NAMESPACE, "prefixed").annotation(NGINX + "rewrite-target", "/$1")
                        .annotation(NGINX + "x-forwarded-prefix", "/app")
                        .host("prefixed.com").implementationSpecific("/app/(.*)", "app", SERVICE_PORT).build());
        IngressExample all = new IngressExample("filters", "all", ingresses, List.of(), false, "", "/", null);
        Compilation c = Compiler.compile(all.snapshot(s -> new InetSocketAddress("127.0.0.1", app.port())),
                all.options());
        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.object()).isEqualTo("Ingress/default/broken");
        });
        proxy.apply(c.table().withVersion(1));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        app.close();
    }

    private static Ingress ingress(String name, String host, String... annotations) {
        var f = Fixtures.ingress(NAMESPACE, name).host(host).prefix("/", "app", SERVICE_PORT);
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return f.build();
    }

    private static HttpResponse<String> send(String method, String host, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void redirects() throws Exception {
        HttpResponse<String> permanent = send("GET", "redirect.com", "/a/b?c=d");
        HttpResponse<String> temporal = send("POST", "moved.com", "/anything?x");

        assertThat(permanent.statusCode()).isEqualTo(308);
        assertThat(permanent.headers().firstValue("location")).hasValue("https://new.example.com/a/b?c=d");
        assertThat(temporal.statusCode()).isEqualTo(302);
        assertThat(temporal.headers().firstValue("location")).hasValue("https://maintenance.example.com/");
    }

    @Test
    void cors() throws Exception {
        HttpResponse<String> preflight = send("OPTIONS", "cors.com", "/api", "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "DELETE");
        HttpResponse<String> actual = send("GET", "cors.com", "/api", "Origin", "https://app.example.com");

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().map())
                .containsEntry("access-control-allow-origin", List.of("https://app.example.com"))
                .containsEntry("access-control-allow-methods", List.of("GET, PUT, POST, DELETE, PATCH, OPTIONS"))
                .containsEntry("access-control-allow-credentials", List.of("true"))
                .containsEntry("access-control-max-age", List.of("1728000"));
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    }

    @Test
    void sourceAllowlists() throws Exception {
        assertThat(send("GET", "deny.com", "/").statusCode()).isEqualTo(403);
        assertThat(send("GET", "allow.com", "/").statusCode()).isEqualTo(200);
        assertThat(send("GET", "broken.com", "/").statusCode()).as("an unreadable allowlist fails closed")
                .isEqualTo(503);
    }

    @Test
    void rateLimits() throws Exception {
        int before = app.requests();
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "limited.com", "/").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = send("GET", "limited.com", "/other/path");
        assertThat(limited.statusCode()).as("limit-rpm 1 x limit-burst-multiplier 3, for the whole Ingress")
                .isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
        assertThat(app.requests() - before).as("the backend never saw the 429").isEqualTo(3);

        for (int i = 0; i < 5; i++) {
            assertThat(send("GET", "exempt.com", "/").statusCode()).as("limit-allowlist").isEqualTo(200);
        }
        assertThat(send("GET", "keyed.com", "/", "X-Api-Key", "a").statusCode()).isEqualTo(200);
        assertThat(send("GET", "keyed.com", "/", "X-Api-Key", "a").statusCode()).isEqualTo(200);
        assertThat(send("GET", "keyed.com", "/", "X-Api-Key", "a").statusCode()).isEqualTo(429);
        assertThat(send("GET", "keyed.com", "/", "X-Api-Key", "b").statusCode()).isEqualTo(200);
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_ratelimit_rejected_total{route=\"default/limited:limited.com/\"} 1.0");
    }

    @Test
    void rewriteWithForwardedPrefix() throws Exception {
        Map<String, String> seen = TestBackend.parse(send("GET", "prefixed.com", "/app/users/7?full").body());

        assertThat(seen).containsEntry("uri", "/users/7?full").containsEntry("header.x-forwarded-prefix", "/app");
    }
}
