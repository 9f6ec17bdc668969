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
 * The ingress-nginx-world fixture served twice, each through its own real data plane in local mode: as it is (the
 * Ingresses, with {@code --also-serve-class nginx}) and as ingress2gateway v1.1.0 converted it (the committed
 * {@code src/test/resources/ingress2gateway-world}: its Gateways and HTTPRoutes, the project's GatewayClass
 * {@code nginx} for {@code breakwater.dev/gateway-controller}, and the same Services and EndpointSlices). The same
 * requests go to both with the JDK HttpClient; where ingress2gateway keeps the behaviour the answers are equal, and
 * where it drops or changes it (its report says so, or, for the rewrite, it does not) the difference is asserted as
 * it is.
 */
class IngressNginxToGatewayApiTest {

    private static final Path CONVERTED = Path.of("src", "test", "resources", "ingress2gateway-world");

    @TempDir
    static Path dir;
    private static IngressNginxWorld world;
    private static IngressNginxWorld.Served original;
    private static IngressNginxWorld.Served converted;

    @BeforeAll
    static void start() throws Exception {
        Path originalDir = Files.createDirectory(dir.resolve("original"));
        Path convertedDir = Files.createDirectory(dir.resolve("converted"));
        world = IngressNginxWorld.start().copy(IngressNginxWorld.FIXTURES, originalDir)
                .copy(IngressNginxWorld.FIXTURES.resolve("services.yaml"), convertedDir).copy(CONVERTED, convertedDir);
        original = IngressNginxWorld.serve(originalDir, CompilerOptions.local().alsoServing(List.of("nginx")));
        converted = IngressNginxWorld.serve(convertedDir, CompilerOptions.local());
    }

    @AfterAll
    static void stop() throws Exception {
        converted.close();
        original.close();
        world.close();
    }

    /** What a client sees of an answer: the status, the headers that matter, and what the backend was sent. */
    private record Answer(int status, String backend, String uri, String location, String wwwAuthenticate,
                          String authUser) {

        static Answer of(HttpResponse<String> r) {
            Map<String, String> seen = TestBackend.parse(r.body());
            return new Answer(r.statusCode(), r.headers().firstValue("x-backend").orElse(null), seen.get("uri"),
                    r.headers().firstValue("location").orElse(null),
                    r.headers().firstValue("www-authenticate").orElse(null), seen.get("header.x-auth-request-user"));
        }
    }

    private static Answer original(String host, String path, String... headers) throws Exception {
        return Answer.of(original.get(host, path, headers));
    }

    private static Answer converted(String host, String path, String... headers) throws Exception {
        return Answer.of(converted.get(host, path, headers));
    }

    /** Asserts that both answer this request alike, and returns the answer. */
    private static Answer same(String host, String path, String... headers) throws Exception {
        Answer before = original(host, path, headers);
        assertThat(converted(host, path, headers)).as("%s%s", host, path).isEqualTo(before);
        return before;
    }

    private static String report() throws Exception {
        return Files.readString(CONVERTED.resolve("notifications.txt"));
    }

