package dev.breakwater.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.SourceAllowlist;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The route filter chain with plain calls: no socket, no event loop. */
class FilterChainTest {

    private final ProxyMetrics metrics = new ProxyMetrics();
    private final RateLimiters limiters = new RateLimiters(1000);
    private final ProxyConfig config = FilterRequests.CONFIG;

    private FilterChain chain(PathMatch path, RouteAction action, RoutePolicy policy, RouteFilter... filters) {
        Route route = new Route("r", "test", RouteMatch.path(path), action, policy, List.of(filters));
        return FilterChain.of(route, limiters.next(), metrics);
    }

    private FilterChain chain(RoutePolicy policy, RouteFilter... filters) {
        return chain(PathMatch.prefix("/"), RouteAction.Forward.to("c"), policy, filters);
    }

    private FilterContext request(String scheme, String method, String path, String query, String clientIp,
                                  String... headers) {
        return FilterRequests.request(scheme, method, "a.test", path, query, clientIp, headers);
    }

    @Test
    void aPlainRouteHasTheEmptyChain() {
        assertThat(chain(RoutePolicy.DEFAULTS)).isSameAs(FilterChain.EMPTY);
        assertThat(FilterChain.EMPTY.onRequest(request("http", "GET", "/", null, "1.2.3.4"))).isNull();
    }

