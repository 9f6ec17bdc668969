package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.Route;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code proxy-send-timeout} (ingress-nginx) and {@code breakwater.dev/send-timeout} to the route's send timeout. */
class IngressSendTimeoutTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String OURS = "breakwater.dev/";

    private static Compilation compile(String... annotations) {
        IngressFixture f = Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80);
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return Snapshots.with(f.build()).service("default", "app", "10.0.0.1").compile();
    }

    private static Route route(Compilation c) {
        return TableLookup.find(c.table(), "a.com", "/").orElseThrow();
    }

    @ParameterizedTest(name = "{0}: \"{1}\" -> {2} ms")
    @CsvSource({
        "nginx.ingress.kubernetes.io/proxy-send-timeout, 120, 120000",
        "nginx.ingress.kubernetes.io/proxy-send-timeout, 5s, 5000",
        "breakwater.dev/send-timeout, 500ms, 500",
        "breakwater.dev/send-timeout, 1m30s, 90000",
    })
    void mapsTheTimeout(String key, String value, long millis) {
        Compilation c = compile(key, value);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c).policy().sendTimeoutMillis()).isEqualTo(millis);
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "nginx.ingress.kubernetes.io/proxy-send-timeout | sixty | is not a duration such as 500ms, 30s",
        "nginx.ingress.kubernetes.io/proxy-send-timeout | -5    | is not a duration such as 500ms, 30s",
        "breakwater.dev/send-timeout                    | 0     | must be more than zero",
        "breakwater.dev/send-timeout                    | 10 s  | is not a duration such as 500ms, 30s",
    })
    void aBadValueIsAWarningNamingTheAnnotationAndTheDefaultApplies(String key, String value, String reason) {
        Compilation c = compile(key, value);

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo("Ingress/default/web");
            assertThat(d.field()).isEqualTo("metadata.annotations['" + key + "']");
            assertThat(d.reason()).contains(reason).endsWith("; ignored");
        });
        assertThat(route(c).policy().sendTimeoutMillis()).as("the response timeout applies").isNull();
    }

    @ParameterizedTest(name = "ours wins: {0}")
    @CsvSource({"2s, 2000"})
    void oursWinsWhenBothAreSet(String ours, long millis) {
        Compilation c = compile(OURS + "send-timeout", ours, NGINX + "proxy-send-timeout", "60");

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c).policy().sendTimeoutMillis()).isEqualTo(millis);
        assertThat(route(compile()).policy().sendTimeoutMillis()).as("unset").isNull();
        assertThat(route(compile(NGINX + "proxy-read-timeout", "300")).policy().sendTimeoutMillis())
                .as("the read timeout does not set it").isNull();
    }
}
