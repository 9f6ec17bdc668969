package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.annotation.Canary;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteAction.BackendRef;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.StringMatch;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Canary Ingresses ({@code nginx.ingress.kubernetes.io/canary: "true"}) with ingress-nginx's semantics: attached to
 * the main Ingress's route for the same host, pathType and path, never claiming one of their own; header, then
 * cookie, then weight.
 */
class IngressCanaryTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String MAIN = "Ingress/default/production";
    private static final String CANARY = "Ingress/default/canary";

    private static IngressFixture main() {
        return Fixtures.ingress("default", "production").created("2024-02-01T00:00:00Z").host("a.com")
                .prefix("/", "production", 80);
    }

    /** The canary Ingress, older than the main one: age must not matter. */
    private static IngressFixture canary(String... annotations) {
        IngressFixture f = Fixtures.ingress("default", "canary").created("2024-01-01T00:00:00Z").host("a.com")
                .prefix("/", "canary", 80).annotation(NGINX + "canary", "true");
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i].contains("/") ? annotations[i] : NGINX + annotations[i], annotations[i + 1]);
        }
        return f;
    }

    private static Compilation compile(IngressFixture... ingresses) {
        return Snapshots.with(java.util.Arrays.stream(ingresses).map(IngressFixture::build)
                        .toArray(io.fabric8.kubernetes.api.model.networking.v1.Ingress[]::new))
                .service("default", "production", "10.0.0.1").service("default", "canary", "10.0.0.2").compile();
    }

    private static List<Route> routes(Compilation c) {
        return c.table().virtualHosts().get(0).routes();
    }

    private static String service(Compilation c, String... headers) {
        Map<String, String> h = new java.util.HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return TableLookup.service(c.table(), "a.com", "/x", h);
    }

    private static List<BackendRef> backends(Route r) {
        return ((RouteAction.Forward) r.action()).backends();
    }

    @Test
    void headerCookieAndWeightBecomeRoutesInIngressNginxOrder() {
        Compilation c = compile(main(), canary("canary-by-header", "X-Canary", "canary-by-cookie", "canary",
                "canary-weight", "30"));

        assertThat(c.diagnostics()).isEmpty();
        List<Route> routes = routes(c);
        assertThat(routes).extracting(Route::name).containsExactly(
                "default/production:a.com/#canary-by-header", "default/production:a.com/#canary-by-header-never",
                "default/production:a.com/#canary-by-cookie", "default/production:a.com/#canary-by-cookie-never",
                "default/production:a.com/");
        assertThat(routes).extracting(Route::source).containsExactly(CANARY, MAIN, CANARY, MAIN, MAIN);
        assertThat(routes.get(0).match().headers()).containsExactly(new HeaderMatch("x-canary", StringMatch.EXACT,
                "always"));
        assertThat(routes.get(1).match().headers()).containsExactly(new HeaderMatch("x-canary", StringMatch.EXACT,
                "never"));
        assertThat(routes.get(2).match().headers()).containsExactly(new HeaderMatch("cookie",
                StringMatch.REGULAR_EXPRESSION, Canary.cookieRegex("canary", "always")));
        assertThat(backends(routes.get(0))).containsExactly(new BackendRef("default/canary:http", 1));
        assertThat(backends(routes.get(1))).containsExactly(new BackendRef("default/production:http", 1));
        assertThat(backends(routes.get(2))).containsExactly(new BackendRef("default/canary:http", 1));
        assertThat(backends(routes.get(3))).containsExactly(new BackendRef("default/production:http", 1));
        assertThat(backends(routes.get(4))).containsExactly(new BackendRef("default/production:http", 70),
                new BackendRef("default/canary:http", 30));
        assertThat(routes).allSatisfy(r -> assertThat(r.match().path()).isEqualTo(routes.get(4).match().path()));
        assertThat(c.table().clusters()).extracting(cl -> cl.name())
                .containsExactly("default/canary:http", "default/production:http");
    }

    @Test
    void theDecisionFollowsIngressNginxPrecedence() {
        Compilation c = compile(main(), canary("canary-by-header", "X-Canary", "canary-by-cookie", "canary",
                "canary-weight", "100"));

        assertThat(service(c)).isEqualTo("canary");
        assertThat(service(c, "X-Canary", "always", "Cookie", "canary=never")).isEqualTo("canary");
        assertThat(service(c, "X-Canary", "never", "Cookie", "canary=always")).isEqualTo("production");
        assertThat(service(c, "X-Canary", "other", "Cookie", "canary=never")).isEqualTo("production");
        assertThat(service(c, "X-Canary", "other", "Cookie", "canary=always")).isEqualTo("canary");
        assertThat(service(c, "X-Canary", "Always")).as("values are compared as written").isEqualTo("canary");
    }

    @Test
    void aHeaderValueReplacesAlwaysAndNever() {
        Compilation c = compile(main(), canary("canary-by-header", "X-Region", "canary-by-header-value", "eu-west",
                "canary-by-cookie", "canary"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(routes(c)).extracting(Route::name).doesNotContain("default/production:a.com/#canary-by-header-never");
        assertThat(service(c, "X-Region", "eu-west")).isEqualTo("canary");
        assertThat(service(c, "X-Region", "always")).isEqualTo("production");
        assertThat(service(c, "X-Region", "never", "Cookie", "canary=always"))
                .as("never is just another value: the cookie decides").isEqualTo("canary");
    }

    @Test
    void aHeaderPatternIsSearchedInTheValue() {
        Compilation c = compile(main(), canary("canary-by-header", "X-User", "canary-by-header-pattern", "^(alice|bob)$"));
        Compilation unanchored = compile(main(), canary("canary-by-header", "X-User", "canary-by-header-pattern",
                "beta"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(routes(c).get(0).match().headers()).containsExactly(new HeaderMatch("x-user",
                StringMatch.REGULAR_EXPRESSION, ".*(?:^(alice|bob)$).*"));
        assertThat(service(c, "X-User", "alice")).isEqualTo("canary");
        assertThat(service(c, "X-User", "alice2")).isEqualTo("production");
        assertThat(service(unanchored, "X-User", "team-beta-7")).isEqualTo("canary");
        assertThat(service(unanchored, "X-User", "always")).as("a pattern replaces always").isEqualTo("production");
    }

    @Test
    void theWeightTotalRaisesTheDenominator() {
        Compilation c = compile(main(), canary("canary-weight", "30", "canary-weight-total", "1000"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(routes(c)).singleElement().satisfies(r -> assertThat(backends(r)).containsExactly(
                new BackendRef("default/production:http", 970), new BackendRef("default/canary:http", 30)));
    }

    @ParameterizedTest(name = "weight {0} of total {1}: {2}/{3}, warning: {4}")
    @CsvSource(delimiter = '|', value = {
        "5   | 50  | 95 | 5   | is below 100, which ingress-nginx's balancer does not honour",
        "150 |     | 0  | 100 | is more than the total weight 100: every request goes to the canary",
        "-3  |     | -  | -   | is not a whole number from 0 to",
        "abc |     | -  | -   | is not a whole number from 0 to",
        "10  | 0   | 90 | 10  | is not a whole number from 1 to",
    })
    void weightsOutOfRangeAreReportedAndAppliedAsIngressNginxDoes(String weight, String total, String main,
                                                                 String canary, String warning) {
        Compilation c = total == null
                ? compile(main(), canary("canary-weight", weight, "canary-by-header", "X-Canary"))
                : compile(main(), canary("canary-weight", weight, "canary-weight-total", total,
                        "canary-by-header", "X-Canary"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo(CANARY);
            assertThat(d.reason()).contains(warning);
        });
        Route last = routes(c).get(routes(c).size() - 1);
        if (main.equals("-")) {
            assertThat(backends(last)).as("weight 0").containsExactly(new BackendRef("default/production:http", 1));
        } else {
            assertThat(backends(last)).containsExactly(new BackendRef("default/production:http", Integer.parseInt(main)),
                    new BackendRef("default/canary:http", Integer.parseInt(canary)));
        }
    }

    @Test
    void aCanaryWithoutMainIngressClaimsNothingAndIsAnError() {
        Compilation c = compile(canary("canary-by-header", "X-Canary"),
                Fixtures.ingress("default", "other").host("b.com").prefix("/", "production", 80));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.object()).isEqualTo(CANARY);
            assertThat(d.field()).isEqualTo("spec.rules[0].http.paths[0]");
            assertThat(d.reason()).isEqualTo("no Ingress that is not a canary serves host a.com, path / (Prefix): the "
                    + "canary has no route to attach to and gets no requests (ingress-nginx drops such a canary too)");
        });
        assertThat(TableLookup.status(c.table(), "a.com", "/", Map.of("X-Canary", "always"))).isEqualTo(404);
        assertThat(c.table().clusters()).extracting(cl -> cl.name()).containsExactly("default/production:http");
    }

    @Test
    void theMainRouteMustHaveTheSamePathAndPathType() {
        Compilation c = compile(main(), Fixtures.ingress("default", "canary").host("a.com")
                .exact("/", "canary", 80).prefix("/api", "canary", 80)
                .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-weight", "50"));

        assertThat(c.diagnostics()).extracting(Diagnostic::field, Diagnostic::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("spec.rules[0].http.paths[0]", Diagnostic.Severity.ERROR),
                org.assertj.core.groups.Tuple.tuple("spec.rules[0].http.paths[1]", Diagnostic.Severity.ERROR));
        assertThat(c.diagnostics().get(0).reason()).contains("host a.com, path / (Exact)");
        assertThat(routes(c)).singleElement().satisfies(r -> assertThat(backends(r))
                .containsExactly(new BackendRef("default/production:http", 1)));
    }

    @Test
    void aCanaryNeverConflictsWithItsMainIngressWhateverTheirAges() {
        Compilation older = compile(main(), canary("canary-by-header", "X-Canary"));
        Compilation newer = compile(main().created("2023-01-01T00:00:00Z"), canary("canary-by-header", "X-Canary"));

        assertThat(older.diagnostics()).isEmpty();
        assertThat(newer.diagnostics()).isEmpty();
        assertThat(service(older)).isEqualTo("production");
        assertThat(service(newer, "X-Canary", "always")).isEqualTo("canary");
    }

    @Test
    void oneCanaryPerPathTheOldestWins() {
        IngressFixture second = Fixtures.ingress("default", "canary-2").created("2024-03-01T00:00:00Z").host("a.com")
                .prefix("/", "production", 80).annotation(NGINX + "canary", "true")
                .annotation(NGINX + "canary-weight", "100");
        Compilation c = compile(main(), canary("canary-by-header", "X-Canary"), second);

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo("Ingress/default/canary-2");
            assertThat(d.reason()).contains("already has the canary Ingress/default/canary, which is older");
        });
        assertThat(service(c)).isEqualTo("production");
    }

    @Test
    void theCanaryPathsTakeTheMainIngressSettingsAndWarnAboutTheirOwn() {
        Compilation c = compile(main().annotation(NGINX + "proxy-read-timeout", "120")
                        .annotation(NGINX + "rewrite-target", "/v1").annotation(NGINX + "use-regex", "true"),
                canary("canary-by-header", "X-Canary", "proxy-read-timeout", "5", "ssl-redirect", "false",
                        "load-balance", "ewma", "breakwater.dev/health-check-path", "/healthz"));

        assertThat(c.diagnosticsOf(CANARY)).extracting(Diagnostic::field).containsExactlyInAnyOrder(
                "metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']",
                "metadata.annotations['nginx.ingress.kubernetes.io/ssl-redirect']");
        assertThat(c.diagnosticsOf(CANARY)).allSatisfy(d -> assertThat(d.reason())
                .startsWith("has no effect on a canary Ingress: its paths take the main Ingress's settings"));
        Route toCanary = routes(c).get(0);
        Route main = routes(c).get(2);
        assertThat(toCanary.policy()).isEqualTo(main.policy());
        assertThat(toCanary.policy().responseTimeoutMillis()).isEqualTo(120_000L);
        assertThat(toCanary.filters()).isEqualTo(main.filters()).hasOnlyElementsOfType(RouteFilter.URLRewrite.class);
        ClusterPolicy canaryCluster = c.table().cluster(backends(toCanary).get(0).cluster()).policy();
        assertThat(canaryCluster.loadBalancer().type()).as("its own backends' balancing")
                .isEqualTo(ClusterPolicy.LoadBalancer.Type.LEAST_REQUEST);
        assertThat(canaryCluster.healthCheck().path()).isEqualTo("/healthz");
    }

    @Test
    void theCanaryBackendIsSpokenToWithTheMainIngressProtocol() {
        Compilation c = compile(main().annotation(NGINX + "backend-protocol", "GRPC"),
                canary("canary-by-header", "X-Canary"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(backends(routes(c).get(0))).containsExactly(new BackendRef("default/canary:http|h2c", 1));
    }

    @Test
    void aMainRouteThatCannotForwardGetsNoCanary() {
        Compilation c = compile(main().annotation(NGINX + "whitelist-source-range", "nonsense"),
                canary("canary-by-header", "X-Canary"));

        assertThat(c.diagnosticsOf(CANARY)).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.reason()).contains("the main Ingress's route answers 503");
        });
        assertThat(TableLookup.status(c.table(), "a.com", "/", Map.of("X-Canary", "always")))
                .as("the main route fails closed, and so does every request").isEqualTo(503);
    }

    @Test
    void aCanaryWhoseServiceIsMissingIsReportedAndLeavesTheMainRoute() {
        Compilation c = compile(main(), Fixtures.ingress("default", "canary").host("a.com")
                .prefix("/", "missing", 80).annotation(NGINX + "canary", "true")
                .annotation(NGINX + "canary-by-header", "X-Canary"));

        assertThat(c.diagnosticsOf(CANARY)).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("spec.rules[0].http.paths[0].backend.service.name");
        });
        assertThat(routes(c)).singleElement();
        assertThat(service(c, "X-Canary", "always")).isEqualTo("production");
    }

    @Test
    void aCanaryOfTheMainServiceHasNothingToSplit() {
        Compilation c = compile(main(), Fixtures.ingress("default", "canary").host("a.com")
                .prefix("/", "production", 80).annotation(NGINX + "canary", "true")
                .annotation(NGINX + "canary-weight", "50"));

        assertThat(c.diagnosticsOf(CANARY)).singleElement().satisfies(d ->
                assertThat(d.reason()).contains("the canary's backend is the main route's own"));
        assertThat(routes(c)).singleElement().satisfies(r -> assertThat(backends(r)).hasSize(1));
    }

    @Test
    void canarySettingsWithoutCanaryTrueAreReportedAndTheIngressIsAnOrdinaryOne() {
        Compilation c = compile(Fixtures.ingress("default", "canary").host("b.com").prefix("/", "canary", 80)
                .annotation(NGINX + "canary-weight", "20").annotation(NGINX + "canary-by-header", "X-Canary"));

        assertThat(c.diagnostics()).hasSize(2).allSatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.reason()).startsWith("has no effect without canary: \"true\"");
        });
        assertThat(TableLookup.service(c.table(), "b.com", "/")).isEqualTo("canary");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a header name with a space  | canary-by-header=X Canary                                     | is not a header name",
        "a value without header       | canary-by-header-value=v2                                     | has no effect without canary-by-header",
        "a pattern without header     | canary-by-header-pattern=v.*                                  | has no effect without canary-by-header",
        "a value and a pattern        | canary-by-header=X-A,canary-by-header-value=v2,canary-by-header-pattern=v.* | is ignored: canary-by-header-value is set too",
        "a pattern that is no regex   | canary-by-header=X-A,canary-by-header-pattern=(v                | is not a regular expression",
        "a cookie name with a ;       | canary-by-cookie=a;b                                          | is not a cookie name",
        "canary: yes                  | canary=yes                                                    | is not true or false",
        "affinity-canary-behavior     | canary-weight=10,affinity-canary-behavior=legacy              | is not supported",
        "nothing to decide by         | canary-weight=0                                               | the canary gets no request",
    })
    void badOrUnsupportedCanarySettingsAreWarnings(String what, String annotations, String reason) {
        IngressFixture canary = Fixtures.ingress("default", "canary").host("a.com").prefix("/", "canary", 80);
        if (!annotations.startsWith("canary=")) {
            canary.annotation(NGINX + "canary", "true");
        }
        for (String kv : annotations.split(",")) {
            canary.annotation(NGINX + kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Compilation c = compile(main(), canary);

        assertThat(c.diagnosticsOf(CANARY)).filteredOn(d -> d.reason().contains(reason)).singleElement()
                .satisfies(d -> assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING));
    }

    @Test
    void theTlsOfACanaryIsIgnored() {
        Compilation c = compile(main(), canary("canary-by-header", "X-Canary").tls("canary-tls", "a.com"));

        assertThat(c.diagnosticsOf(CANARY)).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("spec.tls");
            assertThat(d.reason()).contains("ignored on a canary Ingress");
        });
        assertThat(c.table().certificates()).isEmpty();
        assertThat(routes(c)).allSatisfy(r -> assertThat(r.policy().redirectsToHttps()).isFalse());
    }

    @Test
    void aCanaryOfTheDefaultBackendServesWhereverTheDefaultBackendDoes() {
        Compilation c = compile(Fixtures.ingress("default", "production").defaultBackend("production", 80),
                Fixtures.ingress("default", "site").host("a.com").prefix("/api", "canary", 80),
                Fixtures.ingress("default", "canary").defaultBackend("canary", 80)
                        .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-weight", "100"));
        Compilation orphan = compile(Fixtures.ingress("default", "canary").defaultBackend("canary", 80)
                .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-weight", "100"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(TableLookup.service(c.table(), "a.com", "/other")).isEqualTo("canary");
        assertThat(TableLookup.service(c.table(), "b.com", "/")).isEqualTo("canary");
        assertThat(TableLookup.route(c.table(), "a.com", "/api")).as("the site's own path")
                .isEqualTo("default/canary:http");
        assertThat(orphan.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("spec.defaultBackend");
        });
        assertThat(TableLookup.status(orphan.table(), "b.com", "/")).isEqualTo(404);
    }

    @Test
    void breakwaterKeysWorkToo() {
        Compilation c = compile(main(), Fixtures.ingress("default", "canary").host("a.com").prefix("/", "canary", 80)
                .annotation("breakwater.dev/canary", "true").annotation("breakwater.dev/canary-by-header", "X-Canary"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(service(c, "X-Canary", "always")).isEqualTo("canary");
    }

    @ParameterizedTest(name = "Cookie: {0} -> always {1}, never {2}")
    @CsvSource(delimiter = '|', value = {
        "canary=always                  | true  | false",
        "canary=never                   | false | true",
        "a=1; canary=always; b=2        | true  | false",
        "a=1;canary=always              | true  | false",
        "Canary = always                | true  | false",
        "canary=never; canary=always    | false | true",
        "canaryx=always                 | false | false",
        "x=canary=always                | false | false",
        "canary=always2                 | false | false",
        "canary=                        | false | false",
        "a=1, canary=always             | true  | false",
    })
    void theCookieIsReadAsNginxReadsCookieVariables(String cookie, boolean always, boolean never) {
        assertThat(Pattern.matches(Canary.cookieRegex("canary", "always"), cookie)).isEqualTo(always);
        assertThat(Pattern.matches(Canary.cookieRegex("canary", "never"), cookie)).isEqualTo(never);
    }

    @Test
    void aCookieValueOfTenThousandPairsIsMatchedQuickly() {
        String many = "a=1; ".repeat(10_000) + "canary=always";
        long start = System.nanoTime();

        assertThat(Pattern.matches(Canary.cookieRegex("canary", "always"), many)).isTrue();
        assertThat(Pattern.matches(Canary.cookieRegex("canary", "always"), many + "x")).isFalse();
        assertThat(System.nanoTime() - start).as("no catastrophic backtracking").isLessThan(2_000_000_000L);
    }
}
