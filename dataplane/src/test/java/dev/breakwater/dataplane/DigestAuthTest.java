package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.DigestAuth;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Digest authentication through a real proxy and backend, with curl's --digest as the client. */
class DigestAuthTest {

    // `htdigest -c auth "Admin area" alice` with the password pw1 wrote "alice:Admin area:6e667686..."
    private static final String ALICE_HA1 = "6e66768633c6b68b60187750afd8f40c";

    private TestBackend app;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .config(ProxyConfig.defaults()).build().start();
        proxy.apply(Tables.builder().cluster("app", app)
                .route("admin.com", PathMatch.prefix("/"), RouteAction.Forward.to("app"), RoutePolicy.builder()
                        .digestAuth(new DigestAuth("Admin area", Map.of("alice", ALICE_HA1))).build())
                .build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    private String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Host: admin.com"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void curlWithDigestIsLetInWithTheRightPasswordOnly() throws Exception {
        String url = "http://127.0.0.1:" + proxy.httpPort() + "/app/page?x=1";

        assertThat(curl("--digest", "-u", "alice:pw1", url)).isEqualTo("200");
        assertThat(curl("--digest", "-u", "alice:pw2", url)).isEqualTo("401");
        assertThat(curl("--digest", "-u", "bob:pw1", url)).isEqualTo("401");
        assertThat(curl("-u", "alice:pw1", url)).as("Basic credentials").isEqualTo("401");
        assertThat(app.requests()).isEqualTo(1);
    }

    @Test
    void theChallengeNamesTheRealmQopAndAFreshNonce() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.httpPort() + "/")).header("Host", "admin.com").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate").orElseThrow())
                .matches("Digest realm=\"Admin area\", qop=\"auth\", algorithm=MD5, nonce=\"[0-9a-f]+\\.[0-9a-f]{32}\"");
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_auth_requests_total{kind=\"digest\",result=\"denied\",route=\"admin.com/#0\"} 1.0");
    }
}
