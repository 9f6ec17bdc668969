package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.annotation.AnnotationTable;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ingress-nginx annotations as a whole: snippets refused, annotations Breakwater does not apply reported (never
 * silently ignored), and authentication it cannot enforce (an unknown auth-type) failing closed.
 */
class IngressNginxAnnotationsTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Compilation compile(IngressFixture ingress) {
        return Snapshots.with(ingress.build()).service("default", "app", "10.0.0.1").compile();
    }

    private static IngressFixture web(String key, String value) {
        return Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80).annotation(key, value);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"configuration-snippet", "server-snippet", "auth-snippet", "modsecurity-snippet",
        "stream-snippet"})
    void everySnippetIsRefusedWithAWarningNamingIt(String snippet) {
        Compilation c = compile(web(NGINX + snippet, "more_set_headers \"X: y\";"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + snippet + "']");
            assertThat(d.reason()).startsWith("snippets are not supported").endsWith("this annotation is ignored");
            assertThat(d.toString()).contains(NGINX + snippet);
        });
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy-cookie-path", "satisfy", "session-cookie-change-on-failure",
        "preserve-trailing-slash"})
    void anAnnotationBreakwaterDoesNotApplyIsReported(String key) {
        Compilation c = compile(web(NGINX + key, "10"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + key + "']");
            assertThat(d.reason()).isEqualTo("this ingress-nginx annotation is not supported by Breakwater and is "
                    + "ignored (see docs/ingress-nginx-annotations.md)");
        });
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void noAnnotationBreakwaterReadsIsReportedAsUnsupported() {
        for (String key : AnnotationTable.NGINX_KEYS) {
            Compilation c = compile(web(NGINX + key, "x"));

            assertThat(c.diagnostics()).as(key)
                    .noneMatch(d -> d.reason().startsWith("this ingress-nginx annotation is not supported"));
        }
    }

    @Test
    void anAuthTypeBreakwaterDoesNotKnowFailsClosed() {
        Compilation c = compile(web(NGINX + "auth-type", "ntlm")
                .annotation(NGINX + "auth-secret", "basic-auth").host("b.com").prefix("/", "app", 80));

        assertThat(c.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).singleElement()
                .satisfies(d -> {
                    assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "auth-type']");
                    assertThat(d.reason()).startsWith("\"ntlm\" is not basic or digest").contains("answer 503");
                });
        assertThat(TableLookup.status(c.table(), "a.com", "/")).isEqualTo(503);
        assertThat(TableLookup.status(c.table(), "b.com", "/x")).isEqualTo(503);
    }

    @Test
    void authenticationOnACanaryIsTheMainIngressBusiness() {
        Compilation c = Snapshots.with(
                        Fixtures.ingress("default", "main").host("a.com").prefix("/", "app", 80).build(),
                        Fixtures.ingress("default", "canary").host("a.com").prefix("/", "canary", 80)
                                .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-weight", "10")
                                .annotation(NGINX + "auth-url", "http://auth.example/check").build())
                .service("default", "app", "10.0.0.1").service("default", "canary", "10.0.0.2").compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.reason()).startsWith("has no effect on a canary Ingress");
        });
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }
}
