package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.VirtualHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** examples/route, as docs/routes.md shows it, reads and compiles without a single complaint, and says what it claims. */
class RouteExampleTest {

    @Test
    void theRouteExampleCompilesCleanly() throws Exception {
        Manifests manifests = new ManifestLoader().load(Path.of("..", "examples", "route"));
        assertThat(manifests.errors()).isEmpty();
        assertThat(manifests.warnings()).isEmpty();

        Compilation c = Compiler.compile(manifests.snapshot(), CompilerOptions.local());

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.routeStatus("default", "shop")).hasValueSatisfying(s -> {
            assertThat(s.accepted().status()).isTrue();
            assertThat(s.resolvedRefs().status()).isTrue();
        });
        assertThat(c.table().certificates()).singleElement().satisfies(crt -> assertThat(crt.hosts())
                .containsExactly("shop.localhost"));
        VirtualHost shop = c.table().virtualHosts().get(0);
        assertThat(shop.hostname()).isEqualTo("shop.localhost");
        assertThat(shop.routes()).extracting(Route::name).containsExactly("default/shop:shop.localhost/admin#admin",
                "default/shop:shop.localhost/api#api", "default/shop:shop.localhost/old#old-links",
                "default/shop:shop.localhost/#canary-opt-in", "default/shop:shop.localhost/#storefront");
        Route storefront = shop.routes().get(4);
        assertThat(storefront.action()).isInstanceOfSatisfying(RouteAction.Forward.class, f -> assertThat(
                f.backends()).extracting(RouteAction.BackendRef::weight).containsExactly(80, 20));
        assertThat(storefront.policy().cache()).isNotNull();
        assertThat(storefront.policy().compression().contentTypes()).hasSize(4);
        assertThat(storefront.policy().redirectsToHttps()).isTrue();
        Route api = shop.routes().get(1);
        assertThat(api.policy().retries().on5xx()).isTrue();
        assertThat(api.policy().hsts().maxAgeSeconds()).isEqualTo(86_400L);
        assertThat(api.filters()).extracting(f -> f.getClass().getSimpleName())
                .containsExactly("RequestHeaderModifier", "ResponseHeaderModifier");
        assertThat(api.policy().cors().allowOrigins()).hasSize(2);
        assertThat(api.policy().rateLimit()).isEqualTo(new dev.breakwater.routing.RateLimit(20, 1000, 40,
                dev.breakwater.routing.RateLimit.Key.SOURCE_IP, null, "Route/default/shop#api"));
        Route oldLinks = shop.routes().get(2);
        assertThat(oldLinks.filters()).singleElement().isEqualTo(new RouteFilter.RequestRedirect(null, null, null,
                PathModifier.prefixMatch("/"), 301));
        assertThat(oldLinks.action()).as("no backend").isInstanceOf(RouteAction.FixedResponse.class);
        assertThat(shop.routes().get(0).policy().sourceAllowlist().cidrs()).containsExactly("127.0.0.1/32", "::1");
    }

    @Test
    void theReadmeRouteReadsAndCompiles(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("..", "docs", "routes.md"));
        int section = readme.indexOf("# Routes");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        java.nio.file.Files.writeString(dir.resolve("route.yaml"), yaml);

        Manifests manifests = new ManifestLoader().load(dir);

        assertThat(manifests.errors()).isEmpty();
        Compilation c = Compiler.compile(manifests.snapshot(), CompilerOptions.local());
        // no Services nor Secret beside it: only references fail
        assertThat(c.diagnostics()).allSatisfy(d -> assertThat(d.field()).matches(
                "spec\\.tls\\.secretName|spec\\.rules\\[\\d]\\.backends\\[\\d]\\.name"));
        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname)
                .containsExactly("shop.example.com", "*.shop.example.com");
        assertThat(c.table().virtualHosts().get(0).routes()).extracting(Route::name).containsExactlyInAnyOrder(
                "default/shop:shop.example.com/orders#orders", "default/shop:shop.example.com/orders/[0-9]+#orders",
                "default/shop:shop.example.com/catalog#catalog-moved",
                "default/shop:shop.example.com/back-office#back-office",
                "default/shop:shop.example.com/#canary-opt-in", "default/shop:shop.example.com/#storefront");
        assertThat(c.table().virtualHosts().get(0).routes()).filteredOn(r -> !r.filters().isEmpty())
                .extracting(r -> r.filters().size()).containsExactlyInAnyOrder(2, 2, 1);
    }
}
