package dev.breakwater.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.Cors;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CORS answers of both dialects with plain calls: no socket, no event loop. */
class CorsPolicyTest {

    private static final Cors.Dialect GW = Cors.Dialect.GATEWAY_API;

    private static HttpRequest request(String method, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    private static HttpHeaders response(CorsPolicy p, String origin) {
        HttpHeaders h = new DefaultHttpHeaders();
        p.onResponse(request("GET", "Origin", origin), h);
        return h;
    }

    @Test
    void gatewayApiWildcardsCoverSeveralLabelsAndDefaultPortsAreTheSameOrigin() {
        CorsPolicy p = new CorsPolicy(new Cors(List.of("https://www.foo.com", "https://*.bar.com", "http://*:8080"),
                List.of("GET"), List.of(), List.of(), false, 5L, GW));

        assertThat(p.allowed("https://www.foo.com")).isTrue();
        assertThat(p.allowed("HTTPS://WWW.FOO.COM:443")).isTrue();
        assertThat(p.allowed("https://www.foo.com:8443")).isFalse();
        assertThat(p.allowed("http://www.foo.com")).isFalse();
        assertThat(p.allowed("https://www.bar.com")).isTrue();
        assertThat(p.allowed("https://xpto.www.bar.com")).isTrue();
        assertThat(p.allowed("https://bar.com")).isFalse();
        assertThat(p.allowed("https://x..bar.com")).isFalse();
        assertThat(p.allowed("https://www.bar.com:444")).isFalse();
        assertThat(p.allowed("https://foobar.com")).isFalse();
        assertThat(p.allowed("http://anything.example:8080")).isTrue();
        assertThat(p.allowed("http://anything.example")).isFalse();

        CorsPolicy nginx = new CorsPolicy(new Cors(List.of("https://*.bar.com"), null, null, null, false, null));
        assertThat(nginx.allowed("https://www.bar.com")).isTrue();
        assertThat(nginx.allowed("https://www.bar.com:443")).isTrue();
        assertThat(nginx.allowed("https://xpto.www.bar.com")).as("one label in the ingress-nginx dialect").isFalse();
    }

    @Test
    void aPreflightAnswerCarriesEveryHeaderOfTheFilterAndEchoesTheOrigin() {
        CorsPolicy p = new CorsPolicy(new Cors(List.of("https://www.foo.com", "https://*.bar.com"),
                List.of("GET", "OPTIONS"), List.of("x-header-1", "x-header-2"), List.of("x-header-3", "x-header-4"),
                true, 3600L, GW));

        LocalAnswer a = p.preflight(request("OPTIONS", "Origin", "https://xpto.www.bar.com",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-header-1, x-header-2"));

        assertThat(a.status().code()).isEqualTo(204);
        assertThat(a.headers().get("access-control-allow-origin")).isEqualTo("https://xpto.www.bar.com");
        assertThat(a.headers().get("access-control-allow-methods")).isEqualTo("GET, OPTIONS");
        assertThat(a.headers().get("access-control-allow-headers")).isEqualTo("x-header-1, x-header-2");
        assertThat(a.headers().get("access-control-expose-headers")).isEqualTo("x-header-3, x-header-4");
        assertThat(a.headers().get("access-control-max-age")).isEqualTo("3600");
        assertThat(a.headers().get("access-control-allow-credentials")).isEqualTo("true");
        assertThat(a.headers().get("vary")).isEqualTo("origin");
    }

    @Test
    void aPreflightFromAnotherOriginIsAnsweredWithoutCorsHeadersInGatewayApiAndPassesInIngressNginx() {
        Cors.Dialect[] dialects = {GW, Cors.Dialect.INGRESS_NGINX};
        for (Cors.Dialect d : dialects) {
            CorsPolicy p = new CorsPolicy(new Cors(List.of("https://www.foo.com"), List.of("GET"), List.of(),
                    List.of(), true, 5L, d));
            LocalAnswer a = p.preflight(request("OPTIONS", "Origin", "https://foobar.com",
                    "Access-Control-Request-Method", "GET"));
            if (d == GW) {
                assertThat(a.status().code()).isEqualTo(204);
                assertThat(a.deniedBy()).isNull();
                assertThat(a.headers().names()).containsExactly("vary");
            } else {
                assertThat(a).isNull();
            }
            assertThat(p.preflight(request("OPTIONS", "Origin", "https://www.foo.com"))).as("no request method").isNull();
            assertThat(p.preflight(request("GET", "Origin", "https://www.foo.com",
                    "Access-Control-Request-Method", "GET"))).as("not OPTIONS").isNull();
        }
    }

    @Test
    void withCredentialsWildcardsAreEchoedAndExposeStarIsLeftOut() {
        CorsPolicy p = new CorsPolicy(new Cors(List.of("*"), List.of("*"), List.of("*"), List.of("*"), true, 5L, GW));

        LocalAnswer a = p.preflight(request("OPTIONS", "Origin", "https://other.foo.com",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-header-1, x-header-2"));
        assertThat(a.headers().get("access-control-allow-origin")).isEqualTo("https://other.foo.com");
        assertThat(a.headers().get("access-control-allow-methods")).isEqualTo("PUT");
        assertThat(a.headers().get("access-control-allow-headers")).isEqualTo("x-header-1, x-header-2");
        assertThat(a.headers().get("access-control-allow-credentials")).isEqualTo("true");
        assertThat(a.headers().contains("access-control-expose-headers")).isFalse();
        assertThat(a.headers().get("vary")).isEqualTo("origin");

        LocalAnswer noHeaders = p.preflight(request("OPTIONS", "Origin", "https://other.foo.com",
                "Access-Control-Request-Method", "PUT"));
        assertThat(noHeaders.headers().contains("access-control-allow-headers"))
                .as("no Access-Control-Request-Headers: no Access-Control-Allow-Headers").isFalse();

        HttpHeaders r = response(p, "https://other.foo.com");
        assertThat(r.get("access-control-allow-origin")).isEqualTo("https://other.foo.com");
        assertThat(r.get("access-control-allow-credentials")).isEqualTo("true");
        assertThat(r.get("vary")).isEqualTo("origin");
        assertThat(r.contains("access-control-expose-headers")).isFalse();
    }

    @Test
    void withoutCredentialsStarStaysStarAndNothingVaries() {
        CorsPolicy p = new CorsPolicy(new Cors(List.of("*"), List.of("*"), List.of("*"), List.of("*"), false, 5L, GW));

        LocalAnswer a = p.preflight(request("OPTIONS", "Origin", "https://foobar.com:12345",
                "Access-Control-Request-Method", "PUT"));
        assertThat(a.headers().get("access-control-allow-origin")).isEqualTo("*");
        assertThat(a.headers().get("access-control-allow-methods")).isEqualTo("*");
        assertThat(a.headers().get("access-control-allow-headers")).isEqualTo("*");
        assertThat(a.headers().get("access-control-expose-headers")).isEqualTo("*");
        assertThat(a.headers().contains("access-control-allow-credentials")).isFalse();
        assertThat(a.headers().contains("vary")).isFalse();

        HttpHeaders r = response(p, "https://foobar.com");
        assertThat(r.get("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.contains("vary")).isFalse();
    }

    @Test
    void theIngressNginxDialectAnswersStarAsWrittenEvenWithCredentials() {
        CorsPolicy p = new CorsPolicy(new Cors(List.of("*"), List.of("GET"), List.of(), List.of(), true, 60L));

        LocalAnswer a = p.preflight(request("OPTIONS", "Origin", "https://x.net", "Access-Control-Request-Method", "GET"));
        assertThat(a.headers().get("access-control-allow-origin")).isEqualTo("*");
        assertThat(a.headers().get("access-control-allow-credentials")).isEqualTo("true");
        assertThat(response(p, "https://y.net").get("access-control-allow-origin")).isEqualTo("*");
    }
}
