package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.policy.AccessPolicies;
import dev.breakwater.operator.crd.Formats;
import dev.breakwater.operator.crd.RuleSpec;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.SourceAllowlist;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Route rule's filters, source allowlist and CORS, compiled into the table's {@link RouteFilter}s and policies;
 * each bad value named by its field, its rule failing closed (503) and the other rules served.
 */
class RouteFiltersTest {

    private static final String SHOP = "Route/default/shop";
    private static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Route default/shop on a.com with these rules (YAML, as a manifest writes them), and Service web. */
    private static Compilation compile(String rules) {
        dev.breakwater.operator.crd.Route route = Fixtures.route("default", "shop").hostnames("a.com").build();
        try {
            route.getSpec().rules = YAML.readValue(rules, new TypeReference<List<RuleSpec>>() { });
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return Snapshots.with(route).service("default", "web", "10.0.0.1").compile();
    }

    private static Route route(Compilation c, String path) {
        return TableLookup.find(c.table(), "a.com", path).orElseThrow();
    }

    // ---- each filter

    @Test
    void headerModifiersBothWays() {
        Compilation c = compile("""
                - backends: [{name: web, port: 80}]
                  filters:
                  - type: RequestHeaderModifier
                    requestHeaderModifier:
                      set: [{name: X-Tenant, value: shop}]
                      add: [{name: X-Trace, value: "on"}]
                      remove: [Authorization]
                  - type: ResponseHeaderModifier
                    responseHeaderModifier:
                      set: [{name: Cache-Control, value: no-store}]
                      remove: [Server, X-Powered-By]
                """);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c, "/").filters()).containsExactly(
                new RouteFilter.RequestHeaderModifier(List.of(new RouteFilter.Header("x-tenant", "shop")),
                        List.of(new RouteFilter.Header("x-trace", "on")), List.of("authorization")),
                new RouteFilter.ResponseHeaderModifier(List.of(new RouteFilter.Header("cache-control", "no-store")),
                        List.of(), List.of("server", "x-powered-by")));
        assertThat(route(c, "/").action()).isEqualTo(RouteAction.Forward.to("default/web:http"));
    }

    @Test
    void urlRewritesTheFullPathOrTheMatchedPrefixAndTheHost() {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /old}}, {path: {type: PathPrefix, value: /legacy}}]
                  backends: [{name: web, port: 80}]
                  filters:
                  - type: URLRewrite
                    urlRewrite: {hostname: internal.shop, path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}
                - matches: [{path: {type: Exact, value: /home}}]
                  backends: [{name: web, port: 80}]
                  filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /index.html}}}]
                """);

        assertThat(c.diagnostics()).isEmpty();
        RouteFilter prefix = new RouteFilter.URLRewrite("internal.shop", PathModifier.prefixMatch("/new"));
        assertThat(route(c, "/old/x").filters()).containsExactly(prefix);
        assertThat(route(c, "/legacy").filters()).containsExactly(prefix);
        assertThat(route(c, "/home").filters()).containsExactly(
                new RouteFilter.URLRewrite(null, PathModifier.fullPath("/index.html")));
    }

    @Test
    void aRuleThatRedirectsNeedsNoBackend() {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /docs}}]
                  filters:
                  - type: RequestRedirect
                    requestRedirect:
                      scheme: https
                      hostname: docs.example.com
                      port: 8443
                      path: {type: ReplacePrefixMatch, replacePrefixMatch: /manual}
                      statusCode: 301
                - matches: [{path: {type: PathPrefix, value: /moved}}]
                  filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /}}}]
                - backends: [{name: web, port: 80}]
                """);

        assertThat(c.diagnostics()).isEmpty();
        Route docs = route(c, "/docs/intro");
        assertThat(docs.filters()).containsExactly(new RouteFilter.RequestRedirect("https", "docs.example.com", 8443,
                PathModifier.prefixMatch("/manual"), 301));
        assertThat(docs.action()).isEqualTo(RouteProcessor.REDIRECT_ONLY);
        assertThat(route(c, "/moved").filters()).containsExactly(new RouteFilter.RequestRedirect(null, null, null,
                PathModifier.fullPath("/"), null));
        assertThat(((RouteFilter.RequestRedirect) route(c, "/moved").filters().get(0)).statusCode())
                .as("default").isEqualTo(302);
        assertThat(TableLookup.service(c.table(), "a.com", "/other")).isEqualTo("web");
        assertThat(c.routeStatus("default", "shop").orElseThrow().accepted().message()).isEqualTo("served");
    }

    @Test
    void backendsBesideARedirectAreReportedAsUnusedAndNotResolved() {
        Compilation c = compile("""
                - filters: [{type: RequestRedirect, requestRedirect: {hostname: b.com}}]
                  backends: [{name: nowhere, port: 80}]
                """);

        assertThat(c.diagnostics()).containsExactly(Diagnostic.warning(SHOP, "spec.rules[0].backends",
                "not used: the rule redirects (RequestRedirect), so no request reaches a backend"));
        assertThat(route(c, "/").action()).isEqualTo(RouteProcessor.REDIRECT_ONLY);
        assertThat(c.table().clusters()).isEmpty();
    }

    @Test
    void aSourceAllowlistAndCorsGoToTheRoutePolicy() {
        Compilation c = compile("""
                - backends: [{name: web, port: 80}]
                  sourceAllowlist: [10.0.0.0/8, 192.168.1.7, "2001:db8::/32"]
                  cors:
                    allowOrigins: ["https://app.example.com", "https://*.example.org:8443"]
                    allowMethods: [GET, POST]
                    allowHeaders: [Content-Type, X-Custom]
                    exposeHeaders: [X-Total]
                    allowCredentials: true
                    maxAge: 10m
                - matches: [{path: {type: PathPrefix, value: /public}}]
                  backends: [{name: web, port: 80}]
                  cors: {allowOrigins: ["*"]}
                """);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c, "/").policy().sourceAllowlist()).isEqualTo(new SourceAllowlist(List.of("10.0.0.0/8",
                "192.168.1.7", "2001:db8::/32")));
        assertThat(route(c, "/").policy().cors()).isEqualTo(new Cors(List.of("https://app.example.com",
                "https://*.example.org:8443"), List.of("GET", "POST"), List.of("Content-Type", "X-Custom"),
                List.of("X-Total"), true, 600L));
        assertThat(route(c, "/public").policy().cors()).as("ingress-nginx's lists and max-age; credentials only when "
                + "asked").isEqualTo(new Cors(List.of("*"), AccessPolicies.DEFAULT_CORS_METHODS,
                AccessPolicies.DEFAULT_CORS_HEADERS, List.of(), false, AccessPolicies.DEFAULT_CORS_MAX_AGE_SECONDS));
        assertThat(route(c, "/public").policy().sourceAllowlist()).isNull();
        assertThat(route(c, "/public").filters()).isEmpty();
    }

    // ---- bad values: named, the rule fails closed, the other rules serve

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // the filter, as YAML  |  the field named  |  the reason (start)
        "{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: 'bad name', value: x}]}}"
                + " | filters[0].requestHeaderModifier.set[0].name | \"bad name\" is not a header name",
        "{type: RequestHeaderModifier, requestHeaderModifier: {remove: [X-A, Host]}}"
                + " | filters[0].requestHeaderModifier.remove[1] | \"Host\" belongs to the proxy",
        "{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: Transfer-Encoding, value: x}]}}"
                + " | filters[0].responseHeaderModifier.add[0].name | \"Transfer-Encoding\" belongs to the proxy",
        "{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: '1'}, {name: x-a, value: '2'}]}}"
                + " | filters[0].requestHeaderModifier.set[1].name | \"x-a\" is set twice (also at [0])",
        "{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-A, value: \"a\\r\\nX-Evil: 1\"}]}}"
                + " | filters[0].responseHeaderModifier.set[0].value | the value holds control characters",
        "{type: RequestHeaderModifier, requestHeaderModifier: {}}"
                + " | filters[0].requestHeaderModifier | nothing to set, add or remove",
        "{type: URLRewrite}"
                + " | filters[0].urlRewrite | urlRewrite is required for type URLRewrite",
        "{type: URLRewrite, urlRewrite: {hostname: b.com}, requestRedirect: {hostname: c.com}}"
                + " | filters[0].requestRedirect | requestRedirect is only for type RequestRedirect, not URLRewrite",
        "{type: URLRewrite, urlRewrite: {}}"
                + " | filters[0].urlRewrite | nothing to rewrite",
        "{type: URLRewrite, urlRewrite: {hostname: 'Bad_Host:80'}}"
                + " | filters[0].urlRewrite.hostname | \"Bad_Host:80\" is not a lower-case DNS name",
        "{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: '/a b'}}}"
                + " | filters[0].urlRewrite.path.replaceFullPath | \"/a b\" is not a path",
        "{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: 'no-slash'}}}"
                + " | filters[0].urlRewrite.path.replaceFullPath | \"no-slash\" is not a path",
        "{type: URLRewrite, urlRewrite: {path: {replaceFullPath: /x}}}"
                + " | filters[0].urlRewrite.path.type | type is required: ReplaceFullPath or ReplacePrefixMatch",
        "{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replaceFullPath: /x}}}"
                + " | filters[0].urlRewrite.path.replaceFullPath | replaceFullPath is only for type ReplaceFullPath",
        "{type: RequestRedirect, requestRedirect: {statusCode: 304}}"
                + " | filters[0].requestRedirect.statusCode | 304 is not 301, 302, 303, 307 or 308",
        "{type: RequestRedirect, requestRedirect: {port: 0}}"
                + " | filters[0].requestRedirect.port | port 0 is not 1-65535",
        "{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch}}}"
                + " | filters[0].requestRedirect.path.replacePrefixMatch | replacePrefixMatch is required for type "
                + "ReplacePrefixMatch",
        "{requestRedirect: {hostname: b.com}}"
                + " | filters[0].type | type is required",
    })
    void aBadFilterIsNamedAndItsRuleAnswers503(String filter, String field, String reason) {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /bad}}]
                  backends: [{name: web, port: 80}]
                  filters: [%s]
                - backends: [{name: web, port: 80}]
                  filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Ok, value: '1'}]}}]
                """.formatted(filter));

        assertThat(c.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.object()).isEqualTo(SHOP);
            assertThat(d.field()).isEqualTo("spec.rules[0]." + field);
            assertThat(d.reason()).startsWith(reason);
        });
        assertThat(c.diagnostics()).allSatisfy(d -> assertThat(d.field()).startsWith("spec.rules[0].filters[0]"));
        assertThat(route(c, "/bad/x").action()).isEqualTo(RouteProcessor.FAIL_CLOSED);
        assertThat(route(c, "/bad/x").filters()).isEmpty();
        assertThat(TableLookup.status(c.table(), "a.com", "/bad")).isEqualTo(503);
        assertThat(route(c, "/other").filters()).hasSize(1);
        assertThat(TableLookup.service(c.table(), "a.com", "/other")).isEqualTo("web");
        assertThat(c.routeStatus("default", "shop").orElseThrow().accepted().message())
                .startsWith("served in part; left out: spec.rules[0].filters[0]");
    }

    @Test
    void twoFiltersOfOneTypeOrARedirectWithARewriteAreRefused() {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /twice}}]
                  backends: [{name: web, port: 80}]
                  filters:
                  - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: '1'}]}}
                  - {type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-B, value: '1'}]}}
                - matches: [{path: {type: PathPrefix, value: /both}}]
                  filters:
                  - {type: RequestRedirect, requestRedirect: {hostname: b.com}}
                  - {type: URLRewrite, urlRewrite: {hostname: c.com}}
                """);

        assertThat(c.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                SHOP + " spec.rules[0].filters[1].type: a second RequestHeaderModifier (the first is filters[0]); a "
                        + "rule has at most one filter of each type",
                SHOP + " spec.rules[1].filters[1].type: a rule either redirects (filters[0]) or rewrites (filters[1]), "
                        + "not both");
        assertThat(TableLookup.status(c.table(), "a.com", "/twice")).isEqualTo(503);
        assertThat(TableLookup.status(c.table(), "a.com", "/both")).isEqualTo(503);
    }

    @Test
    void replacePrefixMatchFailsTheMatchesThatAreNotPathPrefix() {
        Compilation c = compile("""
                - matches:
                  - {path: {type: Exact, value: /exact}}
                  - {path: {type: PathPrefix, value: /prefix}}
                  - {path: {type: RegularExpression, value: "/re/[0-9]+"}}
                  backends: [{name: web, port: 80}]
                  filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
                """);

        String field = "spec.rules[0].filters[0].urlRewrite.path.replacePrefixMatch";
        assertThat(c.diagnostics()).containsExactly(
                Diagnostic.error(SHOP, field, "ReplacePrefixMatch needs PathPrefix matches, and matches[0] is Exact; "
                        + "that match answers 503"),
                Diagnostic.error(SHOP, field, "ReplacePrefixMatch needs PathPrefix matches, and matches[2] is "
                        + "RegularExpression; that match answers 503"));
        assertThat(TableLookup.status(c.table(), "a.com", "/exact")).isEqualTo(503);
        assertThat(route(c, "/prefix/a").filters()).containsExactly(new RouteFilter.URLRewrite(null,
                PathModifier.prefixMatch("/")));
        assertThat(route(c, "/prefix/a").match().path()).isEqualTo(PathMatch.prefix("/prefix"));
    }

    @Test
    void aRuleWithoutBackendsOrRedirectAnswers503() {
        Compilation c = compile("""
                - filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: '1'}]}}]
                """);

        assertThat(c.diagnostics()).containsExactly(Diagnostic.error(SHOP, "spec.rules[0].backends",
                "at least one backend is required (or a RequestRedirect filter); the rule answers 503"));
        assertThat(TableLookup.status(c.table(), "a.com", "/")).isEqualTo(503);
    }

    @Test
    void anUnusableRedirectWithoutBackendsIsReportedOnce() {
        Compilation c = compile("""
                - filters: [{type: RequestRedirect, requestRedirect: {statusCode: 200}}]
                """);

        assertThat(c.diagnostics()).extracting(Diagnostic::field)
                .containsExactly("spec.rules[0].filters[0].requestRedirect.statusCode");
        assertThat(TableLookup.status(c.table(), "a.com", "/")).isEqualTo(503);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "[10.0.0.0/8, example.com] | sourceAllowlist[1] | \"example.com\" is not an IPv4 or IPv6 address",
        "[10.0.0.0/33]             | sourceAllowlist[0] | \"10.0.0.0/33\" has a bad prefix length",
        "[]                        | sourceAllowlist    | the list names no address range",
        "['  ']                    | sourceAllowlist    | the list names no address range",
    })
    void anUnusableAllowlistFailsClosed(String allowlist, String field, String reason) {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /admin}}]
                  backends: [{name: web, port: 80}]
                  sourceAllowlist: %s
                - backends: [{name: web, port: 80}]
                """.formatted(allowlist));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("spec.rules[0]." + field);
            assertThat(d.reason()).startsWith(reason).endsWith("; the rule answers 503 rather than serve every client");
        });
        assertThat(TableLookup.status(c.table(), "a.com", "/admin")).isEqualTo(503);
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("web");
    }

    @Test
    void badCorsEntriesAreSkippedAndCorsWithoutAUsableOriginIsOff() {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /some}}]
                  backends: [{name: web, port: 80}]
                  cors:
                    allowOrigins: ["ftp://files.example.com", "https://ok.example.com"]
                    allowMethods: [GET, "P UT"]
                    exposeHeaders: ["X Total"]
                    maxAge: 1.5s
                - matches: [{path: {type: PathPrefix, value: /none}}]
                  backends: [{name: web, port: 80}]
                  cors: {allowOrigins: ["example.com"]}
                - backends: [{name: web, port: 80}]
                  cors: {allowOrigins: ["*"], allowCredentials: true}
                """);

        assertThat(c.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                SHOP + " spec.rules[0].cors.allowOrigins[0]: \"ftp://files.example.com\" is not *, http(s)://host[:port] "
                        + "nor http(s)://*.host[:port]; this origin is skipped",
                SHOP + " spec.rules[0].cors.allowMethods[1]: \"P UT\" is not a method name (letters); skipped",
                SHOP + " spec.rules[0].cors.exposeHeaders[0]: \"X Total\" is not a header name (letters, digits, - and "
                        + "_) or *; skipped",
                SHOP + " spec.rules[0].cors.maxAge: \"1.5s\" is not a duration such as 500ms, 30s, 5m or a number of "
                        + "seconds; the default applies",
                SHOP + " spec.rules[1].cors.allowOrigins[0]: \"example.com\" is not *, http(s)://host[:port] nor "
                        + "http(s)://*.host[:port]; this origin is skipped",
                SHOP + " spec.rules[1].cors.allowOrigins: no usable origin; CORS is off",
                SHOP + " spec.rules[2].cors.allowCredentials: browsers refuse credentials with the origin *: name the "
                        + "origins; credentials are not allowed");
        assertThat(route(c, "/some").policy().cors()).isEqualTo(new Cors(List.of("https://ok.example.com"),
                List.of("GET"), AccessPolicies.DEFAULT_CORS_HEADERS, List.of(), false,
                AccessPolicies.DEFAULT_CORS_MAX_AGE_SECONDS));
        assertThat(route(c, "/none").policy().cors()).isNull();
        assertThat(route(c, "/none").action()).as("CORS off is the restrictive side: the rule serves")
                .isEqualTo(RouteAction.Forward.to("default/web:http"));
        assertThat(route(c, "/").policy().cors().allowCredentials()).isFalse();
    }

    @Test
    void theSchemasReservedHeadersAreTheOnesTheTableRefuses() {
        Matcher m = Pattern.compile("'([a-z-]+)'").matcher(Formats.RESERVED_HEADERS_CEL);
        int n = 0;
        while (m.find()) {
            String name = m.group(1);
            assertThat(refused(name)).as(name).isTrue();
            n++;
        }
        assertThat(n).isEqualTo(9);
        assertThat(refused("x-forwarded-for")).isFalse();
    }

    private static boolean refused(String header) {
        try {
            new RouteFilter.Header(header, "v");
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