    @Test
    void theAllowlistAnswers403OutsideItsRanges() {
        FilterChain c = chain(RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8"))));
        assertThat(c.onRequest(request("http", "GET", "/", null, "10.1.2.3"))).isNull();
        LocalAnswer denied = c.onRequest(request("http", "GET", "/", null, "192.168.1.1"));
        assertThat(denied.status().code()).isEqualTo(403);
        assertThat(denied.message()).isEqualTo("client address not allowed");
    }

    @Test
    void behindATrustedBalancerTheAllowlistReadsTheLastForwardedAddress() {
        FilterChain c = chain(RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8"))));
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().set("x-forwarded-for", "10.9.9.9, 192.168.7.7");
        FilterContext trusted = new FilterContext(req, "http", "a.test", "/", null, "10.0.0.1",
                config.withTrustForwardedHeaders(true));
        assertThat(c.onRequest(trusted).status().code()).isEqualTo(403);
        FilterContext untrusted = new FilterContext(req, "http", "a.test", "/", null, "10.0.0.1", config);
        assertThat(c.onRequest(untrusted)).isNull();
    }

    @Test
    void corsAnswersPreflightsAndDecoratesResponses() {
        FilterChain c = chain(RoutePolicy.DEFAULTS.withCors(new Cors(List.of("https://app.test"), List.of("GET", "PUT"),
                List.of("X-Token"), List.of(), true, 600L)));
        LocalAnswer preflight = c.onRequest(request("https", "OPTIONS", "/", null, "1.1.1.1", "origin",
                "https://app.test", "access-control-request-method", "PUT"));
        assertThat(preflight.status().code()).isEqualTo(204);
        assertThat(preflight.headers().get("access-control-allow-origin")).isEqualTo("https://app.test");
        HttpHeaders response = new DefaultHttpHeaders();
        c.onResponse(request("https", "GET", "/", null, "1.1.1.1", "origin", "https://app.test"), response);
        assertThat(response.get("access-control-allow-origin")).isEqualTo("https://app.test");
        assertThat(response.get("access-control-allow-credentials")).isEqualTo("true");
    }

    @Test
    void theRateLimitAnswers429WithRetryAfterOnceTheBurstIsSpent() {
        FilterChain c = chain(RoutePolicy.DEFAULTS.withRateLimit(
                new RateLimit(2, 60_000, 2, RateLimit.Key.SOURCE_IP, List.of("10.0.0.0/8"), null)));
        assertThat(c.onRequest(request("http", "GET", "/", null, "1.1.1.1"))).isNull();
        assertThat(c.onRequest(request("http", "GET", "/", null, "1.1.1.1"))).isNull();
        LocalAnswer limited = c.onRequest(request("http", "GET", "/", null, "1.1.1.1"));
        assertThat(limited.status().code()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().get("retry-after"))).isPositive();
        assertThat(c.onRequest(request("http", "GET", "/", null, "2.2.2.2"))).as("another key").isNull();
        for (int i = 0; i < 5; i++) {
            assertThat(c.onRequest(request("http", "GET", "/", null, "10.0.0.5"))).as("exempt").isNull();
        }
    }

    @Test
    void headerModifiersAndTheUrlRewriteChangeTheRequestAndResponse() {
        FilterChain c = chain(PathMatch.prefix("/api"), RouteAction.Forward.to("c"), RoutePolicy.DEFAULTS,
                new RouteFilter.RequestHeaderModifier(List.of(new RouteFilter.Header("X-Tenant", "blue")),
                        List.of(), List.of("X-Debug")),
                new RouteFilter.URLRewrite("internal.test", PathModifier.prefixMatch("/v2")),
                new RouteFilter.ResponseHeaderModifier(List.of(), List.of(new RouteFilter.Header("X-Served-By", "bw")),
                        List.of("Server")));
        FilterContext r = request("http", "GET", "/api/items", "page=2", "1.1.1.1", "x-debug", "1", "x-tenant", "red");
        assertThat(c.onRequest(r)).isNull();
        assertThat(r.request().uri()).isEqualTo("/v2/items?page=2");
        assertThat(r.headers().get("host")).isEqualTo("internal.test");
        assertThat(r.headers().getAll("x-tenant")).containsExactly("blue");
        assertThat(r.headers().contains("x-debug")).isFalse();
        HttpHeaders response = new DefaultHttpHeaders().set("server", "origin/1.0");
        c.onResponse(r, response);
        assertThat(response.get("x-served-by")).isEqualTo("bw");
        assertThat(response.contains("server")).isFalse();
    }

    @Test
    void aRedirectAndAFixedResponseAnswerThemselves() {
        FilterChain redirect = chain(RoutePolicy.DEFAULTS,
                new RouteFilter.RequestRedirect("https", "b.test", null, null, 301));
        LocalAnswer moved = redirect.onRequest(request("http", "GET", "/x", "y=1", "1.1.1.1"));
        assertThat(moved.status().code()).isEqualTo(301);
        assertThat(moved.headers().get("location")).isEqualTo("https://b.test:8443/x?y=1");

        FilterChain fixed = chain(PathMatch.prefix("/"), new RouteAction.FixedResponse(503, "no backend\n"),
                RoutePolicy.DEFAULTS);
        LocalAnswer answer = fixed.onRequest(request("http", "GET", "/", null, "1.1.1.1"));
        assertThat(answer.status().code()).isEqualTo(503);
        assertThat(answer.message()).isEqualTo("no backend");
    }

    @Test
    void httpsOnlyRoutesRedirectPlainHttpAndSendHstsOverHttps() {
        RoutePolicy httpsOnly = RoutePolicy.builder().httpsRedirect(true)
                .hsts(new RoutePolicy.Hsts(31536000, true, false)).build();
        FilterChain c = chain(httpsOnly);
        LocalAnswer redirect = c.onRequest(request("http", "GET", "/a/b", "q=1", "1.1.1.1"));
        assertThat(redirect.status().code()).isEqualTo(308);
        assertThat(redirect.headers().get("location")).isEqualTo("https://a.test:8443/a/b?q=1");
        assertThat(c.onRequest(request("https", "GET", "/a/b", null, "1.1.1.1"))).isNull();

        HttpHeaders overHttps = new DefaultHttpHeaders();
        c.onResponse(request("https", "GET", "/", null, "1.1.1.1"), overHttps);
        assertThat(overHttps.get("strict-transport-security")).isEqualTo("max-age=31536000; includeSubDomains");
        HttpHeaders ownHsts = new DefaultHttpHeaders().set("strict-transport-security", "max-age=5");
        c.onResponse(request("https", "GET", "/", null, "1.1.1.1"), ownHsts);
        assertThat(ownHsts.get("strict-transport-security")).isEqualTo("max-age=5");
        HttpHeaders overHttp = new DefaultHttpHeaders();
        c.onResponse(request("http", "GET", "/", null, "1.1.1.1"), overHttp);
        assertThat(overHttp.contains("strict-transport-security")).isFalse();
    }

    @Test
    void theAllowlistRunsBeforeAnythingThatAnswers() {
        FilterChain c = chain(PathMatch.prefix("/"), new RouteAction.FixedResponse(200, "hello"),
                RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8"))));
        assertThat(c.onRequest(request("http", "GET", "/", null, "8.8.8.8")).status().code()).isEqualTo(403);
        assertThat(c.onRequest(request("http", "GET", "/", null, "10.0.0.8")).status().code()).isEqualTo(200);
    }
}