    @Test
    void bothFoldersAreServedWithoutAComplaint() {
        assertThat(original.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(original.loaded().messages()).isEmpty();
        assertThat(converted.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(converted.loaded().messages()).isEmpty();
    }

    @Test
    void theCanaryIsKeptByHeaderAndByWeight() throws Exception {
        assertThat(same("shop.example.com", "/cart", "X-Canary", "always").backend()).isEqualTo("shop-v2");
        assertThat(same("shop.example.com", "/cart", "X-Canary", "never").backend()).isEqualTo("app");
        assertThat(same("shop.example.com", "/cart", "X-Canary", "sometimes").backend()).as("weight 0")
                .isEqualTo("app");
        assertThat(same("shop.example.com", "/cart").backend()).isEqualTo("app");
    }

    @Test
    void theRegexMatchIsKeptCaseInsensitive() throws Exception {
        assertThat(same("api.example.com", "/apix").status()).as("no match in either").isEqualTo(404);
        assertThat(same("unknown.example.com", "/").status()).isEqualTo(404);
        assertThat(converted("api.example.com", "/API/users").backend()).isEqualTo("app");
        assertThat(original("api.example.com", "/API/users").backend()).isEqualTo("app");
    }

    @Test
    void theRegexRewriteSendsALiteralDollarTwoAfterConversion() throws Exception {
        // ingress2gateway v1.1.0 looks for capture-group references as "\$" (rewrite.go), so "/$2" is not seen as
        // one: it emits ReplaceFullPath "/$2", a literal path, and reports nothing about it.
        assertThat(original("api.example.com", "/api/users/7?full=1").uri()).isEqualTo("/users/7?full=1");
        assertThat(converted("api.example.com", "/api/users/7?full=1").uri()).isEqualTo("/$2?full=1");
        assertThat(original("api.example.com", "/api").uri()).isEqualTo("/");
        assertThat(converted("api.example.com", "/api").uri()).isEqualTo("/$2");
        assertThat(report()).doesNotContain("rewrite-target")
                .contains("Using case-insensitive regex path matches");
    }

    @Test
    void theDashboardLosesItsExternalAuthentication() throws Exception {
        Answer signedIn = original("dashboard.example.com", "/", "Cookie", "_oauth2_proxy=valid-carol");
        Answer signedInAfter = converted("dashboard.example.com", "/", "Cookie", "_oauth2_proxy=valid-carol");
        Answer anonymous = original("dashboard.example.com", "/api/v1/namespaces");
        Answer anonymousAfter = converted("dashboard.example.com", "/api/v1/namespaces");

        assertThat(signedIn).isEqualTo(new Answer(200, "app", "/", null, null, "carol"));
        assertThat(signedInAfter).as("no auth-response-headers").isEqualTo(new Answer(200, "app", "/", null, null,
                null));
        assertThat(anonymous).isEqualTo(new Answer(302, null, null,
                "https://dashboard.example.com/oauth2/start?rd=%2Fapi%2Fv1%2Fnamespaces", null, null));
        assertThat(anonymousAfter).as("served without signing in")
                .isEqualTo(new Answer(200, "app", "/api/v1/namespaces", null, null, null));
        assertThat(report()).contains("Unsupported annotation nginx.ingress.kubernetes.io/auth-url",
                "Unsupported annotation nginx.ingress.kubernetes.io/auth-signin",
                "Unsupported annotation nginx.ingress.kubernetes.io/auth-response-headers");
    }

    @Test
    void theAdminLosesItsBasicAuthentication() throws Exception {
        String password = IngressNginxWorld.basic("admin", "harbour-pilot");
        String wrong = IngressNginxWorld.basic("admin", "guess");

        assertThat(same("admin.example.com", "/", "Authorization", password))
                .isEqualTo(new Answer(200, "app", "/", null, null, null));
        assertThat(original("admin.example.com", "/", "Authorization", wrong))
                .isEqualTo(new Answer(401, null, null, null, "Basic realm=\"Authentication Required - admin\"", null));
        assertThat(converted("admin.example.com", "/", "Authorization", wrong))
                .isEqualTo(new Answer(200, "app", "/", null, null, null));
        assertThat(original("admin.example.com", "/").status()).isEqualTo(401);
        assertThat(converted("admin.example.com", "/").status()).isEqualTo(200);
        // The source allowlist is dropped too; this client (127.0.0.1) is inside it, so it sees no difference.
        assertThat(report()).contains("Unsupported annotation nginx.ingress.kubernetes.io/auth-type",
                "Unsupported annotation nginx.ingress.kubernetes.io/auth-secret",
                "whitelist-source-range\" from tools/admin: IP-based authorization is not supported");
    }

    @Test
    void theCustomErrorPagesAreLostAndOtherAnswersKept() throws Exception {
        assertThat(same("www.example.com", "/").backend()).isEqualTo("app");
        assertThat(same("www.example.com", "/status/500")).as("500 is not in custom-http-errors")
                .isEqualTo(new Answer(500, "app", "/status/500", null, null, null));
        for (String code : List.of("404", "503")) {
            assertThat(original("www.example.com", "/status/" + code, "Accept", "text/html").backend())
                    .isEqualTo("custom-errors");
            assertThat(converted("www.example.com", "/status/" + code, "Accept", "text/html"))
                    .isEqualTo(new Answer(Integer.parseInt(code), "app", "/status/" + code, null, null, null));
        }
        assertThat(report()).contains("Unsupported annotation nginx.ingress.kubernetes.io/custom-http-errors",
                "Unsupported annotation nginx.ingress.kubernetes.io/default-backend");
    }
}
