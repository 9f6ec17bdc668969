package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.ErrorPages;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SourceAllowlist;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compiler's reading of ingress-nginx's host, error-page and buffering annotations: what each puts in the table,
 * and the warning each names when Breakwater does something else.
 */
class IngressHostAnnotationsTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Compilation compile(IngressFixture... ingresses) {
        Snapshots s = Snapshots.empty().service("default", "app", "10.0.0.1").service("default", "errors", "10.0.0.2");
        for (IngressFixture i : ingresses) {
            s.add(i.build());
        }
        return s.compile();
    }

    private static IngressFixture web(String key, String value) {
        return Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80).annotation(NGINX + key, value);
    }

    private static Route route(RoutingTable table, String host, String path) {
        return TableLookup.find(table, host, path).orElseThrow();
    }

    @Test
    void appRootIsAnExactRedirectOfTheRoot() {
        Compilation c = compile(web("app-root", "/app1"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "a.com", "/").filters()).singleElement()
                .isInstanceOfSatisfying(RouteFilter.RequestRedirect.class, r -> {
                    assertThat(r.statusCode()).isEqualTo(302);
                    assertThat(r.hostname()).isNull();
                    assertThat(r.path().value()).isEqualTo("/app1?");
                });
        assertThat(TableLookup.service(c.table(), "a.com", "/x")).isEqualTo("app");
    }

    @Test
    void anAppRootThatIsNotAPathIsWarned() {
        Compilation c = compile(web("app-root", "https://elsewhere/"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "app-root']");
            assertThat(d.reason()).contains("is not a path starting with /");
        });
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void fromToWwwRedirectsTheOtherNameUnlessARuleNamesIt() {
        Compilation c = compile(web("from-to-www-redirect", "true"),
                Fixtures.ingress("default", "www").host("www.b.com").prefix("/", "app", 80)
                        .annotation(NGINX + "from-to-www-redirect", "true"),
                Fixtures.ingress("default", "c").host("c.com").prefix("/", "app", 80)
                        .annotation(NGINX + "from-to-www-redirect", "true"),
                Fixtures.ingress("default", "www-c").host("www.c.com").prefix("/", "app", 80));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "www.a.com", "/x").filters()).singleElement()
                .isInstanceOfSatisfying(RouteFilter.RequestRedirect.class, r -> {
                    assertThat(r.hostname()).isEqualTo("a.com");
                    assertThat(r.statusCode()).isEqualTo(308);
                    assertThat(r.path()).isNull();
                });
        assertThat(route(c.table(), "b.com", "/").filters()).singleElement()
                .isInstanceOfSatisfying(RouteFilter.RequestRedirect.class, r -> assertThat(r.hostname())
                        .isEqualTo("www.b.com"));
        assertThat(TableLookup.service(c.table(), "www.c.com", "/")).isEqualTo("app");
        assertThat(route(c.table(), "www.c.com", "/").filters()).isEmpty();
    }

    @Test
    void serverAliasServesTheRulesUnderMoreNamesButNeverARuleHost() {
        Compilation c = compile(web("server-alias", "A1.com, b.com, *.wild.com, bad_name"),
                Fixtures.ingress("default", "b").host("b.com").prefix("/", "errors", 80));

        assertThat(TableLookup.service(c.table(), "a1.com", "/x")).isEqualTo("app");
        assertThat(TableLookup.service(c.table(), "b.com", "/x")).isEqualTo("errors");
        assertThat(c.diagnostics()).extracting(Diagnostic::reason).containsExactlyInAnyOrder(
                "\"*.wild.com\": wildcard and regular-expression aliases are not supported; this alias is left out",
                "\"bad_name\" is not a host name; this alias is left out",
                "alias b.com is a host of an Ingress rule, which serves it; this alias is left out (as in "
                        + "ingress-nginx)");
    }

    @Test
    void upstreamVhostRewritesTheHostAloneOrWithTheRewriteTarget() {
        Compilation c = compile(web("upstream-vhost", "inner.svc"),
                Fixtures.ingress("default", "rw").host("b.com").prefix("/api(/|$)(.*)", "app", 80)
                        .annotation(NGINX + "upstream-vhost", "inner.svc")
                        .annotation(NGINX + "rewrite-target", "/$2"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "a.com", "/").filters()).containsExactly(
                new RouteFilter.URLRewrite("inner.svc", null));
        assertThat(route(c.table(), "b.com", "/api/x").filters()).singleElement()
                .isInstanceOfSatisfying(RouteFilter.URLRewrite.class, u -> {
                    assertThat(u.hostname()).isEqualTo("inner.svc");
                    assertThat(u.path()).isNotNull();
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"$host.internal|uses an nginx variable", "inner.svc:8080|is not a host name"})
    void anUpstreamVhostBreakwaterCannotSendIsWarned(String value, String reason) {
        Compilation c = compile(web("upstream-vhost", value));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> assertThat(d.reason()).contains(reason));
        assertThat(route(c.table(), "a.com", "/").filters()).isEmpty();
    }

    @Test
    void denylistSourceRangeCutsTheDeniedRangesOutOfTheAllowlist() {
        Compilation c = compile(web("denylist-source-range", "10.1.0.0/16, 2001:db8::1")
                .annotation(NGINX + "allowlist-source-range", "10.0.0.0/8"));

        assertThat(c.diagnostics()).isEmpty();
        SourceAllowlist allowed = route(c.table(), "a.com", "/").policy().sourceAllowlist();
        assertThat(allowed.ranges()).anyMatch(r -> r.contains(Cidr.parseAddress("10.2.0.1")))
                .noneMatch(r -> r.contains(Cidr.parseAddress("10.1.2.3")))
                .noneMatch(r -> r.contains(Cidr.parseAddress("11.0.0.1")))
                .noneMatch(r -> r.contains(Cidr.parseAddress("2001:db8::2")));
        assertThat(allowed.cidrs()).hasSize(8); // 10.0.0.0/8 less 10.1.0.0/16: one range per bit from /9 to /16
    }

    @Test
    void denylistAloneAllowsEveryOtherAddressOfBothFamilies() {
        Compilation c = compile(web("denylist-source-range", "192.168.1.7"));

        SourceAllowlist allowed = route(c.table(), "a.com", "/").policy().sourceAllowlist();
        assertThat(allowed.ranges()).anyMatch(r -> r.contains(Cidr.parseAddress("192.168.1.8")))
                .anyMatch(r -> r.contains(Cidr.parseAddress("2001:db8::2")))
                .noneMatch(r -> r.contains(Cidr.parseAddress("192.168.1.7")));
        assertThat(allowed.cidrs()).hasSize(33);
    }

    @Test
    void aDenylistThatDoesNotParseFailsClosed() {
        Compilation c = compile(web("denylist-source-range", "10.0.0.0/33"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "denylist-source-range']");
            assertThat(d.reason()).contains("answer 503");
        });
        assertThat(TableLookup.status(c.table(), "a.com", "/")).isEqualTo(503);
    }

    @Test
    void customHttpErrorsWithDefaultBackendPutErrorPagesOnThePaths() {
        Compilation c = compile(web("custom-http-errors", "404, 503").annotation(NGINX + "default-backend", "errors"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "a.com", "/x").policy().errorPages()).isEqualTo(new ErrorPages(List.of(404, 503),
                "default/errors:http", "default", "web", "app", "80"));
        assertThat(c.table().clusters()).extracting(cl -> cl.name()).contains("default/errors:http");
    }

    @Test
    void customHttpErrorsWithoutAnyErrorBackendAreWarned() {
        Compilation c = compile(web("custom-http-errors", "404"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "custom-http-errors']");
            assertThat(d.reason()).isEqualTo("has no effect: there is neither a default-backend annotation nor a "
                    + "cluster default backend (--default-backend-service)");
        });
        assertThat(route(c.table(), "a.com", "/").policy().errorPages()).isNull();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "custom-http-errors|404,abc|is not a comma-separated list of statuses from 400 to 599",
        "default-backend|other/errors|is not the name of a Service",
        "default-backend|missing|Service default/missing does not exist; the Ingress has no error pages"})
    void badErrorPageSettingsAreWarned(String key, String value, String reason) {
        Compilation c = compile(web(key, value));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + key + "']");
            assertThat(d.reason()).contains(reason);
        });
        assertThat(route(c.table(), "a.com", "/").policy().errorPages()).isNull();
    }

    @Test
    void theClusterDefaultBackendOptionServesUnmatchedRequestsAndErrorPages() {
        Compilation c = Snapshots.with(web("custom-http-errors", "404").build())
                .service("default", "app", "10.0.0.1").service("default", "errors", "10.0.0.2")
                .compile(CompilerOptions.local().withDefaultBackendService("default/errors:80"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(TableLookup.service(c.table(), "other.com", "/")).isEqualTo("errors");
        assertThat(route(c.table(), "a.com", "/").policy().errorPages().cluster()).isEqualTo("default/errors:http");
    }

    @Test
    void anIngressDefaultBackendWinsOverTheOption() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "catch").defaultBackend("app", 80).build())
                .service("default", "app", "10.0.0.1").service("default", "errors", "10.0.0.2")
                .compile(CompilerOptions.local().withDefaultBackendService("default/errors:80"));

        assertThat(TableLookup.service(c.table(), "other.com", "/")).isEqualTo("app");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "service-upstream|true|Breakwater always balances over the Service's endpoints",
        "proxy-http-version|1.0|Breakwater speaks HTTP/1.1 to endpoints",
        "proxy-buffering|on|Breakwater does not buffer responses",
        "proxy-buffer-size|16k|the largest response head Breakwater reads is the data plane's header limit",
        "client-body-buffer-size|1m|Breakwater streams request bodies to the endpoint as they arrive"})
    void whatBreakwaterDoesOtherwiseIsAWarningNamingTheDifference(String key, String value, String reason) {
        Compilation c = compile(web(key, value));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + key + "']");
            assertThat(d.reason()).contains(reason);
        });
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {"service-upstream|false", "proxy-http-version|1.1", "proxy-buffering|off",
        "proxy-buffer-size|4k"})
    void whatBreakwaterDoesAnywayIsReadWithoutAWord(String key, String value) {
        assertThat(compile(web(key, value)).diagnostics()).isEmpty();
    }
}
