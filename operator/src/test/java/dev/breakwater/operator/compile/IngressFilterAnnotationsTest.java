package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.policy.AccessPolicies;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutingTable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rewrite, regex paths, redirect, source allowlist and CORS annotations. */
class IngressFilterAnnotationsTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String OURS = "breakwater.dev/";

    /** default/web on a.com with the given paths (ImplementationSpecific) and annotations. */
    private static IngressFixture web(List<String> paths, String... annotations) {
        IngressFixture f = Fixtures.ingress("default", "web").created("2024-01-01T00:00:00Z").host("a.com");
        for (String p : paths) {
            f.implementationSpecific(p, "app", 80);
        }
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return f;
    }

    private static Compilation compile(IngressFixture... ingresses) {
        Snapshots s = Snapshots.with(java.util.Arrays.stream(ingresses).map(IngressFixture::build)
                .toArray(io.fabric8.kubernetes.api.model.networking.v1.Ingress[]::new));
        return s.service("default", "app", "10.0.0.1").compile();
    }

    private static Route route(RoutingTable t, String path) {
        return TableLookup.find(t, "a.com", path).orElseThrow();
    }

    private static void assertOneWarning(Compilation c, String key, String reason) {
        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo("Ingress/default/web");
            assertThat(d.field()).isEqualTo("metadata.annotations['" + key + "']");
            assertThat(d.reason()).contains(reason);
        });
    }

    // ---- rewrite-target and use-regex

    @Test
    void rewriteTargetWithCaptureGroupsMakesRegexPathsAndARegexRewrite() {
        Compilation c = compile(web(List.of("/something(/|$)(.*)"), NGINX + "rewrite-target", "/$2",
                NGINX + "use-regex", "true"));

        assertThat(c.diagnostics()).isEmpty();
        Route r = route(c.table(), "/SOMETHING/new");
        assertThat(r.match().path()).isEqualTo(new PathMatch(PathMatch.Type.REGULAR_EXPRESSION,
                "(?i)(?:/something(/|$)(.*)).*"));
        assertThat(r.filters()).containsExactly(new RouteFilter.URLRewrite(null,
                PathModifier.regex("(?i)/something(/|$)(.*)", "/$2")));
        assertThat(r.name()).isEqualTo("default/web:a.com/something(/|$)(.*)");
        assertThat(TableLookup.find(c.table(), "a.com", "/something")).isPresent();
        assertThat(TableLookup.find(c.table(), "a.com", "/other")).isEmpty();
    }

    @Test
    void aRewriteTargetAloneMakesTheIngressPathsRegexAsIngressNginxDoes() {
        Compilation c = compile(Fixtures.ingress("default", "web").host("a.com").prefix("/api", "app", 80)
                .exact("/exact", "app", 80).prefix("/", "app", 80).annotation(NGINX + "rewrite-target", "/"));

        assertThat(c.diagnostics()).isEmpty();
        Route api = route(c.table(), "/API/v1");
        assertThat(api.match().path().type()).isEqualTo(PathMatch.Type.REGULAR_EXPRESSION);
        assertThat(api.filters()).containsExactly(new RouteFilter.URLRewrite(null, PathModifier.regex("(?i)/api", "/")));
        assertThat(route(c.table(), "/exact").match().path()).as("Exact stays exact").isEqualTo(PathMatch.exact("/exact"));
        assertThat(route(c.table(), "/exact").filters()).hasSize(1);
        Route root = route(c.table(), "/x");
        assertThat(root.match().path().value()).isEqualTo("(?i)(?:/).*");
        assertThat(root.filters()).as("the path equal to the target is not rewritten").isEmpty();
        assertThat(c.table().virtualHosts().get(0).routes()).extracting(Route::name).containsExactly(
                "default/web:a.com/exact", "default/web:a.com/api", "default/web:a.com/");
    }

    @Test
    void useRegexAloneChangesMatchingOnly() {
        Compilation c = compile(web(List.of("/v[0-9]+/items"), OURS + "use-regex", "true"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/V2/items/7").filters()).isEmpty();
        assertThat(TableLookup.find(c.table(), "a.com", "/vx/items")).isEmpty();
    }

    @Test
    void aTargetEqualToEveryPathChangesNothing() {
        Compilation c = compile(web(List.of("/"), NGINX + "rewrite-target", "/"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/x").match().path()).isEqualTo(PathMatch.prefix("/"));
        assertThat(route(c.table(), "/x").filters()).isEmpty();
    }

    @Test
    void xForwardedPrefixGoesWithTheRewrite() {
        Compilation c = compile(web(List.of("/app(/|$)(.*)"), OURS + "rewrite-target", "/$2",
                NGINX + "x-forwarded-prefix", "/app"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/app/x").filters()).containsExactly(
                new RouteFilter.URLRewrite(null, PathModifier.regex("(?i)/app(/|$)(.*)", "/$2")),
                new RouteFilter.RequestHeaderModifier(List.of(new RouteFilter.Header("x-forwarded-prefix", "/app")),
                        null, null));
    }

    @Test
    void xForwardedPrefixWithoutRewriteHasNoEffect() {
        Compilation c = compile(web(List.of("/app"), NGINX + "x-forwarded-prefix", "/app"));

        assertOneWarning(c, NGINX + "x-forwarded-prefix", "has no effect without rewrite-target");
        assertThat(route(c.table(), "/app").filters()).isEmpty();
    }

    @Test
    void oursWinsOverIngressNginxs() {
        Compilation c = compile(web(List.of("/a(.*)"), NGINX + "rewrite-target", "/nginx$1",
                OURS + "rewrite-target", "/ours$1"));

        assertThat(route(c.table(), "/a1").filters()).containsExactly(
                new RouteFilter.URLRewrite(null, PathModifier.regex("(?i)/a(.*)", "/ours$1")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://other.example.com/ | is a URL",
        "/$host/x | uses an nginx variable",
        "/a$ | uses an nginx variable",
        "/a b | is not a path",
        "relative | is not a path",
    })
    void aBadRewriteTargetIsAWarningAndNothingIsRewritten(String target, String reason) {
        Compilation c = compile(web(List.of("/api"), NGINX + "rewrite-target", target));

        assertOneWarning(c, NGINX + "rewrite-target", reason);
        assertThat(route(c.table(), "/api/x").filters()).isEmpty();
        assertThat(route(c.table(), "/api/x").match().path()).isEqualTo(PathMatch.prefix("/api"));
    }

    @Test
    void aPathThatIsNoRegexIsAnErrorAndOnlyThatPathIsSkipped() {
        Compilation c = compile(web(List.of("/broken(", "/ok/(.*)"), NGINX + "use-regex", "true",
                NGINX + "rewrite-target", "/$1"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("spec.rules[0].http.paths[0].path");
            assertThat(d.reason()).contains("\"/broken(\"").contains("not a regular expression");
        });
        assertThat(route(c.table(), "/ok/x").filters()).hasSize(1);
        assertThat(TableLookup.find(c.table(), "a.com", "/broken(")).isEmpty();
    }

    @Test
    void anExactPathThatIsNoRegexCannotBeRewritten() {
        Compilation c = compile(Fixtures.ingress("default", "web").host("a.com").exact("/a[", "app", 80)
                .prefix("/b", "app", 80).annotation(NGINX + "rewrite-target", "/x"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("spec.rules[0].http.paths[0].path");
            assertThat(d.reason()).contains("cannot be rewritten");
        });
        assertThat(route(c.table(), "/b").filters()).hasSize(1);
    }

    // ---- redirects

    @Test
    void permanentRedirectAnswersWithTheUrlAsWritten() {
        Compilation c = compile(web(List.of("/"), NGINX + "permanent-redirect", "https://www.example.com/new?from=old"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/x").filters()).containsExactly(new RouteFilter.RequestRedirect("https",
                "www.example.com", 443, PathModifier.fullPath("/new?from=old?"), 301));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "permanent-redirect | http://b.com:8080 | permanent-redirect-code | 308 | http | b.com | 8080 | / | 308",
        "permanent-redirect | https://b.com | permanent-redirect-code | | https | b.com | 443 | / | 301",
        "temporal-redirect | https://b.com/t | temporal-redirect-code | 307 | https | b.com | 443 | /t | 307",
        "temporal-redirect | HTTP://B.com/t | temporal-redirect-code | | http | b.com | 80 | /t | 302",
        "permanent-redirect | https://[2001:db8::1]/x | permanent-redirect-code | 303 | https | [2001:db8::1] | 443 | /x | 303",
    })
    void redirectCodesAndUrls(String key, String url, String codeKey, String code, String scheme, String host,
                              int port, String path, int status) {
        IngressFixture f = web(List.of("/"), NGINX + key, url);
        if (code != null) {
            f.annotation(NGINX + codeKey, code);
        }
        Compilation c = compile(f);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/").filters()).containsExactly(new RouteFilter.RequestRedirect(scheme, host, port,
                PathModifier.fullPath(path + "?"), status));
    }

    @Test
    void aTrailingRequestUriKeepsTheRequestsPathAndQuery() {
        Compilation c = compile(web(List.of("/"), OURS + "permanent-redirect", "https://new.example.com$request_uri"));
        Compilation prefixed = compile(web(List.of("/"), NGINX + "temporal-redirect",
                "https://new.example.com/old$request_uri"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/").filters()).containsExactly(
                new RouteFilter.RequestRedirect("https", "new.example.com", 443, null, 301));
        assertThat(route(prefixed.table(), "/").filters()).containsExactly(new RouteFilter.RequestRedirect("https",
                "new.example.com", 443, PathModifier.regex("^(.*)$", "/old$1"), 302));
    }

    @Test
    void temporalRedirectWinsOverPermanentAndOverRewrite() {
        Compilation c = compile(web(List.of("/"), NGINX + "temporal-redirect", "https://t.com/",
                NGINX + "permanent-redirect", "https://p.com/", NGINX + "rewrite-target", "/x"));

        assertThat(c.diagnostics()).extracting(Diagnostic::field).containsExactlyInAnyOrder(
                "metadata.annotations['" + NGINX + "permanent-redirect']",
                "metadata.annotations['" + NGINX + "rewrite-target']");
        assertThat(route(c.table(), "/").filters()).singleElement()
                .satisfies(f -> assertThat(((RouteFilter.RequestRedirect) f).hostname()).isEqualTo("t.com"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "permanent-redirect | ftp://files.example.com/ | is not an http:// or https:// URL",
        "permanent-redirect | /relative/path | is not an http:// or https:// URL",
        "permanent-redirect | https://a.com/$uri | uses an nginx variable",
        "temporal-redirect | https://a b.com/ | is not a URL",
        "temporal-redirect | https://a.com/#top | has a fragment",
        "permanent-redirect | https://a.com/?x=1$request_uri | has a query before $request_uri",
    })
    void aBadRedirectUrlIsAWarningAndTheRouteForwards(String key, String url, String reason) {
        Compilation c = compile(web(List.of("/"), NGINX + key, url));

        assertOneWarning(c, NGINX + key, reason);
        assertThat(route(c.table(), "/").filters()).isEmpty();
        assertThat(route(c.table(), "/").action()).isInstanceOf(RouteAction.Forward.class);
    }

    @ParameterizedTest
    @CsvSource({"304", "399", "abc", "3o1"})
    void aBadRedirectCodeIsAWarningAndTheDefaultApplies(String code) {
        Compilation c = compile(web(List.of("/"), NGINX + "permanent-redirect", "https://b.com/",
                NGINX + "permanent-redirect-code", code));

        assertOneWarning(c, NGINX + "permanent-redirect-code", "is not one of 301, 302, 303, 307, 308; using 301");
        assertThat(((RouteFilter.RequestRedirect) route(c.table(), "/").filters().get(0)).statusCode()).isEqualTo(301);
    }

    @Test
    void theIngressesOwnDefaultBackendRedirectsToo() {
        Compilation c = compile(web(List.of("/api"), NGINX + "permanent-redirect", "https://b.com/")
                .defaultBackend("app", 80));

        assertThat(route(c.table(), "/elsewhere").name()).endsWith("#default-backend");
        assertThat(route(c.table(), "/elsewhere").filters()).hasSize(1);
    }

    // ---- source allowlist

    @Test
    void sourceRangesOfBothFamilies() {
        Compilation c = compile(web(List.of("/"), NGINX + "whitelist-source-range", "10.0.0.0/8, 192.168.1.7,2001:db8::/32"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/").policy().sourceAllowlist().cidrs())
                .containsExactly("10.0.0.0/8", "192.168.1.7", "2001:db8::/32");
    }

    @Test
    void allowlistSourceRangeWinsOverItsOldNameAndOursOverBoth() {
        Compilation nginx = compile(web(List.of("/"), NGINX + "whitelist-source-range", "10.0.0.0/8",
                NGINX + "allowlist-source-range", "172.16.0.0/12"));
        Compilation ours = compile(web(List.of("/"), NGINX + "allowlist-source-range", "172.16.0.0/12",
                OURS + "allowlist-source-range", "fd00::/8"));

        assertThat(route(nginx.table(), "/").policy().sourceAllowlist().cidrs()).containsExactly("172.16.0.0/12");
        assertThat(route(ours.table(), "/").policy().sourceAllowlist().cidrs()).containsExactly("fd00::/8");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/33 | bad prefix length",
        "10.0.0.0/8, example.com | is not an IPv4 or IPv6 address",
        "' , ' | names no address range",
    })
    void anUnreadableAllowlistIsAnErrorAndTheIngressFailsClosed(String ranges, String reason) {
        Compilation c = compile(web(List.of("/", "/x"), NGINX + "whitelist-source-range", ranges,
                NGINX + "permanent-redirect", "https://b.com/"),
                Fixtures.ingress("default", "other").host("b.com").prefix("/", "app", 80));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "whitelist-source-range']");
            assertThat(d.reason()).contains(reason).contains("answer 503");
        });
        assertThat(TableLookup.status(c.table(), "a.com", "/")).isEqualTo(503);
        assertThat(TableLookup.status(c.table(), "a.com", "/x/y")).isEqualTo(503);
        assertThat(route(c.table(), "/").filters()).isEmpty();
        assertThat(TableLookup.service(c.table(), "b.com", "/")).isEqualTo("app");
    }

    // ---- CORS

    @Test
    void enableCorsAloneTakesIngressNginxsDefaults() {
        Compilation c = compile(web(List.of("/"), NGINX + "enable-cors", "true"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/").policy().cors()).isEqualTo(new Cors(List.of("*"),
                List.of("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"),
                List.of("DNT", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control",
                        "Content-Type", "Range", "Authorization"),
                List.of(), true, AccessPolicies.DEFAULT_CORS_MAX_AGE_SECONDS));
    }

    @Test
    void everyCorsSetting() {
        Compilation c = compile(web(List.of("/"), OURS + "enable-cors", "true",
                NGINX + "cors-allow-origin", "https://app.example.com, https://*.example.org:8443",
                NGINX + "cors-allow-methods", "GET,POST",
                NGINX + "cors-allow-headers", "X-Custom, Content-Type",
                NGINX + "cors-expose-headers", "*, X-Total",
                NGINX + "cors-allow-credentials", "false",
                NGINX + "cors-max-age", "600"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "/").policy().cors()).isEqualTo(new Cors(
                List.of("https://app.example.com", "https://*.example.org:8443"), List.of("GET", "POST"),
                List.of("X-Custom", "Content-Type"), List.of("*", "X-Total"), false, 600L));
    }

    @Test
    void aStarAmongOriginsAllowsEveryOrigin() {
        Compilation c = compile(web(List.of("/"), NGINX + "enable-cors", "true",
                NGINX + "cors-allow-origin", "https://a.com, *"));

        assertThat(route(c.table(), "/").policy().cors().allowOrigins()).containsExactly("*");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cors-allow-methods | GET;POST | is not a comma-separated list of methods",
        "cors-allow-headers | X-A, X B | is not a comma-separated list of header names",
        "cors-expose-headers | X-A, X$ | is not a comma-separated list of header names",
        "cors-allow-credentials | yes | is not true or false",
        "cors-max-age | -1 | is not a whole number of seconds",
        "cors-allow-origin | https://ok.com, ftp://bad.com | \"ftp://bad.com\" is not *",
    })
    void aBadCorsValueIsAWarningAndItsDefaultApplies(String key, String value, String reason) {
        Compilation c = compile(web(List.of("/"), NGINX + "enable-cors", "true", NGINX + key, value));

        assertOneWarning(c, NGINX + key, reason);
        Cors cors = route(c.table(), "/").policy().cors();
        assertThat(cors).isNotNull();
        if (key.equals("cors-allow-origin")) {
            assertThat(cors.allowOrigins()).containsExactly("https://ok.com");
        }
        if (key.equals("cors-allow-methods")) {
            assertThat(cors.allowMethods()).hasSize(6);
        }
        if (key.equals("cors-max-age")) {
            assertThat(cors.maxAgeSeconds()).isEqualTo(AccessPolicies.DEFAULT_CORS_MAX_AGE_SECONDS);
        }
    }

    @Test
    void noUsableOriginTurnsCorsOff() {
        Compilation c = compile(web(List.of("/"), NGINX + "enable-cors", "true", NGINX + "cors-allow-origin",
                "example.com"));

        assertThat(c.diagnostics()).extracting(Diagnostic::reason).anySatisfy(r -> assertThat(r).contains("CORS is off"));
        assertThat(route(c.table(), "/").policy().cors()).isNull();
    }

    @Test
    void corsSettingsWithoutEnableCorsAreReported() {
        Compilation c = compile(web(List.of("/"), NGINX + "cors-allow-origin", "https://a.com"));

        assertOneWarning(c, NGINX + "cors-allow-origin", "has no effect unless");
        assertThat(route(c.table(), "/").policy().cors()).isNull();
    }

    @Test
    void annotationsOfOneIngressNeverReachAnothersRoutes() {
        Compilation c = compile(web(List.of("/a(.*)"), NGINX + "rewrite-target", "/$1", NGINX + "enable-cors", "true",
                        NGINX + "whitelist-source-range", "10.0.0.0/8"),
                Fixtures.ingress("default", "plain").created("2024-02-01T00:00:00Z").host("a.com")
                        .prefix("/b", "app", 80));

        Route plain = route(c.table(), "/b");
        assertThat(plain.filters()).isEmpty();
        assertThat(plain.match().path()).isEqualTo(PathMatch.prefix("/b"));
        assertThat(plain.policy().cors()).isNull();
        assertThat(plain.policy().sourceAllowlist()).isNull();
    }
}
