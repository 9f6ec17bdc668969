package dev.breakwater.operator.compile;

import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.CLASS;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.gateway;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.QueryParamMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.StringMatch;
import dev.breakwater.routing.VirtualHost;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTPRoutes: parents, hostnames, matches and their precedence, filters, backendRefs and their status. */
class HttpRouteCompilerTest {

    private static final String LISTENERS = """
            - {name: http, protocol: HTTP, port: 80, hostname: "*.example.com"}
            - {name: other, protocol: HTTP, port: 80, hostname: other.test}
            """;

    private static Snapshots with(String... routes) {
        return Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", LISTENERS) + String.join("", routes))
                .service("infra", "web", "10.0.0.1").service("infra", "api", "10.0.0.2");
    }

    private static List<Route> routes(Compilation c, String host) {
        return c.table().virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow()
                .routes();
    }

    private static GatewayApiStatus.ParentReport parent(Compilation c, String name) {
        return c.gatewayApi().httpRoute("infra", name).parents().get(0);
    }

    private static final String WEB = "backendRefs: [{name: web, port: 80}]";

    @Test
    void hostnamesAreIntersectedWithEachListenersHostname() {
        Compilation c = with(route("infra", "shop", """
                parentRefs: [{name: edge}]
                hostnames: [shop.example.com, "*.example.com", "*.other.test", other.test, nope.example.org]
                rules: [{%s}]
                """.formatted(WEB))).compile();

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname)
                .containsExactly("other.test", "shop.example.com", "*.example.com");
        GatewayApiStatus.HttpRouteReport report = c.gatewayApi().httpRoute("infra", "shop");
        assertThat(report.generation()).isEqualTo(2L);
        assertThat(report.parents()).singleElement().satisfies(p -> {
            assertThat(p.ref().name()).isEqualTo("edge");
            assertThat(p.ref().namespace()).isNull();
            assertThat(p.accepted()).extracting(RouteStatusReport.Condition::status,
                    RouteStatusReport.Condition::reason).containsExactly(true, "Accepted");
            assertThat(p.resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                    RouteStatusReport.Condition::reason).containsExactly(true, "ResolvedRefs");
        });
    }

    @Test
    void timeoutsAreTheResponseTimeoutTheShorterOfRequestAndBackendRequestAndZeroLeavesTheDefault() {
        Compilation c = with(route("infra", "slow", """
                parentRefs: [{name: edge}]
                hostnames: [slow.example.com]
                rules:
                  - matches: [{path: {type: PathPrefix, value: /request}}]
                    timeouts: {request: 1m30s}
                    %s
                  - matches: [{path: {type: PathPrefix, value: /both}}]
                    timeouts: {request: 2s, backendRequest: 500ms}
                    %s
                  - matches: [{path: {type: PathPrefix, value: /off}}]
                    timeouts: {request: 0s}
                    %s
                  - matches: [{path: {type: PathPrefix, value: /bad}}]
                    timeouts: {request: soon}
                    %s
                """.formatted(WEB, WEB, WEB, WEB))).compile();

        assertThat(routes(c, "slow.example.com")).extracting(r -> r.match().path().value(),
                        r -> r.policy().responseTimeoutMillis())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("/request", 90_000L),
                        org.assertj.core.groups.Tuple.tuple("/both", 500L),
                        org.assertj.core.groups.Tuple.tuple("/bad", null),
                        org.assertj.core.groups.Tuple.tuple("/off", null));
        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.field())
                .isEqualTo("spec.rules[3].timeouts.request"));
    }

    @Test
    void aServicePortWithAppProtocolH2cIsSpokenToInH2cAndAnyOtherInHttp1() {
        io.fabric8.kubernetes.api.model.Service h2c = Fixtures.service("infra", "h2").port("http", 80, 8080)
                .port("ws", 81, 8081).build();
        h2c.getSpec().getPorts().get(0).setAppProtocol("kubernetes.io/h2c");
        h2c.getSpec().getPorts().get(1).setAppProtocol("kubernetes.io/ws");
        Compilation c = with(route("infra", "both", """
                parentRefs: [{name: edge}]
                hostnames: [h2.example.com]
                rules:
                  - matches: [{path: {type: PathPrefix, value: /h2c}}]
                    backendRefs: [{name: h2, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /ws}}]
                    backendRefs: [{name: h2, port: 81}]
                  - %s
                """.formatted(WEB))).add(h2c).compile();

        assertThat(routes(c, "h2.example.com")).extracting(r -> r.match().path().value(), r -> c.table()
                        .cluster(((RouteAction.Forward) r.action()).backends().get(0).cluster()).protocol())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("/h2c", Cluster.Protocol.H2C),
                        org.assertj.core.groups.Tuple.tuple("/ws", Cluster.Protocol.HTTP1),
                        org.assertj.core.groups.Tuple.tuple("/", Cluster.Protocol.HTTP1));
        assertThat(parent(c, "both").resolvedRefs().status()).isTrue();
    }

    @Test
    void aRouteWhoseHostnamesNoListenerTakesIsNoMatchingListenerHostname() {
        Compilation c = with(route("infra", "shop", """
                parentRefs: [{name: edge}]
                hostnames: [shop.example.org]
                rules: [{%s}]
                """.formatted(WEB))).compile();

        assertThat(parent(c, "shop").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "NoMatchingListenerHostname");
        assertThat(c.table().virtualHosts()).isEmpty();
        // not accepted, so not counted (Gateway API v1.6: attachedRoutes counts accepted routes only)
        assertThat(c.gatewayApi().gateway("infra", "edge").listener("http").attachedRoutes()).isZero();
    }

    @Test
    void anInvalidHostnameIsLeftOutAndARouteWithNoValidOneIsNotServed() {
        Compilation c = with(route("infra", "some", """
                parentRefs: [{name: edge, sectionName: other}]
                hostnames: [Bad_Host, other.test]
                rules: [{%s}]
                """.formatted(WEB)), route("infra", "none", """
                parentRefs: [{name: edge, sectionName: http}]
                hostnames: ["bad..example.com"]
                rules: [{%s}]
                """.formatted(WEB))).compile();

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).containsExactly("other.test");
        assertThat(c.diagnosticsOf("HTTPRoute/infra/some")).singleElement().satisfies(d ->
                assertThat(d.field()).isEqualTo("spec.hostnames[0]"));
        assertThat(parent(c, "some").accepted().status()).isTrue();
        assertThat(parent(c, "none").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "UnsupportedValue");
    }

    @Test
    void sectionNameAndPortSelectListeners() {
        Compilation c = with(route("infra", "one", """
                parentRefs: [{name: edge, sectionName: other}]
                rules: [{%s}]
                """.formatted(WEB)), route("infra", "none", """
                parentRefs: [{name: edge, sectionName: missing}]
                rules: [{%s}]
                """.formatted(WEB)), route("infra", "port", """
                parentRefs: [{name: edge, port: 8080}]
                rules: [{%s}]
                """.formatted(WEB)), route("infra", "elsewhere", """
                parentRefs: [{name: not-ours}]
                rules: [{%s}]
                """.formatted(WEB))).compile();

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).containsExactly("other.test");
        assertThat(parent(c, "none").accepted().reason()).isEqualTo("NoMatchingParent");
        assertThat(parent(c, "port").accepted().reason()).isEqualTo("NoMatchingParent");
        assertThat(c.gatewayApi().httpRoute("infra", "elsewhere")).isNull();
        assertThat(c.gatewayApi().gateway("infra", "edge").listener("other").attachedRoutes()).isEqualTo(1);
        assertThat(c.gatewayApi().gateway("infra", "edge").listener("http").attachedRoutes()).isZero();
    }

    @Test
    void matchesBecomeRouteMatchesInTheSpecsPrecedence() {
        Compilation c = with(route("infra", "shop", """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - matches:
                  - path: {type: PathPrefix, value: /api}
                  - path: {type: PathPrefix, value: /api/v2}
                  - path: {type: Exact, value: /api}
                  - path: {type: RegularExpression, value: "/item/[0-9]+"}
                  - path: {type: PathPrefix, value: /api}
                    method: POST
                  - path: {type: PathPrefix, value: /api}
                    headers: [{name: x-canary, value: "yes"}, {name: x-tier, type: RegularExpression, value: "gold|silver"}]
                  - path: {type: PathPrefix, value: /api}
                    queryParams: [{name: debug, value: "1"}]
                  %s
                """.formatted(WEB))).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(routes(c, "other.test")).extracting(Route::match).containsExactly(
                new RouteMatch(PathMatch.exact("/api"), List.of(), List.of(), null),
                new RouteMatch(new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "/item/[0-9]+"), List.of(), List.of(),
                        null),
                RouteMatch.path(PathMatch.prefix("/api/v2")),
                new RouteMatch(PathMatch.prefix("/api"), List.of(), List.of(), "POST"),
                new RouteMatch(PathMatch.prefix("/api"), List.of(new HeaderMatch("x-canary", StringMatch.EXACT, "yes"),
                        new HeaderMatch("x-tier", StringMatch.REGULAR_EXPRESSION, "gold|silver")), List.of(), null),
                new RouteMatch(PathMatch.prefix("/api"), List.of(),
                        List.of(new QueryParamMatch("debug", StringMatch.EXACT, "1")), null),
                RouteMatch.path(PathMatch.prefix("/api")));
    }

    @Test
    void anEqualMatchGoesToTheOlderRoute() {
        Compilation c = with(route("infra", "young", """
                parentRefs: [{name: edge, sectionName: other}]
                rules: [{backendRefs: [{name: api, port: 80}]}]
                """).replace("generation: 2}", "generation: 2, creationTimestamp: \"2026-02-01T00:00:00Z\"}"),
                route("infra", "old", """
                parentRefs: [{name: edge, sectionName: other}]
                rules: [{%s}]
                """.formatted(WEB)).replace("generation: 2}",
                        "generation: 2, creationTimestamp: \"2026-01-01T00:00:00Z\"}")).compile();

        assertThat(routes(c, "other.test")).extracting(Route::source).containsExactly("HTTPRoute/infra/old");
        assertThat(c.diagnosticsOf("HTTPRoute/infra/young")).singleElement().satisfies(d ->
                assertThat(d.reason()).contains("conflicts with HTTPRoute/infra/old, which is older"));
    }

    @Test
    void filtersBecomeTheTablesRouteFilters() {
        Compilation c = with(route("infra", "shop", """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - matches: [{path: {type: PathPrefix, value: /old}}]
                  filters:
                  - type: RequestRedirect
                    requestRedirect: {scheme: https, hostname: new.example.com, statusCode: 301,
                                      path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}
                - matches: [{path: {type: PathPrefix, value: /app}}]
                  filters:
                  - type: RequestHeaderModifier
                    requestHeaderModifier: {set: [{name: x-env, value: prod}], add: [{name: x-via, value: gw}],
                                            remove: [x-debug]}
                  - type: ResponseHeaderModifier
                    responseHeaderModifier: {set: [{name: cache-control, value: no-store}]}
                  - type: URLRewrite
                    urlRewrite: {hostname: app.internal, path: {type: ReplaceFullPath, replaceFullPath: /index}}
                  %s
                """.formatted(WEB))).compile();

        assertThat(c.diagnostics()).isEmpty();
        List<Route> rs = routes(c, "other.test");
        Route redirect = rs.stream().filter(r -> r.match().path().value().equals("/old")).findFirst().orElseThrow();
        assertThat(redirect.filters()).containsExactly(new RouteFilter.RequestRedirect("https", "new.example.com",
                null, PathModifier.prefixMatch("/new"), 301));
        Route app = rs.stream().filter(r -> r.match().path().value().equals("/app")).findFirst().orElseThrow();
        assertThat(app.filters()).containsExactly(
                new RouteFilter.RequestHeaderModifier(List.of(new RouteFilter.Header("x-env", "prod")),
                        List.of(new RouteFilter.Header("x-via", "gw")), List.of("x-debug")),
                new RouteFilter.ResponseHeaderModifier(List.of(new RouteFilter.Header("cache-control", "no-store")),
                        List.of(), List.of()),
                new RouteFilter.URLRewrite("app.internal", PathModifier.fullPath("/index")));
        assertThat(app.action()).isEqualTo(RouteAction.Forward.to("infra/web:http"));
    }

    @Test
    void anUnsupportedFilterAnswers500AndRedirectWithRewriteIsIncompatibleFilters() {
        Compilation c = with(route("infra", "mirror", """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Plugin, name: p}}]
                  %s
                """.formatted(WEB)), route("infra", "both", """
                parentRefs: [{name: edge, sectionName: http}]
                rules:
                - filters:
                  - {type: RequestRedirect, requestRedirect: {hostname: a.example.com}}
                  - {type: URLRewrite, urlRewrite: {hostname: b.example.com}}
                  %s
                """.formatted(WEB))).compile();

        assertThat(routes(c, "other.test")).singleElement().satisfies(r ->
                assertThat(r.action()).isEqualTo(HttpRouteRules.UNSUPPORTED_FILTER));
        assertThat(c.diagnosticsOf("HTTPRoute/infra/mirror")).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("spec.rules[0].filters[0].type");
            assertThat(d.reason()).contains("ExtensionRef filters are not supported yet");
        });
        assertThat(parent(c, "both").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "IncompatibleFilters");
        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).containsExactly("other.test");
        assertThat(c.diagnosticsOf("HTTPRoute/infra/both")).singleElement().satisfies(d ->
                assertThat(d.field()).isEqualTo("spec.rules[0].filters"));
    }

    @Test
    void weightedBackendRefsSplitTraffic() {
        Compilation c = with(route("infra", "split", """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - backendRefs: [{name: web, port: 80, weight: 90}, {name: api, port: 80, weight: 10}]
                """)).compile();

        assertThat(routes(c, "other.test")).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo(
                new RouteAction.Forward(List.of(new RouteAction.BackendRef("infra/web:http", 90),
                        new RouteAction.BackendRef("infra/api:http", 10)))));
    }

    @Test
    void aRequestMirrorCopiesEveryRequestOfItsRuleToItsBackend() {
        Compilation c = with(route("infra", "mirror", """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: api, port: 80}}}]
                  %s
                """.formatted(WEB))).compile();

        Route r = routes(c, "other.test").get(0);
        assertThat(r.action()).isEqualTo(RouteAction.Forward.to("infra/web:http"));
        assertThat(r.policy().mirror()).isNotNull();
        assertThat(r.policy().mirror().cluster()).isEqualTo("infra/api:http");
        assertThat(r.policy().mirror().requestBody()).isTrue();
        assertThat(c.table().clusters()).extracting(dev.breakwater.routing.Cluster::name).contains("infra/api:http");
        assertThat(c.diagnosticsOf("HTTPRoute/infra/mirror")).isEmpty();
        assertThat(parent(c, "mirror").resolvedRefs().status()).isTrue();
    }

    @Test
    void aMirrorOfAShareOfTheRequestsCarriesItsPercentAndASecondMirrorIsRefusedAndTheRuleAnswers500() {
        Compilation c = with(route("infra", "half", """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - matches: [{path: {type: PathPrefix, value: /percent}}]
                  filters: [{type: RequestMirror, requestMirror: {backendRef: {name: api, port: 80}, percent: 50}}]
                  %s
                - matches: [{path: {type: PathPrefix, value: /fraction}}]
                  filters: [{type: RequestMirror, requestMirror: {backendRef: {name: api, port: 80},
                             fraction: {numerator: 1, denominator: 8}}}]
                  %s
                - matches: [{path: {type: PathPrefix, value: /all}}]
                  filters: [{type: RequestMirror, requestMirror: {backendRef: {name: api, port: 80}, percent: 100}}]
                  %s
                """.formatted(WEB, WEB, WEB))).compile();
        java.util.Map<String, Route> byPath = new java.util.HashMap<>();
        routes(c, "other.test").forEach(r -> byPath.put(r.match().path().value(), r));
        assertThat(byPath.get("/percent").policy().mirror().percent()).isEqualTo(50.0);
        assertThat(byPath.get("/percent").action()).isEqualTo(RouteAction.Forward.to("infra/web:http"));
        assertThat(byPath.get("/fraction").policy().mirror().percent()).isEqualTo(12.5);
        assertThat(byPath.get("/all").policy().mirror().percent()).isNull();
        assertThat(c.diagnosticsOf("HTTPRoute/infra/half")).isEmpty();

        Compilation two = with(route("infra", "two", """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - filters:
                  - {type: RequestMirror, requestMirror: {backendRef: {name: api, port: 80}}}
                  - {type: RequestMirror, requestMirror: {backendRef: {name: web, port: 80}}}
                  %s
                """.formatted(WEB))).compile();
        assertThat(routes(two, "other.test").get(0).action()).isEqualTo(HttpRouteRules.UNSUPPORTED_FILTER);
        assertThat(two.diagnosticsOf("HTTPRoute/infra/two")).singleElement().satisfies(d ->
                assertThat(d.field()).isEqualTo("spec.rules[0].filters[1].type"));
    }

    @Test
    void aMirrorInAnotherNamespaceNeedsAReferenceGrantAndWithoutOneTheRuleServesUnmirrored() {
        String spec = """
                parentRefs: [{name: edge, sectionName: other}]
                rules:
                - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: store, namespace: shop, port: 80}}}]
                  %s
                """.formatted(WEB);
        Snapshots s = with(route("infra", "cross", spec)).service("shop", "store", "10.0.0.9");
        Compilation c = s.compile();
        Route r = routes(c, "other.test").get(0);
        assertThat(r.action()).isEqualTo(RouteAction.Forward.to("infra/web:http"));
        assertThat(r.policy().mirror()).isNull();
        assertThat(parent(c, "cross").resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "RefNotPermitted");

        Compilation granted = s.gatewayApi("""
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {namespace: shop, name: from-infra}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
                  to: [{group: "", kind: Service, name: store}]
                """).compile();
        assertThat(routes(granted, "other.test").get(0).policy().mirror().cluster()).isEqualTo("shop/store:http");
        assertThat(parent(granted, "cross").resolvedRefs().status()).isTrue();
    }

    @Test
    void aBackendInAnotherNamespaceNeedsAReferenceGrant() {
        String spec = """
                parentRefs: [{name: edge, sectionName: other}]
                rules: [{backendRefs: [{name: store, namespace: shop, port: 80}]}]
                """;
        Snapshots s = with(route("infra", "cross", spec)).service("shop", "store", "10.0.0.9");
        Compilation c = s.compile();
        assertThat(parent(c, "cross").resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "RefNotPermitted");
        assertThat(parent(c, "cross").accepted().status()).isTrue();
        assertThat(routes(c, "other.test").get(0).action()).isEqualTo(HttpRouteRules.INVALID_BACKENDS);

        Compilation granted = s.gatewayApi("""
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {namespace: shop, name: from-infra}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
                  to: [{group: "", kind: Service, name: store}]
                """).compile();
        assertThat(parent(granted, "cross").resolvedRefs().status()).isTrue();
        assertThat(routes(granted, "other.test").get(0).action()).isEqualTo(RouteAction.Forward.to("shop/store:http"));
    }

    @Test
    void backendRefsThatAreNotServicesOrNotFoundAreReportedAndAnswer500() {
        Compilation c = with(route("infra", "kind", """
                parentRefs: [{name: edge, sectionName: other}]
                rules: [{backendRefs: [{group: example.com, kind: Bucket, name: b}]}]
                """), route("infra", "missing", """
                parentRefs: [{name: edge, sectionName: http}]
                hostnames: [shop.example.com]
                rules: [{backendRefs: [{name: gone, port: 80}]}]
                """)).compile();

        assertThat(parent(c, "kind").resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "InvalidKind");
        assertThat(parent(c, "missing").resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "BackendNotFound");
        assertThat(routes(c, "other.test").get(0).action()).isEqualTo(HttpRouteRules.INVALID_BACKENDS);
        assertThat(routes(c, "shop.example.com").get(0).action()).isEqualTo(HttpRouteRules.INVALID_BACKENDS);
        assertThat(c.diagnosticsOf("HTTPRoute/infra/missing")).singleElement().satisfies(d ->
                assertThat(d.field()).isEqualTo("spec.rules[0].backendRefs[0].name"));
    }
}
