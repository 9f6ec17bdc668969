package dev.breakwater.dataplane;

import dev.breakwater.dataplane.settings.ProxyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.SourceAllowlist;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rate limits through a real proxy, a real backend and real clients. The limits refill so slowly (5 per hour: a token
 * every 12 minutes) that no test depends on how long it takes.
 */
class RateLimitTest {

    private static final RouteAction TO_A = RouteAction.Forward.to("a");
    private static final long HOUR = 3_600_000;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestBackend a;
    private DataPlane proxy;

    @BeforeEach
    void start() {
        a = TestBackend.start("a");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        a.close();
    }

    private void serve(Tables tables, ProxyConfig config) throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).config(config).build()
                .start();
        proxy.apply(tables.cluster("a", a).build());
    }

    private static Tables limited(String host, RateLimit limit) {
        return Tables.builder().route(host, PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withRateLimit(limit));
    }

    private HttpResponse<String> get(String host, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/x"))
                .header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int served(int tries, String host, String... headers) throws Exception {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            int status = get(host, headers).statusCode();
            assertThat(status).isIn(200, 429);
            ok += status == 200 ? 1 : 0;
        }
        return ok;
    }

    @Test
    void theBurstPassesThenTheProxyAnswers429WithRetryAfterAndTheBackendNeverSeesIt() throws Exception {
        serve(limited("a.com", new RateLimit(5, HOUR, 3, null)).prefix("free.com", "/", "a"), ProxyConfig.defaults());

        for (int i = 0; i < 3; i++) {
            assertThat(get("a.com").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = get("a.com");

        assertThat(limited.statusCode()).isEqualTo(429);
        // one token every 12 minutes: the next one is due in (almost exactly) 720 s
        assertThat(Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow())).isBetween(700L, 720L);
        assertThat(limited.body()).contains("rate limit exceeded")
                .contains(limited.headers().firstValue("x-request-id").orElseThrow());
        assertThat(a.requests()).isEqualTo(3);
        assertThat(served(5, "a.com")).isZero();
        assertThat(a.requests()).isEqualTo(3);
        assertThat(served(10, "free.com")).as("a route without a limit").isEqualTo(10);
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_requests_denied_total{reason=\"rate_limit\"} 6.0")
                .contains("breakwater_ratelimit_rejected_total{route=\"a.com/#0\"} 6.0")
                .contains("breakwater_requests_total{route=\"a.com/#0\",status=\"429\"} 6.0")
                .contains("breakwater_ratelimit_keys_max 100000.0");
    }

    @Test
    void headerKeysAreIndependentAndRequestsWithoutTheHeaderAreKeyedByAddress() throws Exception {
        serve(limited("api.com", new RateLimit(5, HOUR, 2, RateLimit.Key.header("X-Api-Key"))), ProxyConfig.defaults());

        assertThat(served(4, "api.com", "X-Api-Key", "alice")).isEqualTo(2);
        assertThat(served(4, "api.com", "X-Api-Key", "bob")).isEqualTo(2);
        assertThat(served(4, "api.com", "x-api-key", "carol")).isEqualTo(2);
        assertThat(served(4, "api.com")).as("no key: this client's address").isEqualTo(2);
        assertThat(served(1, "api.com", "X-Api-Key", "alice")).isZero();
        assertThat(a.requests()).isEqualTo(8);
    }

    @Test
    void theRouteKeySharesOneBucketAndRoutesOfOneZoneShareTheirs() throws Exception {
        RateLimit zoned = new RateLimit(5, HOUR, 3, null, null, "Ingress/default/web");
        serve(limited("all.com", new RateLimit(5, HOUR, 2, RateLimit.Key.ROUTE))
                .route("web.com", PathMatch.prefix("/x"), TO_A, RoutePolicy.DEFAULTS.withRateLimit(zoned))
                .route("web.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withRateLimit(zoned)),
                ProxyConfig.defaults());

        assertThat(served(1, "all.com", "X-Forwarded-For", "192.0.2.1") + served(3, "all.com")).isEqualTo(2);
        // /x and / are two routes of one zone: three requests in all
        assertThat(served(2, "web.com")).isEqualTo(2);
        HttpRequest other = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/y"))
                .header("Host", "web.com").build();
        assertThat(client.send(other, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(client.send(other, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(429);
    }

    @Test
    void exemptClientsAreNeverLimited() throws Exception {
        serve(limited("a.com", new RateLimit(5, HOUR, 1, null, List.of("10.0.0.0/8", "127.0.0.1"), null))
                .route("b.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withRateLimit(
                        new RateLimit(5, HOUR, 1, null, List.of("10.0.0.0/8", "::1"), null))),
                ProxyConfig.defaults());

        assertThat(served(10, "a.com")).isEqualTo(10);
        assertThat(served(3, "b.com")).isEqualTo(1);
        assertThat(a.requests()).isEqualTo(11);
    }

    @Test
    void behindATrustedBalancerTheKeyIsTheLastForwardedAddress() throws Exception {
        serve(limited("a.com", new RateLimit(5, HOUR, 2, null, List.of("203.0.113.0/24"), null)),
                ProxyConfig.defaults().withTrustForwardedHeaders(true));

        assertThat(served(3, "a.com", "X-Forwarded-For", "192.0.2.1")).isEqualTo(2);
        assertThat(served(3, "a.com", "X-Forwarded-For", "192.0.2.1, 198.51.100.7")).isEqualTo(2);
        assertThat(served(3, "a.com", "X-Forwarded-For", "198.51.100.7, 192.0.2.1")).as("the same last address")
                .isZero();
        assertThat(served(5, "a.com", "X-Forwarded-For", "192.0.2.1, 203.0.113.9")).as("exempt").isEqualTo(5);
    }

    @Test
    void allowlistAndCorsPreflightsComeFirstAndAreNotCounted() throws Exception {
        Cors cors = new Cors(List.of("https://app.example.com"), List.of("GET"), List.of(), List.of(), false, null);
        serve(limited("a.com", new RateLimit(5, HOUR, 1, null))
                .route("denied.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS
                        .withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8")))
                        .withRateLimit(new RateLimit(5, HOUR, 1, null)))
                .route("cors.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS.withCors(cors)
                        .withRateLimit(new RateLimit(5, HOUR, 1, null)))
                .route("moved.com", PathMatch.prefix("/"), TO_A, RoutePolicy.DEFAULTS
                        .withRateLimit(new RateLimit(5, HOUR, 1, null)),
                        new RouteFilter.RequestRedirect("https", "new.example.com", null, null, 301)),
                ProxyConfig.defaults());

        for (int i = 0; i < 3; i++) {
            assertThat(get("denied.com").statusCode()).isEqualTo(403);
            HttpRequest preflight = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Host", "cors.com")
                    .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "GET")
                    .build();
            assertThat(client.send(preflight, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
            assertThat(get("moved.com").statusCode()).isEqualTo(301);
        }
        assertThat(served(2, "cors.com", "Origin", "https://app.example.com")).isEqualTo(1);
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void aTableSwapKeepsTheBucketsOfLimitsThatDidNotChange() throws Exception {
        serve(limited("a.com", new RateLimit(5, HOUR, 2, null)).route("b.com", PathMatch.prefix("/"), TO_A,
                RoutePolicy.DEFAULTS.withRateLimit(new RateLimit(5, HOUR, 2, null))), ProxyConfig.defaults());
        assertThat(served(3, "a.com")).isEqualTo(2);
        assertThat(served(3, "b.com")).isEqualTo(2);

        // the same limit on a.com (the table changes elsewhere); a new burst on b.com
        proxy.apply(limited("a.com", new RateLimit(5, HOUR, 2, null)).route("b.com", PathMatch.prefix("/"), TO_A,
                        RoutePolicy.DEFAULTS.withRateLimit(new RateLimit(5, HOUR, 4, null)))
                .prefix("c.com", "/", "a").cluster("a", a).build().withVersion(2));

        assertThat(served(3, "a.com")).as("still empty").isZero();
        assertThat(served(5, "b.com")).as("a changed limit starts full").isEqualTo(4);
        assertThat(a.requests()).isEqualTo(8);
    }
}
