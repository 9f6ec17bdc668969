package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.Htpasswd;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.BasicAuth;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Basic authentication through a real proxy and backend, users hashed by the real htpasswd, real clients. */
class BasicAuthTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestBackend app;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        Map<String, String> users = Map.of(
                "alice", Htpasswd.hash("alice", "wonderland", "-B"),
                "bob", Htpasswd.hash("bob", "builder", "-m"),
                "carol", Htpasswd.hash("carol", "singer", "-s"));
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .config(ProxyConfig.defaults()).build().start();
        proxy.apply(Tables.builder().cluster("app", app)
                .route("admin.com", PathMatch.prefix("/"), RouteAction.Forward.to("app"),
                        RoutePolicy.builder().basicAuth(new BasicAuth("Admin area", users)).build())
                .build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    private HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/x"))
                .header("Host", "admin.com");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachHashSchemeHtpasswdWritesLetsItsUserInWithTheAuthorizationHeaderForwarded() throws Exception {
        for (String[] u : new String[][] {{"alice", "wonderland"}, {"bob", "builder"}, {"carol", "singer"}}) {
            HttpResponse<String> r = get(basic(u[0], u[1]));

            assertThat(r.statusCode()).as(u[0]).isEqualTo(200);
            assertThat(TestBackend.parse(r.body())).containsEntry("header.authorization", basic(u[0], u[1]));
        }
        assertThat(get(basic("alice", "wonderland")).statusCode()).as("bcrypt, remembered").isEqualTo(200);
        assertThat(app.requests()).isEqualTo(4);
    }

    @Test
    void wrongMissingOrMalformedCredentialsGet401WithTheRealmAndNeverReachTheBackend() throws Exception {
        for (String authorization : new String[] {null, basic("alice", "Wonderland"), basic("bob", "wonderland"),
                basic("mallory", "builder"), "Basic !!!", "Bearer abc", basic("alice", "")}) {
            HttpResponse<String> r = get(authorization);

            assertThat(r.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"Admin area\"");
        }
        assertThat(app.requests()).isZero();
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_auth_requests_total{kind=\"basic\",result=\"denied\",route=\"admin.com/#0\"} 7.0");
    }

    @Test
    void curlWithUserAndPasswordIsLetIn() throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "bob:builder",
                "-H", "Host: admin.com", "http://127.0.0.1:" + proxy.httpPort() + "/curl").start();
        String code = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();

        assertThat(code).isEqualTo("200");
        assertThat(app.requests()).isEqualTo(1);
    }
}
