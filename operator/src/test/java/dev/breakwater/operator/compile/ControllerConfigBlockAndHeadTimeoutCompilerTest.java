package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.SourceAllowlist;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller ConfigMap's {@code block-cidrs} and {@code client-header-timeout} compiled: the blocked ranges cut
 * out of the source allowlist of every Ingress without access rules of its own, the head timeout in the table's
 * settings.
 */
class ControllerConfigBlockAndHeadTimeoutCompilerTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final CompilerOptions OPTIONS = CompilerOptions.local(null)
            .withControllerConfigMap("ingress-nginx/ingress-nginx-controller");

    private static Compilation compile(Map<String, String> data, Ingress... ingresses) {
        return Compiler.compile(Snapshots.with(ingresses).service("default", "app", "10.0.0.1").build()
                .withConfigMaps(List.of(new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx")
                        .withName("ingress-nginx-controller").endMetadata().withData(data).build())), OPTIONS);
    }

    private static Ingress ingress(String name, String host, Map<String, String> annotations) {
        var f = Fixtures.ingress("default", name).host(host).prefix("/", "app", 80);
        annotations.forEach(f::annotation);
        return f.build();
    }

    private static SourceAllowlist allowlist(Compilation c, String host) {
        return TableLookup.find(c.table(), host, "/").orElseThrow().policy().sourceAllowlist();
    }

    @Test
    void blockCidrsAreCutOutOfEveryIngressWithoutAccessRulesOfItsOwn() {
        Compilation c = compile(Map.of("block-cidrs", "192.0.2.0/24"),
                ingress("plain", "a.com", Map.of()),
                ingress("office", "b.com", Map.of(NGINX + "whitelist-source-range", "192.0.2.0/24")),
                ingress("own-deny", "c.com", Map.of(NGINX + "denylist-source-range", "198.51.100.1")));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(allowlist(c, "a.com").ranges()).noneMatch(r -> r.contains(Cidr.parseAddress("192.0.2.9")))
                .anyMatch(r -> r.contains(Cidr.parseAddress("192.0.3.1")));
        assertThat(allowlist(c, "b.com").ranges()).as("its own allowlist replaces block-cidrs, as in nginx")
                .anyMatch(r -> r.contains(Cidr.parseAddress("192.0.2.9")));
        assertThat(allowlist(c, "c.com").ranges()).as("its own denylist replaces block-cidrs, as in nginx")
                .anyMatch(r -> r.contains(Cidr.parseAddress("192.0.2.9")))
                .noneMatch(r -> r.contains(Cidr.parseAddress("198.51.100.1")));
    }

    @Test
    void clientHeaderTimeoutIsInTheTablesSettings() {
        Compilation c = compile(Map.of("client-header-timeout", "15"), ingress("plain", "a.com", Map.of()));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().edgeSettings().requestHeadTimeoutMillis()).isEqualTo(15_000L);

        Compilation none = compile(Map.of("client-header-timeout", "0"), ingress("plain", "a.com", Map.of()));
        assertThat(none.table().edgeSettings().requestHeadTimeoutMillis()).isNull();
        assertThat(none.diagnostics()).singleElement().asString().contains("data['client-header-timeout']")
                .contains("is not a timeout (expected: 1 second or more)");
    }
}
