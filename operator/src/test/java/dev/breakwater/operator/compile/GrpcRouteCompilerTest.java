package dev.breakwater.operator.compile;

import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.CLASS;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.StringMatch;
import dev.breakwater.routing.VirtualHost;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GRPCRoutes: method and header matches as paths and headers, filters, h2c backendRefs, attachment and status. */
class GrpcRouteCompilerTest {

    private static final String LISTENERS = """
            - {name: http, protocol: HTTP, port: 80, hostname: "*.example.com"}
            - name: http-only
              protocol: HTTP
              port: 80
              hostname: only.test
              allowedRoutes: {kinds: [{kind: HTTPRoute}]}
            """;

    static String grpcRoute(String namespace, String name, String spec) {
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {namespace: %s, name: %s, generation: 4}
                spec:
                %s""".formatted(namespace, name, spec.indent(2));
    }

    private static Snapshots with(String... routes) {
        return Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", LISTENERS) + String.join("", routes))
                .service("infra", "grpc", "10.0.0.1").service("infra", "grpc2", "10.0.0.2");
    }

    private static List<Route> routes(Compilation c, String host) {
        return c.table().virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow()
                .routes();
    }

    private static GatewayApiStatus.ParentReport parent(Compilation c, String name) {
        return c.gatewayApi().grpcRoute("infra", name).parents().get(0);
    }

    @Test
    void methodMatchesArePathsAndExactServiceAndMethodGoesFirst() {
        Compilation c = with(grpcRoute("infra", "echo", """
                parentRefs: [{name: edge}]
                hostnames: [grpc.example.com]
                rules:
                  - matches:
                      - method: {service: grpc.Echo}
                    backendRefs: [{name: grpc, port: 80}]
                  - matches:
                      - method: {service: grpc.Echo, method: Call}
                      - method: {method: Ping}
                      - method: {type: RegularExpression, service: "grpc\\\\..*", method: "Get.*"}
                    backendRefs: [{name: grpc2, port: 80}]
                """)).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(routes(c, "grpc.example.com")).extracting(r -> r.match().path()).containsExactly(
                PathMatch.exact("/grpc.Echo/Call"),
                new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "/(?:grpc\\..*)/(?:Get.*)"),
                new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "/[^/]+/\\QPing\\E"),
                PathMatch.prefix("/grpc.Echo"));
        GatewayApiStatus.HttpRouteReport report = c.gatewayApi().grpcRoute("infra", "echo");
        assertThat(report.object()).isEqualTo("GRPCRoute/infra/echo");
        assertThat(report.generation()).isEqualTo(4L);
        assertThat(c.gatewayApi().httpRoute("infra", "echo")).isNull();
        assertThat(parent(c, "echo").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(true, "Accepted");
        assertThat(parent(c, "echo").resolvedRefs().status()).isTrue();
        assertThat(c.gatewayApi().gateway("infra", "edge").listener("http").attachedRoutes()).isEqualTo(1);
    }

    @Test
    void backendsSpeakH2cWithWeights() {
        Compilation c = with(grpcRoute("infra", "echo", """
                parentRefs: [{name: edge}]
                hostnames: [grpc.example.com]
                rules:
                  - backendRefs: [{name: grpc, port: 80, weight: 3}, {name: grpc2, port: 80, weight: 1}]
                """)).compile();

        Route route = routes(c, "grpc.example.com").get(0);
        assertThat(route.match().path()).isEqualTo(PathMatch.prefix("/"));
        RouteAction.Forward forward = (RouteAction.Forward) route.action();
        assertThat(forward.backends()).extracting(RouteAction.BackendRef::weight).containsExactly(3, 1);
        for (RouteAction.BackendRef b : forward.backends()) {
            assertThat(c.table().cluster(b.cluster()).protocol()).isEqualTo(Cluster.Protocol.H2C);
        }
    }

    @Test
    void headerMatchesAndHeaderModifiersAreAnHttpRoutes() {
        Compilation c = with(grpcRoute("infra", "echo", """
                parentRefs: [{name: edge}]
                hostnames: [grpc.example.com]
                rules:
                  - matches:
                      - headers: [{name: X-Tenant, value: blue}, {type: RegularExpression, name: x-v, value: "v[0-9]"}]
                    filters:
                      - type: RequestHeaderModifier
                        requestHeaderModifier: {set: [{name: x-env, value: prod}]}
                      - type: ResponseHeaderModifier
                        responseHeaderModifier: {add: [{name: x-served-by, value: breakwater}]}
                    backendRefs: [{name: grpc, port: 80}]
                """)).compile();

        Route route = routes(c, "grpc.example.com").get(0);
        assertThat(route.match().headers()).containsExactly(new HeaderMatch("x-tenant", StringMatch.EXACT, "blue"),
                new HeaderMatch("x-v", StringMatch.REGULAR_EXPRESSION, "v[0-9]"));
        assertThat(route.filters()).hasSize(2).allSatisfy(f -> assertThat(f).isInstanceOf(RouteFilter.class));
        assertThat(c.diagnostics()).isEmpty();
    }

    @Test
    void aRequestMirrorCopiesTheCallsToItsBackend() {
        Compilation c = with(grpcRoute("infra", "echo", """
                parentRefs: [{name: edge}]
                hostnames: [grpc.example.com]
                rules:
                  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: grpc2, port: 80}}}]
                    backendRefs: [{name: grpc, port: 80}]
                """)).compile();

        Route r = routes(c, "grpc.example.com").get(0);
        assertThat(r.action()).isInstanceOf(RouteAction.Forward.class);
        assertThat(r.policy().mirror()).isNotNull();
        assertThat(r.policy().mirror().cluster()).startsWith("infra/grpc2:");
        assertThat(c.diagnosticsOf("GRPCRoute/infra/echo")).isEmpty();
    }

    @Test
    void anUnusableMethodMatchIsReportedAtItsFieldAndTakesNoCall() {
        Compilation c = with(grpcRoute("infra", "echo", """
                parentRefs: [{name: edge}]
                hostnames: [grpc.example.com]
                rules:
                  - matches: [{method: {type: RegularExpression, service: "grpc.("}}]
                    backendRefs: [{name: grpc, port: 80}]
                """)).compile();

        assertThat(c.diagnosticsOf("GRPCRoute/infra/echo")).singleElement().satisfies(d ->
                assertThat(d.field()).isEqualTo("spec.rules[0].matches[0].method.service"));
        assertThat(routes(c, "grpc.example.com")).extracting(r -> r.match().path())
                .containsExactly(new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "(?!)"));
    }

    @Test
    void aListenerThatTakesHttpRoutesOnlyDoesNotLetGrpcRoutesAttach() {
        Compilation c = with(grpcRoute("infra", "echo", """
                parentRefs: [{name: edge, sectionName: http-only}]
                rules: [{backendRefs: [{name: grpc, port: 80}]}]
                """)).compile();

        assertThat(parent(c, "echo").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "NotAllowedByListeners");
        assertThat(c.gatewayApi().gateway("infra", "edge").listener("http-only").supportedKinds())
                .containsExactly("gateway.networking.k8s.io/HTTPRoute");
        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).isEmpty();
    }

    @Test
    void hostnamesIntersectAndACrossNamespaceServiceNeedsAGrantFromGrpcRoute() {
        String route = grpcRoute("shop", "echo", """
                parentRefs: [{name: edge, namespace: infra}]
                hostnames: ["*.example.com", nope.example.org]
                rules: [{backendRefs: [{name: grpc, namespace: infra, port: 80}]}]
                """);
        String allAllowed = gateway("infra", "edge", """
                - name: http
                  protocol: HTTP
                  port: 80
                  hostname: a.example.com
                  allowedRoutes: {namespaces: {from: All}}
                """);
        Snapshots denied = Snapshots.empty().gatewayApi(CLASS + allAllowed + route).service("infra", "grpc",
                "10.0.0.1");
        Compilation c = denied.compile();
        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).containsExactly("a.example.com");
        assertThat(c.gatewayApi().grpcRoute("shop", "echo").parents().get(0).resolvedRefs())
                .extracting(RouteStatusReport.Condition::status, RouteStatusReport.Condition::reason)
                .containsExactly(false, "RefNotPermitted");

        String httpRouteGrant = """
                ---
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {namespace: infra, name: from-shop}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: %s, namespace: shop}]
                  to: [{group: "", kind: Service}]
                """;
        Compilation httpOnly = Snapshots.empty().gatewayApi(CLASS + allAllowed + route
                + httpRouteGrant.formatted("HTTPRoute")).service("infra", "grpc", "10.0.0.1").compile();
        assertThat(httpOnly.gatewayApi().grpcRoute("shop", "echo").parents().get(0).resolvedRefs().reason())
                .isEqualTo("RefNotPermitted");
        Compilation granted = Snapshots.empty().gatewayApi(CLASS + allAllowed + route
                + httpRouteGrant.formatted("GRPCRoute")).service("infra", "grpc", "10.0.0.1").compile();
        assertThat(granted.gatewayApi().grpcRoute("shop", "echo").parents().get(0).resolvedRefs().status())
                .isTrue();
    }
}
