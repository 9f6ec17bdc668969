package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture folder {@code src/test/resources/ingress-nginx-world}: real-world ingress-nginx manifests (a dashboard
 * behind oauth2-proxy, a Basic-authentication admin, a canary, a regex rewrite, custom error pages) served as they
 * are by local mode with {@code --also-serve-class nginx}, through a real data plane, real backends and an
 * oauth2-proxy-like authentication server, and checked request by request.
 */
class IngressNginxWorldTest {

    @TempDir
    static Path dir;
    private static IngressNginxWorld world;
    private static IngressNginxWorld.Served served;

    @BeforeAll
    static void start() throws Exception {
        world = IngressNginxWorld.start().copy(IngressNginxWorld.FIXTURES, dir);
        served = IngressNginxWorld.serve(dir, CompilerOptions.local().alsoServing(List.of("nginx")));
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
        world.close();
    }

    private static HttpResponse<String> get(String host, String path, String... headers) throws Exception {
        return served.get(host, path, headers);
    }

    private static String basic(String user, String password) {
        return IngressNginxWorld.basic(user, password);
    }

    @Test
    void theFolderIsServedWithoutAComplaint() {
        assertThat(served.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(served.loaded().messages()).isEmpty();
    }

    @Test
    void theDashboardIsServedToSignedInClientsAndOthersAreSentToSignIn() throws Exception {
        HttpResponse<String> in = get("dashboard.example.com", "/#/workloads", "Cookie", "_oauth2_proxy=valid-carol");
        HttpResponse<String> out = get("dashboard.example.com", "/api/v1/namespaces");

        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(in.body())).containsEntry("header.x-auth-request-user", "carol")
                .containsEntry("header.x-auth-request-email", "carol@example.com");
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("location"))
                .hasValue("https://dashboard.example.com/oauth2/start?rd=%2Fapi%2Fv1%2Fnamespaces");
    }

    @Test
    void theAdminTakesItsHtpasswdUserOnly() throws Exception {
        assertThat(get("admin.example.com", "/", "Authorization", basic("admin", "harbour-pilot")).statusCode())
                .isEqualTo(200);
        HttpResponse<String> refused = get("admin.example.com", "/", "Authorization", basic("admin", "guess"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("www-authenticate"))
                .hasValue("Basic realm=\"Authentication Required - admin\"");
        assertThat(get("admin.example.com", "/").statusCode()).isEqualTo(401);
    }

    @Test
    void theCanaryTakesTheHeadersRequestsAndNoOthers() throws Exception {
        assertThat(get("shop.example.com", "/cart", "X-Canary", "always").headers().firstValue("x-backend"))
                .hasValue("shop-v2");
        assertThat(get("shop.example.com", "/cart", "X-Canary", "never").headers().firstValue("x-backend"))
                .hasValue("app");
        assertThat(get("shop.example.com", "/cart").headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void theRegexRewriteSendsTheCapturedRest() throws Exception {
        assertThat(TestBackend.parse(get("api.example.com", "/api/users/7?full=1").body()))
                .containsEntry("uri", "/users/7?full=1");
        assertThat(TestBackend.parse(get("api.example.com", "/API/users").body())).as("case-insensitive")
                .containsEntry("uri", "/users");
        assertThat(TestBackend.parse(get("api.example.com", "/api").body())).containsEntry("uri", "/");
    }

    @Test
    void errorsOfTheWebServiceAreAnsweredByTheCustomErrorsBackend() throws Exception {
        HttpResponse<String> notFound = get("www.example.com", "/status/404", "Accept", "text/html");
        HttpResponse<String> broken = get("www.example.com", "/status/500");

        assertThat(TestBackend.parse(notFound.body())).containsEntry("backend", "custom-errors")
                .containsEntry("header.x-code", "404").containsEntry("header.x-format", "text/html")
                .containsEntry("header.x-original-uri", "/status/404").containsEntry("header.x-namespace", "default")
                .containsEntry("header.x-ingress-name", "web").containsEntry("header.x-service-name", "web")
                .containsEntry("header.x-service-port", "80");
        assertThat(broken.statusCode()).as("500 is not in custom-http-errors").isEqualTo(500);
        assertThat(broken.headers().firstValue("x-backend")).hasValue("app");
    }
}
