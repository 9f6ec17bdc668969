package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code enable-access-log} (ingress-nginx's and ours) and a Route rule's {@code accessLog} to the route policy's
 * access-log switch; on unless set to false, and the table's bytes unchanged when left at the default.
 */
class AccessLogSettingsTest {

    private static Compilation ingress(String... annotations) {
        IngressFixture f = Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80);
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return Snapshots.with(f.build()).service("default", "app", "10.0.0.1").compile();
    }

    private static Route route(Compilation c) {
        return TableLookup.find(c.table(), "a.com", "/").orElseThrow();
    }

    @ParameterizedTest(name = "{0}: \"{1}\" -> {2}")
    @CsvSource({
        "nginx.ingress.kubernetes.io/enable-access-log, false, false",
        "nginx.ingress.kubernetes.io/enable-access-log, true, true",
        "breakwater.dev/enable-access-log, false, false",
    })
    void theAnnotationTurnsTheRoutesLogOff(String key, String value, boolean logs) {
        Compilation c = ingress(key, value);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c).policy().writesAccessLog()).isEqualTo(logs);
        assertThat(route(c).policy().accessLog()).isEqualTo(logs ? null : Boolean.FALSE);
    }

    @Test
    void unsetItLogsAndTheTableIsTheSameAsWithTrue() {
        Compilation unset = ingress();
        Compilation on = ingress("nginx.ingress.kubernetes.io/enable-access-log", "true");

        assertThat(route(unset).policy().writesAccessLog()).isTrue();
        assertThat(on.table().hash()).isEqualTo(unset.table().hash());
    }

    @Test
    void aBadValueIsAWarningNamingTheAnnotationAndTheLogStaysOn() {
        Compilation c = ingress("nginx.ingress.kubernetes.io/enable-access-log", "nope");

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo("Ingress/default/web");
            assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/enable-access-log']");
        });
        assertThat(route(c).policy().writesAccessLog()).isTrue();
    }

    @Test
    void aRouteRuleTurnsItOffByItsField() {
        Compilation off = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80)
                .with(rule -> rule.accessLog = false).build()).service("default", "web", "10.0.0.2").compile();
        Compilation on = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80)
                .with(rule -> rule.accessLog = true).build()).service("default", "web", "10.0.0.2").compile();

        assertThat(off.diagnostics()).isEmpty();
        assertThat(off.table().virtualHosts()).flatExtracting(v -> v.routes())
                .allSatisfy(r -> assertThat(r.policy().writesAccessLog()).isFalse()).isNotEmpty();
        assertThat(on.table().virtualHosts()).flatExtracting(v -> v.routes())
                .allSatisfy(r -> assertThat(r.policy().accessLog()).isNull()).isNotEmpty();
    }
}
