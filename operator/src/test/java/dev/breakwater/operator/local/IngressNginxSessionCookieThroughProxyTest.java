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
 * ingress-nginx's {@code session-cookie-path} and {@code session-cookie-max-age} through a real data plane (local
 * mode, {@code --also-serve-class nginx}) and the JDK's HTTP client, with a Service of two endpoints: the affinity
 * cookie a client gets carries that {@code Path} and {@code Max-Age} ({@code session-cookie-max-age} winning over
 * {@code session-cookie-expires}), without them {@code Path=/} and no lifetime (a session cookie), and sent back it
 * keeps the client on the endpoint that answered first.
 */
class IngressNginxSessionCookieThroughProxyTest {

    @TempDir
    static Path dir;
    private static TestBackend one;
    private static TestBackend two;
    private static IngressNginxWorld.Served served;

    @BeforeAll
    static void start() throws Exception {
        one = TestBackend.start("one");
        two = TestBackend.start("two");
        String yaml = LocalManifests.service("app", one.port()) + """
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-2, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(two.port())
                + NginxIngresses.ingress("cart", "cart.localhost", "app", Map.of("affinity", "cookie",
                        "session-cookie-name", "route", "session-cookie-path", "/cart",
                        "session-cookie-max-age", "3600", "session-cookie-expires", "7200"))
                + NginxIngresses.ingress("plain", "plain.localhost", "app", Map.of("affinity", "cookie"));
        Files.writeString(dir.resolve("world.yaml"), yaml);
        served = IngressNginxWorld.serve(dir, CompilerOptions.local().alsoServing(List.of("nginx")));
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
        one.close();
        two.close();
    }

    @Test
    void theFolderIsServedWithoutAWord() {
        assertThat(served.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(served.loaded().messages()).noneMatch(m -> m.contains("session-cookie"));
    }

    @Test
    void theCookieCarriesTheConfiguredPathAndMaxAgeAndKeepsTheClientOnItsEndpoint() throws Exception {
        HttpResponse<String> first = served.get("cart.localhost", "/cart/items");
        assertThat(first.statusCode()).isEqualTo(200);
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).as("max-age wins over expires").matches("route=[^;]+; Path=/cart; Max-Age=3600; "
                + "HttpOnly");
        String pair = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = TestBackend.parse(first.body()).get("backend");

        for (int i = 0; i < 8; i++) {
            HttpResponse<String> again = served.get("cart.localhost", "/cart/items", "Cookie", pair);
            assertThat(TestBackend.parse(again.body())).containsEntry("backend", backend);
            assertThat(again.headers().firstValue("set-cookie")).isEmpty();
        }
    }

    @Test
    void withoutThemTheCookieIsASessionCookieForTheWholeHost() throws Exception {
        HttpResponse<String> first = served.get("plain.localhost", "/deep/page");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("set-cookie")).hasValueSatisfying(c -> assertThat(c)
                .matches("INGRESSCOOKIE=[^;]+; Path=/; HttpOnly").doesNotContain("Max-Age").doesNotContain("Expires"));
    }
}
