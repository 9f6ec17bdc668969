package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RoutePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code enable-opentelemetry} and {@code opentelemetry-trust-incoming-span} (ingress-nginx's and ours), and a Route
 * rule's {@code tracing} and {@code trustIncomingSpan}, to the route policy; unset, the data plane's defaults (null),
 * and the table's bytes unchanged.
 */
class TracingSettingsTest {

    private static Compilation ingress(String... annotations) {
        IngressFixture f = Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80);
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return Snapshots.with(f.build()).service("default", "app", "10.0.0.1").compile();
    }

    private static RoutePolicy policy(Compilation c) {
        Route r = TableLookup.find(c.table(), "a.com", "/").orElseThrow();
        return r.policy();
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @CsvSource({
        "nginx.ingress.kubernetes.io/enable-opentelemetry, true",
        "nginx.ingress.kubernetes.io/enable-opentelemetry, false",
        "breakwater.dev/enable-opentelemetry, false",
    })
    void enableOpentelemetryIsTheRoutesTracingSwitch(String key, boolean value) {
        Compilation c = ingress(key, Boolean.toString(value));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(policy(c).tracing()).isEqualTo(value);
        assertThat(policy(c).trustIncomingSpan()).isNull();
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @CsvSource({
        "nginx.ingress.kubernetes.io/opentelemetry-trust-incoming-span, false",
        "nginx.ingress.kubernetes.io/opentelemetry-trust-incoming-span, true",
        "breakwater.dev/opentelemetry-trust-incoming-span, false",
    })
    void trustIncomingSpanIsRead(String key, boolean value) {
        Compilation c = ingress(key, Boolean.toString(value));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(policy(c).trustIncomingSpan()).isEqualTo(value);
        assertThat(policy(c).tracing()).isNull();
    }

    @Test
    void unsetBothAreTheDataPlanesDefaultsAndTheTableIsUnchanged() {
        Compilation unset = ingress();
        Compilation logOnly = ingress("nginx.ingress.kubernetes.io/enable-access-log", "true");

        assertThat(policy(unset).tracing()).isNull();
        assertThat(policy(unset).trustIncomingSpan()).isNull();
        assertThat(unset.table().hash()).isEqualTo(logOnly.table().hash());
    }

    @Test
    void aBadValueIsAWarningNamingTheAnnotation() {
        Compilation c = ingress("nginx.ingress.kubernetes.io/enable-opentelemetry", "maybe");

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo("Ingress/default/web");
            assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/enable-opentelemetry']");
        });
        assertThat(policy(c).tracing()).isNull();
    }

    @Test
    void aRouteRuleSetsBothByItsFields() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80)
                .with(rule -> {
                    rule.tracing = false;
                    rule.trustIncomingSpan = false;
                }).build()).service("default", "web", "10.0.0.2").compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().virtualHosts()).flatExtracting(v -> v.routes()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.policy().tracing()).isFalse();
            assertThat(r.policy().trustIncomingSpan()).isFalse();
        });
    }
}
