package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.ExternalAuth;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * External authentication through a real proxy, a real authentication service with oauth2-proxy's contract
 * ({@link AuthServer}), a real backend and real clients: what the service was asked, what the backend received,
 * what the client got.
 */
class ExternalAuthTest {

    private static final RouteAction TO_APP = RouteAction.Forward.to("app");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private TestBackend app;
    private AuthServer auth;
    private DataPlane proxy;

    @BeforeEach
    void start() {
        app = TestBackend.start("app");
        auth = AuthServer.start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        auth.close();
        app.close();
    }

    private void serve(ExternalAuth... byHost) throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .config(ProxyConfig.defaults()).build().start();
        Tables t = Tables.builder().cluster("app", app);
        for (int i = 0; i < byHost.length; i++) {
            t.route("h" + i + ".com", PathMatch.prefix("/"), TO_APP,
                    RoutePolicy.builder().externalAuth(byHost[i]).build());
        }
        proxy.apply(t.prefix("open.com", "/", "app").build());
    }

    private static ExternalAuth auth(String url, String signin, List<String> headers) {
        return new ExternalAuth(url, null, signin, null, headers, null, false, null, Map.of(),
                ExternalAuth.DEFAULT_CACHE_MAX_ENTRIES, 2000, 1000);
    }

    private HttpResponse<String> send(String host, String method, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort()
                + "/app/page?x=1&y=%20")).header("Host", host)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aValidCookiePassesWithTheServicesHeadersAndTheServiceSeesWhatIngressNginxSends() throws Exception {
        serve(auth(auth.url("/oauth2/auth"), null, List.of("X-Auth-Request-User", "X-Auth-Request-Email")));

        HttpResponse<String> r = send("h0.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice; theme=dark",
                "Authorization", "Bearer t0k", "X-Auth-Request-User", "mallory");

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> got = TestBackend.parse(r.body());
        assertThat(got).containsEntry("uri", "/app/page?x=1&y=%20")
                .containsEntry("header.x-auth-request-user", "alice")
                .containsEntry("header.x-auth-request-email", "alice@example.com")
                .containsEntry("header.cookie", "_oauth2_proxy=valid-alice; theme=dark")
                .containsEntry("header.authorization", "Bearer t0k");
        assertThat(r.headers().allValues("set-cookie")).containsExactly("_oauth2_proxy=valid-alice; Path=/; HttpOnly");

        AuthServer.Seen asked = auth.seen().get(0);
        assertThat(asked.method()).isEqualTo("GET");
        assertThat(asked.uri()).isEqualTo("/oauth2/auth");
        assertThat(asked.bodyBytes()).isZero();
        assertThat(asked.header("host")).isEqualTo("127.0.0.1:" + auth.port());
        assertThat(asked.header("x-original-url")).isEqualTo("http://h0.com/app/page?x=1&y=%20");
        assertThat(asked.header("x-original-method")).isEqualTo("GET");
        assertThat(asked.header("x-auth-request-redirect")).isEqualTo("/app/page?x=1&y=%20");
        assertThat(asked.header("x-forwarded-host")).isEqualTo("h0.com");
        assertThat(asked.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(asked.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(asked.header("x-request-id")).as("the request's id, as the backend got it")
                .isNotNull().isEqualTo(got.get("header.x-request-id"));
        assertThat(asked.header("cookie")).isEqualTo("_oauth2_proxy=valid-alice; theme=dark");
        assertThat(asked.header("authorization")).isEqualTo("Bearer t0k");
    }

    @Test
    void aPostIsAskedAboutWithoutItsBodyAndItsBodyReachesTheBackend() throws Exception {
        serve(auth(auth.url("/oauth2/auth"), null, List.of("X-Auth-Request-User")));
        String body = "field=" + "v".repeat(100_000);

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + proxy.httpPort() + "/sha256")).header("Host", "h0.com")
                .header("Cookie", "_oauth2_proxy=valid-bob").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(r.body())).containsEntry("length", "100006");
        AuthServer.Seen asked = auth.seen().get(0);
        assertThat(asked.method()).isEqualTo("GET");
        assertThat(asked.header("x-original-method")).isEqualTo("POST");
        assertThat(asked.bodyBytes()).isZero();
        assertThat(asked.header("content-length")).isEqualTo("0");
    }

    @Test
    void withoutACookieTheClientGets401WithTheServicesChallengeAndTheBackendNothing() throws Exception {
        serve(auth(auth.url("/oauth2/auth"), null, List.of()));

        HttpResponse<String> r = send("h0.com", "GET", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"test\"");
        assertThat(app.requests()).isZero();
        assertThat(send("open.com", "GET", null).statusCode()).as("a route without authentication").isEqualTo(200);
    }

    @Test
    void withSigninA401BecomesARedirectCarryingTheOriginalUrlInRd() throws Exception {
        serve(auth(auth.url("/oauth2/auth"), "https://login.example/oauth2/start", List.of()),
                auth(auth.url("/oauth2/auth"), "https://login.example/start?rd=https://fixed.example/", List.of()),
                auth(auth.url("/oauth2/auth"), "$scheme://$host/oauth2/start?rd=$escaped_request_uri", List.of()));

        HttpResponse<String> r = send("h0.com", "GET", null);
        HttpResponse<String> fixed = send("h1.com", "GET", null);
        HttpResponse<String> expanded = send("h2.com", "GET", null);

        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("location")).hasValue("https://login.example/oauth2/start?rd="
                + "http%3A%2F%2Fh0.com%2Fapp%2Fpage%3Fx%3D1%26y%3D%2520");
        assertThat(fixed.statusCode()).isEqualTo(302);
        assertThat(fixed.headers().firstValue("location")).hasValue("https://login.example/start?rd=https://fixed.example/");
        assertThat(expanded.headers().firstValue("location"))
                .hasValue("http://h2.com/oauth2/start?rd=%2Fapp%2Fpage%3Fx%3D1%26y%3D%2520");
        assertThat(app.requests()).isZero();
    }

    @Test
    void forbiddenIs403AndEveryOtherFailureIs500FailingClosed() throws Exception {
        int nothingListens = FreePorts.tcp();
        serve(auth(auth.url("/forbid"), null, List.of()), auth(auth.url("/broken"), null, List.of()),
                auth("http://127.0.0.1:" + nothingListens + "/auth", null, List.of()),
                auth(auth.url("/slow"), null, List.of()));

        assertThat(send("h0.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice").statusCode()).isEqualTo(403);
        assertThat(send("h1.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice").statusCode()).isEqualTo(500);
        assertThat(send("h2.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice").statusCode()).isEqualTo(500);
        HttpResponse<String> timedOut = send("h3.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice");
        assertThat(timedOut.statusCode()).as("the 1 s timeout of the service's answer").isEqualTo(500);
        assertThat(timedOut.body()).contains("authentication service failed");
        assertThat(app.requests()).isZero();
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_auth_requests_total{kind=\"external\",result=\"denied\",route=\"h0.com/#0\"} 1.0")
                .contains("breakwater_auth_requests_total{kind=\"external\",result=\"error\",route=\"h1.com/#0\"} 1.0")
                .contains("breakwater_auth_requests_total{kind=\"external\",result=\"error\",route=\"h2.com/#0\"} 1.0")
                .contains("breakwater_auth_requests_total{kind=\"external\",result=\"error\",route=\"h3.com/#0\"} 1.0");
    }

    @Test
    void requestsOfOneClientConnectionShareOnePooledConnectionToTheService() throws Exception {
        serve(auth(auth.url("/oauth2/auth"), null, List.of()));

        for (int i = 0; i < 8; i++) {
            assertThat(send("h0.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice").statusCode())
                    .isEqualTo(200);
        }

        assertThat(auth.seen()).hasSize(8);
        assertThat(auth.connections()).isEqualTo(1);
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_auth_requests_total{kind=\"external\",result=\"allowed\",route=\"h0.com/#0\"} 8.0")
                .contains("breakwater_auth_external_duration_seconds_count{route=\"h0.com/#0\"} 8");
    }

    @Test
    void answersAreCachedByTheCacheKeyForTheirStatusOnly() throws Exception {
        serve(new ExternalAuth(auth.url("/oauth2/auth"), null, null, null, List.of("X-Auth-Request-User"), null,
                false, "$cookie__oauth2_proxy", Map.of(202, 600_000L), 100, 2000, 1000));

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = send("h0.com", "GET", null, "Cookie", "_oauth2_proxy=valid-carol");
            assertThat(TestBackend.parse(r.body())).containsEntry("header.x-auth-request-user", "carol");
        }
        assertThat(send("h0.com", "GET", null, "Cookie", "_oauth2_proxy=valid-dan").statusCode()).isEqualTo(200);
        assertThat(send("h0.com", "GET", null).statusCode()).isEqualTo(401);
        assertThat(send("h0.com", "GET", null).statusCode()).as("401 is not cached here").isEqualTo(401);

        assertThat(auth.seen()).hasSize(4);
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_auth_requests_total{kind=\"external\",result=\"cached\",route=\"h0.com/#0\"} 2.0");
    }

    @Test
    void anHttp2RequestWithABodyWaitsForTheServiceThenReachesTheBackendWhole() throws Exception {
        serve(auth(auth.url("/oauth2/auth"), null, List.of("X-Auth-Request-User")));
        String body = "h2-" + "b".repeat(200_000);

        Process curl = new ProcessBuilder("curl", "-sk", "--http2", "-X", "POST", "--data-binary", "@-",
                "-b", "_oauth2_proxy=valid-erin", "-H", "Host: h0.com", "-w", "\n%{http_version} %{http_code}",
                "https://127.0.0.1:" + proxy.httpsPort() + "/sha256").start();
        try (var in = curl.getOutputStream()) {
            in.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        curl.waitFor();

        assertThat(out).endsWith("\n2 200");
        assertThat(TestBackend.parse(out)).containsEntry("length", "200003");
        AuthServer.Seen asked = auth.seen().get(0);
        assertThat(asked.header("x-original-url")).isEqualTo("https://h0.com/sha256");
        assertThat(asked.header("x-original-method")).isEqualTo("POST");
        assertThat(asked.header("x-forwarded-proto")).isEqualTo("https");
        assertThat(asked.bodyBytes()).isZero();
    }

    @Test
    void aClientThatLeavesWhileTheServiceThinksDropsTheCallAndOthersAreServed() throws Exception {
        serve(auth(auth.url("/slow"), null, List.of()), auth(auth.url("/oauth2/auth"), null, List.of()));

        try (var raw = new dev.breakwater.dataplane.testing.RawHttp(proxy.httpPort())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: h0.com\r\nContent-Length: 10\r\n\r\n0123");
            for (int i = 0; i < 200 && auth.seen().isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertThat(auth.seen()).as("the service was asked").hasSize(1);
        }

        assertThat(send("h1.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice").statusCode()).isEqualTo(200);
        assertThat(app.requests()).as("the request of the client that left never reached the backend").isEqualTo(1);
    }

    @Test
    void basicThenExternalAuthenticationMustBothPass() throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .config(ProxyConfig.defaults()).build().start();
        String hash = dev.breakwater.dataplane.testing.Htpasswd.hash("ops", "s3cret", "-m");
        proxy.apply(Tables.builder().cluster("app", app).route("both.com", PathMatch.prefix("/"), TO_APP,
                RoutePolicy.builder().basicAuth(new dev.breakwater.routing.BasicAuth("ops", Map.of("ops", hash)))
                        .externalAuth(auth(auth.url("/oauth2/auth"), null, List.of("X-Auth-Request-User"))).build())
                .build());
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("ops:s3cret".getBytes());

        assertThat(send("both.com", "GET", null, "Cookie", "_oauth2_proxy=valid-alice").statusCode())
                .as("no Basic credentials: the service is not asked").isEqualTo(401);
        assertThat(auth.seen()).isEmpty();
        assertThat(send("both.com", "GET", null, "Authorization", basic).statusCode())
                .as("Basic passes, the service refuses").isEqualTo(401);
        HttpResponse<String> both = send("both.com", "GET", null, "Authorization", basic, "Cookie",
                "_oauth2_proxy=valid-alice");
        assertThat(both.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(both.body())).containsEntry("header.x-auth-request-user", "alice")
                .containsEntry("header.authorization", basic);
        assertThat(auth.seen()).hasSize(2);
    }

    @Test
    void theCacheHoldsAtMostItsEntries() throws Exception {
        serve(new ExternalAuth(auth.url("/oauth2/auth"), null, null, null, List.of(), null, false,
                "$cookie__oauth2_proxy", Map.of(202, 600_000L), 1, 2000, 1000));

        for (String user : List.of("ann", "ann", "ben", "ann", "ben", "ben")) {
            assertThat(send("h0.com", "GET", null, "Cookie", "_oauth2_proxy=valid-" + user).statusCode())
                    .isEqualTo(200);
        }

        // with room for both users the service would be asked twice; with one entry, at least once more
        assertThat(auth.seen()).as("two users' answers cannot both be kept").hasSizeGreaterThan(2);
    }
}
