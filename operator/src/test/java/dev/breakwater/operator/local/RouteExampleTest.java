package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.IngressCompiler;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.VirtualHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** examples/route, as README shows it, reads and compiles without a single complaint, and says what it claims. */
class RouteExampleTest {

    @Test
    void theRouteExampleCompilesCleanly() throws Exception {
        Manifests manifests = new ManifestLoader().load(Path.of("..", "examples", "route"));
        assertThat(manifests.errors()).isEmpty();
        assertThat(manifests.warnings()).isEmpty();

        Compilation c = IngressCompiler.compile(manifests.snapshot(), CompilerOptions.local());

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.routeStatus("default", "shop")).hasValueSatisfying(s -> {
            assertThat(s.accepted().status()).isTrue();
            assertThat(s.resolvedRefs().status()).isTrue();
        });
        assertThat(c.table().certificates()).singleElement().satisfies(crt -> assertThat(crt.hosts())
                .containsExactly("shop.localhost"));
        VirtualHost shop = c.table().virtualHosts().get(0);
        assertThat(shop.hostname()).isEqualTo("shop.localhost");
        assertThat(shop.routes()).extracting(Route::name).containsExactly("default/shop:shop.localhost/api#api",
                "default/shop:shop.localhost/#canary-opt-in", "default/shop:shop.localhost/#storefront");
        Route storefront = shop.routes().get(2);
        assertThat(storefront.action()).isInstanceOfSatisfying(RouteAction.Forward.class, f -> assertThat(
                f.backends()).extracting(RouteAction.BackendRef::weight).containsExactly(80, 20));
        assertThat(storefront.policy().cache()).isNotNull();
        assertThat(storefront.policy().compression().contentTypes()).hasSize(4);
        assertThat(storefront.policy().redirectsToHttps()).isTrue();
        assertThat(shop.routes().get(0).policy().retries().on5xx()).isTrue();
        assertThat(shop.routes().get(0).policy().hsts().maxAgeSeconds()).isEqualTo(86_400L);
    }

    @Test
    void theReadmeRouteReadsAndCompiles(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Routes");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        java.nio.file.Files.writeString(dir.resolve("route.yaml"), yaml);

        Manifests manifests = new ManifestLoader().load(dir);

        assertThat(manifests.errors()).isEmpty();
        Compilation c = IngressCompiler.compile(manifests.snapshot(), CompilerOptions.local());
        // no Services nor Secret beside it: only references fail
        assertThat(c.diagnostics()).allSatisfy(d -> assertThat(d.field()).matches(
                "spec\\.tls\\.secretName|spec\\.rules\\[\\d]\\.backends\\[\\d]\\.name"));
        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname)
                .containsExactly("shop.example.com", "*.shop.example.com");
        assertThat(c.table().virtualHosts().get(0).routes()).hasSize(4);
    }
}
