package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's five surprising behaviours (the Kubernetes blog's "Before you migrate", 2026), matched for the
 * Ingresses of class nginx: one test per behaviour, and the same Ingresses under another class where Breakwater
 * keeps Ingress v1's meaning.
 */
class IngressNginxQuirksTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Compilation compile(IngressFixture... ingresses) {
        Snapshots s = Snapshots.empty().service("default", "one", "10.0.0.1").service("default", "two", "10.0.0.2");
        for (IngressFixture i : ingresses) {
            s.add(i.build());
        }
        return s.compile(CompilerOptions.local().alsoServing(List.of("nginx")));
    }

    private static IngressFixture nginx(String name) {
        return Fixtures.ingress("default", name).className("nginx").host("a.com");
    }

    @Test
    void regexPathsAreCaseInsensitivePrefixMatches() {
        Compilation c = compile(nginx("regex").implementationSpecific("/[A-Z]{3}", "one", 80)
                .annotation(NGINX + "use-regex", "true"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(TableLookup.service(c.table(), "a.com", "/ABC")).isEqualTo("one");
        assertThat(TableLookup.service(c.table(), "a.com", "/abcdef/anything")).isEqualTo("one");
        assertThat(TableLookup.find(c.table(), "a.com", "/ab")).isEmpty();
    }

    @Test
    void useRegexTurnsEveryPathOfTheHostIntoARegexAcrossIngresses() {
        Compilation c = compile(
                nginx("regex").prefix("/api/v[0-9]+", "one", 80).annotation(NGINX + "use-regex", "true"),
                nginx("plain").exact("/exact", "two", 80).prefix("/Foo", "two", 80),
                Fixtures.ingress("default", "other-host").className("nginx").host("b.com").exact("/exact", "two", 80));

        assertThat(c.diagnostics()).isEmpty();
        // Exact /exact on a.com became ~* "^/exact": a case-insensitive prefix
        assertThat(TableLookup.service(c.table(), "a.com", "/EXACTLY/more")).isEqualTo("two");
        assertThat(TableLookup.service(c.table(), "a.com", "/foo.bar")).isEqualTo("two");
        assertThat(TableLookup.service(c.table(), "a.com", "/API/V2/x")).isEqualTo("one");
        assertThat(TableLookup.find(c.table(), "b.com", "/exactly")).as("another host keeps its Exact path").isEmpty();
    }

    @Test
    void useRegexOfOneIngressLeavesTheOthersAloneUnderAnotherClass() {
        Compilation c = Snapshots.empty().service("default", "one", "10.0.0.1").service("default", "two", "10.0.0.2")
                .add(Fixtures.ingress("default", "regex").host("a.com").prefix("/api/v[0-9]+", "one", 80)
                        .annotation(NGINX + "use-regex", "true").build())
                .add(Fixtures.ingress("default", "plain").host("a.com").exact("/exact", "two", 80).build())
                .compile();

        assertThat(TableLookup.find(c.table(), "a.com", "/exactly")).isEmpty();
        assertThat(TableLookup.service(c.table(), "a.com", "/exact")).isEqualTo("two");
    }

    @Test
    void rewriteTargetTurnsRegexOnForTheHost() {
        Compilation c = compile(
                nginx("rewrite").prefix("/app(/|$)(.*)", "one", 80).annotation(NGINX + "rewrite-target", "/$2"),
                nginx("plain").prefix("/Docs", "two", 80));

        assertThat(c.diagnostics()).isEmpty();
        Route app = TableLookup.find(c.table(), "a.com", "/APP/x").orElseThrow();
        assertThat(app.match().path().type()).isEqualTo(PathMatch.Type.REGULAR_EXPRESSION);
        assertThat(app.filters()).singleElement().isInstanceOf(RouteFilter.URLRewrite.class);
        assertThat(TableLookup.service(c.table(), "a.com", "/docsXYZ")).isEqualTo("two");
    }

    @Test
    void aPathWithoutItsTrailingSlashIsRedirectedWhenOnlyTheSlashedOneIsServed() {
        Compilation c = compile(nginx("docs").prefix("/docs/", "one", 80).exact("/exact/", "one", 80)
                .prefix("/both/", "one", 80).exact("/both", "two", 80).prefix("/", "two", 80));

        assertThat(c.diagnostics()).isEmpty();
        Route redirect = TableLookup.find(c.table(), "a.com", "/docs").orElseThrow();
        assertThat(redirect.name()).endsWith("#trailing-slash");
        assertThat(redirect.filters()).singleElement().isInstanceOfSatisfying(RouteFilter.RequestRedirect.class, r -> {
            assertThat(r.statusCode()).isEqualTo(301);
            assertThat(r.path().value()).isEqualTo("/docs/");
            assertThat(r.hostname()).isNull();
        });
        assertThat(TableLookup.find(c.table(), "a.com", "/exact").orElseThrow().name()).endsWith("#trailing-slash");
        assertThat(TableLookup.service(c.table(), "a.com", "/both")).as("an Exact /both is served").isEqualTo("two");
        assertThat(TableLookup.service(c.table(), "a.com", "/docs/x")).isEqualTo("one");
    }

    @Test
    void noTrailingSlashRedirectWherePathsAreRegexesOrUnderAnotherClass() {
        Compilation regex = compile(nginx("docs").prefix("/docs/", "one", 80).prefix("/", "two", 80)
                .annotation(NGINX + "use-regex", "true"));
        Compilation ours = Snapshots.empty().service("default", "one", "10.0.0.1").service("default", "two", "10.0.0.2")
                .add(Fixtures.ingress("default", "docs").host("a.com").prefix("/docs/", "one", 80)
                        .prefix("/", "two", 80).build()).compile();

        assertThat(TableLookup.service(regex.table(), "a.com", "/docs")).as("~* ^/docs/ does not match /docs")
                .isEqualTo("two");
        assertThat(TableLookup.service(ours.table(), "a.com", "/docs")).as("Ingress v1: Prefix /docs/ matches /docs")
                .isEqualTo("one");
    }

    @Test
    void aPrefixPathWithoutSlashServesBothFormsAsIngressNginxsAddedExactLocationDoes() {
        Compilation c = compile(nginx("docs").prefix("/docs", "one", 80).prefix("/", "two", 80));

        assertThat(TableLookup.service(c.table(), "a.com", "/docs")).isEqualTo("one");
        assertThat(TableLookup.service(c.table(), "a.com", "/docs/")).isEqualTo("one");
    }
}
