package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's {@code global-auth-*} companions of {@code global-auth-url} through a real data plane
 * (local mode with {@code --configmap}) and a real authentication service with oauth2-proxy's contract:
 * {@code global-auth-method}, {@code global-auth-request-redirect}, {@code global-auth-signin} with
 * {@code global-auth-signin-redirect-param}, {@code global-auth-cache-key} with {@code global-auth-cache-duration},
 * {@code global-auth-always-set-cookie}, and {@code global-auth-snippet} refused (a warning, the rest applies); an
 * Ingress with an {@code auth-url} of its own takes none of them.
 */
class IngressNginxGlobalAuthThroughProxyTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";

    @TempDir
    static Path dir;
    private static TestBackend app;
    private static AuthServer global;
    private static AuthServer own;
    private static IngressNginxWorld.Served served;

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        global = AuthServer.start();
        own = AuthServer.start();
        String yaml = LocalManifests.service("app", app.port()) + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                  global-auth-url: "%s"
                  global-auth-method: POST
                  global-auth-request-redirect: /back
                  global-auth-signin: https://login.example.com/start
                  global-auth-signin-redirect-param: next
                  global-auth-cache-key: $cookie__oauth2_proxy
                  global-auth-cache-duration: 202 10m
                  global-auth-always-set-cookie: "true"
                  global-auth-snippet: "proxy_set_header X-Injected yes;"
                """.formatted(global.url("/oauth2/auth"))
                + NginxIngresses.ingress("shop", "shop.localhost", "app", Map.of())
                + NginxIngresses.ingress("owner", "owner.localhost", "app", Map.of("auth-url",
                        own.url("/oauth2/auth")));
        Files.writeString(dir.resolve("world.yaml"), yaml);
        served = IngressNginxWorld.serve(dir, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF));
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
        global.close();
        own.close();
        app.close();
    }

    @Test
    void theSnippetIsRefusedAndTheRestIsServed() {
        assertThat(served.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(served.loaded().messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("global-auth-snippet"));
        assertThat(served.loaded().messages()).noneMatch(m -> m.contains("global-auth-") && !m.contains(
                "global-auth-snippet"));
    }

    @Test
    void theServiceIsAskedWithTheGlobalMethodAndRedirectAndWithoutTheSnippet() throws Exception {
        int before = global.seen().size();
        HttpResponse<String> in = served.get("shop.localhost", "/orders", "Cookie", "_oauth2_proxy=valid-ann");

        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(in.body())).containsEntry("backend", "app").doesNotContainKey("header.x-injected");
        List<AuthServer.Seen> asked = global.seen().subList(before, global.seen().size());
        assertThat(asked).singleElement().satisfies(seen -> {
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.bodyBytes()).isZero();
            assertThat(seen.header("x-auth-request-redirect")).isEqualTo("/back");
            assertThat(seen.header("x-injected")).isNull();
        });
    }

    @Test
    void aRefusedClientIsSentToTheGlobalSigninWithTheOriginalUrlInTheConfiguredParameter() throws Exception {
        HttpResponse<String> out = served.get("shop.localhost", "/orders?page=2");

        assertThat(out.statusCode()).isEqualTo(302);
        String location = out.headers().firstValue("location").orElseThrow();
        assertThat(location).startsWith("https://login.example.com/start?next=").doesNotContain("rd=");
        assertThat(URLDecoder.decode(location.substring(location.indexOf("next=") + 5), StandardCharsets.UTF_8))
                .isEqualTo("http://shop.localhost/orders?page=2");
    }

    @Test
    void answersAreCachedByTheGlobalKeyForTheGlobalDuration() throws Exception {
        int before = global.seen().size();
        for (int i = 0; i < 4; i++) {
            assertThat(served.get("shop.localhost", "/", "Cookie", "_oauth2_proxy=valid-bea").statusCode())
                    .isEqualTo(200);
        }
        assertThat(served.get("shop.localhost", "/", "Cookie", "_oauth2_proxy=valid-cy").statusCode())
                .isEqualTo(200);

        assertThat(global.seen().size() - before).as("bea once, cy once").isEqualTo(2);
    }

    @Test
    void theServicesCookieIsAddedToErrorsToo() throws Exception {
        HttpResponse<String> error = served.get("shop.localhost", "/status/404", "Cookie", "_oauth2_proxy=valid-dee");

        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.headers().allValues("set-cookie")).containsExactly("_oauth2_proxy=valid-dee; Path=/; HttpOnly");
    }

    @Test
    void anIngressWithItsOwnAuthUrlTakesNoneOfTheCompanions() throws Exception {
        int before = global.seen().size();
        HttpResponse<String> in = served.get("owner.localhost", "/", "Cookie", "_oauth2_proxy=valid-eve");
        HttpResponse<String> out = served.get("owner.localhost", "/");
        HttpResponse<String> error = served.get("owner.localhost", "/status/404", "Cookie",
                "_oauth2_proxy=valid-eve");

        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(out.statusCode()).as("no global-auth-signin").isEqualTo(401);
        assertThat(error.headers().allValues("set-cookie")).as("no global-auth-always-set-cookie").isEmpty();
        assertThat(global.seen()).hasSize(before);
        assertThat(own.seen()).hasSize(3).allSatisfy(seen -> {
            assertThat(seen.method()).isEqualTo("GET");
            assertThat(seen.header("x-auth-request-redirect")).isNotEqualTo("/back");
        });
    }
}
