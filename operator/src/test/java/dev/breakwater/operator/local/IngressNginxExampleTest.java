package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * examples/ingress-nginx, ingress-nginx YAML as is, reads and compiles without a complaint with
 * {@code --also-serve-class nginx}, and is ignored without it.
 */
class IngressNginxExampleTest {

    @Test
    void theIngressNginxExampleIsServedWhenClassNginxIsTakenOver() throws Exception {
        Manifests manifests = new ManifestLoader().load(Path.of("..", "examples", "ingress-nginx"));
        assertThat(manifests.errors()).isEmpty();
        assertThat(manifests.warnings()).isEmpty();

        Compilation served = Compiler.compile(manifests.snapshot(),
                CompilerOptions.local().alsoServing(List.of("nginx")));
        Compilation ignored = Compiler.compile(manifests.snapshot(), CompilerOptions.local());

        assertThat(served.diagnostics()).isEmpty();
        List<Route> routes = served.table().virtualHosts().get(0).routes();
        assertThat(routes).extracting(Route::name).containsExactly("default/shop:shop.localhost/#canary-by-header",
                "default/shop:shop.localhost/#canary-by-header-never", "default/shop:shop.localhost/#canary-by-cookie",
                "default/shop:shop.localhost/#canary-by-cookie-never", "default/shop:shop.localhost/");
        assertThat(routes.get(4).action()).isInstanceOfSatisfying(RouteAction.Forward.class, f -> assertThat(
                f.backends()).extracting(RouteAction.BackendRef::weight).containsExactly(90, 10));
        assertThat(routes).allSatisfy(r -> {
            assertThat(r.policy().responseTimeoutMillis()).isEqualTo(120_000L);
            assertThat(r.policy().sendTimeoutMillis()).isEqualTo(30_000L);
            assertThat(r.policy().maxRequestBodyBytes()).isEqualTo(8L << 20);
        });
        assertThat(TableLookup.service(served.table(), "shop.localhost", "/", Map.of("X-Canary", "always")))
                .isEqualTo("storefront-v2");
        assertThat(TableLookup.service(served.table(), "shop.localhost", "/", Map.of("Cookie", "canary=never")))
                .isEqualTo("storefront");
        assertThat(ignored.diagnostics()).isEmpty();
        assertThat(ignored.table().virtualHosts()).isEmpty();
    }
}
