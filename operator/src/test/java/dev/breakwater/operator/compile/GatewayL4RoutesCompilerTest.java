package dev.breakwater.operator.compile;

import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.CLASS;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.SniRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TLSRoutes, TCPRoutes and UDPRoutes on Gateway listeners of protocol TLS (Passthrough), TCP and UDP: attachment,
 * SNI names from the intersection of hostnames, weighted and cross-namespace backendRefs, the listeners' supported
 * kinds and counts, and the route status the spec and the conformance suite ask for.
 */
class GatewayL4RoutesCompilerTest {

    private static final GatewayServices SERVICES = new GatewayServices("breakwater-system",
            Map.of("app.kubernetes.io/component", "dataplane"), "ClusterIP", 20000, 10);
    private static final CompilerOptions OWN_SERVICES = CompilerOptions.local()
            .withGatewayPorts(GatewayPorts.DEFAULT.withServices(SERVICES));

    static String l4Route(String kind, String namespace, String name, String created, String spec) {
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: %s
                metadata: {namespace: %s, name: %s, generation: 2, creationTimestamp: "%s"}
                spec:
                %s""".formatted(kind, namespace, name, created, spec.indent(2));
    }

    private static Snapshots with(String listeners, String... routes) {
        return Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", listeners) + String.join("", routes))
                .service("infra", "tls-a", "10.0.0.1").service("infra", "tls-b", "10.0.0.2")
                .service("infra", "db", "10.0.0.3").service("infra", "db2", "10.0.0.4")
                .service("other", "dns", "10.0.0.5");
    }

    private static L4Listener listener(Compilation c, String key) {
        return c.table().l4().listeners().stream().filter(l -> l.key().equals(key)).findFirst().orElseThrow();
    }

    private static GatewayApiStatus.ParentReport parent(Compilation c, String kind, String namespace, String name) {
        return c.gatewayApi().route(kind, namespace, name).parents().get(0);
    }

    private static List<Object> condition(RouteStatusReport.Condition c) {
        return List.of(c.status(), c.reason());
    }

    private static String cluster(L4Route route) {
        return route.backends().get(0).cluster();
    }

    @Test
    void aTlsPassthroughListenerOnTheHttpsPortRoutesTheIntersectedHostnamesBySni() {
        Compilation c = with("""
                - name: tls
                  protocol: TLS
                  port: 443
                  hostname: "*.example.com"
                  tls: {mode: Passthrough}
                """, l4Route("TLSRoute", "infra", "shop", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge}]
                hostnames: [abc.example.com, other.test]
                rules: [{backendRefs: [{name: tls-a, port: 80}]}]
                """)).compile();

        assertThat(c.table().l4().httpsPassthrough()).extracting(SniRoute::hostname).containsExactly("abc.example.com");
        assertThat(cluster(c.table().l4().httpsPassthrough().get(0).route())).startsWith("infra/tls-a:");
        assertThat(c.table().l4().listeners()).isEmpty();
        GatewayApiStatus.ListenerReport tls = c.gatewayApi().gateway("infra", "edge").listener("tls");
        assertThat(tls.supportedKinds()).containsExactly("gateway.networking.k8s.io/TLSRoute");
        assertThat(tls.attachedRoutes()).isEqualTo(1);
        assertThat(condition(tls.accepted())).containsExactly(true, "Accepted");
        GatewayApiStatus.ParentReport p = parent(c, "TLSRoute", "infra", "shop");
        assertThat(condition(p.accepted())).containsExactly(true, "Accepted");
        assertThat(condition(p.resolvedRefs())).containsExactly(true, "ResolvedRefs");
        assertThat(c.gatewayApi().route("TLSRoute", "infra", "shop").object()).isEqualTo("TLSRoute/infra/shop");
    }

    @Test
    void onAnotherPortTheTlsListenerIsAnL4ListenerWhoseWildcardsCoverSeveralLabelsAndOldestRouteKeepsAName() {
        Compilation c = with("""
                - name: tls
                  protocol: TLS
                  port: 8443
                  hostname: "*.com"
                  tls: {mode: Passthrough}
                """, l4Route("TLSRoute", "infra", "exact", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge}]
                hostnames: [abc.example.com]
                rules: [{backendRefs: [{name: tls-a, port: 80}]}]
                """), l4Route("TLSRoute", "infra", "wide", "2026-02-01T00:00:00Z", """
                parentRefs: [{name: edge, sectionName: tls}]
                hostnames: ["*.example.com", abc.example.com]
                rules: [{backendRefs: [{name: tls-b, port: 80}]}]
                """)).compile();

        L4Listener l = listener(c, "tcp/8443");
        assertThat(l.route()).isNull();
        assertThat(l.sni()).extracting(SniRoute::hostname).containsExactly("*.example.com", "abc.example.com");
        assertThat(cluster(l.routeFor("abc.example.com"))).startsWith("infra/tls-a:");
        assertThat(cluster(l.routeFor("x.y.example.com"))).startsWith("infra/tls-b:");
        assertThat(l.routeFor("non.matching.com")).isNull();
        assertThat(c.gatewayApi().gateway("infra", "edge").listener("tls").attachedRoutes()).isEqualTo(2);
        assertThat(condition(parent(c, "TLSRoute", "infra", "wide").accepted())).containsExactly(true, "Accepted");
    }

    @Test
    void terminateModeOtherKindsAndHostnamesThatDoNotIntersectAreReportedAsTheSpecNamesThem() {
        Compilation c = with("""
                - name: terminate
                  protocol: TLS
                  port: 8443
                  hostname: terminate.example.com
                  tls: {mode: Terminate, certificateRefs: [{name: cert}]}
                - name: passthrough
                  protocol: TLS
                  port: 9443
                  hostname: "*.example.com"
                  allowedRoutes: {kinds: [{kind: TCPRoute}, {kind: TLSRoute}]}
                  tls: {mode: Passthrough}
                """, l4Route("TLSRoute", "infra", "elsewhere", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge, sectionName: passthrough}]
                hostnames: [abc.example.net]
                rules: [{backendRefs: [{name: tls-a, port: 80}]}]
                """), l4Route("TLSRoute", "infra", "nowhere", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge, sectionName: missing}]
                hostnames: [abc.example.com]
                rules: [{backendRefs: [{name: tls-a, port: 80}]}]
                """)).compile();

        GatewayApiStatus.GatewayReport edge = c.gatewayApi().gateway("infra", "edge");
        assertThat(condition(edge.listener("terminate").accepted())).containsExactly(false, "UnsupportedValue");
        assertThat(edge.listener("terminate").attachedRoutes()).isZero();
        GatewayApiStatus.ListenerReport passthrough = edge.listener("passthrough");
        assertThat(passthrough.supportedKinds()).containsExactly("gateway.networking.k8s.io/TLSRoute");
        assertThat(condition(passthrough.resolvedRefs())).containsExactly(false, "InvalidRouteKinds");
        assertThat(condition(parent(c, "TLSRoute", "infra", "elsewhere").accepted()))
                .containsExactly(false, "NoMatchingListenerHostname");
        assertThat(condition(parent(c, "TLSRoute", "infra", "nowhere").accepted()))
                .containsExactly(false, "NoMatchingParent");
        assertThat(c.table().l4()).as("no L4 part in the table").isNull();
    }

    @Test
    void tcpRoutesSplitByWeightAndOnlyTheOldestOfTwoOnOneListenerGetsTraffic() {
        Compilation c = with("- {name: tcp, protocol: TCP, port: 5432}",
                l4Route("TCPRoute", "infra", "older", "2026-01-01T00:00:00Z", """
                        parentRefs: [{name: edge, sectionName: tcp}]
                        rules:
                          - backendRefs: [{name: db, port: 80, weight: 3}, {name: db2, port: 80, weight: 1}]
                        """),
                l4Route("TCPRoute", "infra", "newer", "2026-02-01T00:00:00Z", """
                        parentRefs: [{name: edge, port: 5432}]
                        rules: [{backendRefs: [{name: tls-b, port: 80}]}]
                        """)).compile();

        L4Listener tcp = listener(c, "tcp/5432");
        assertThat(tcp.protocol()).isEqualTo(L4Listener.Protocol.TCP);
        assertThat(tcp.route().backends()).extracting(RouteAction.BackendRef::weight).containsExactly(3, 1);
        assertThat(tcp.route().backends()).extracting(RouteAction.BackendRef::cluster)
                .satisfiesExactly(a -> assertThat(a).startsWith("infra/db:"), b -> assertThat(b).startsWith("infra/db2:"));
        assertThat(tcp.route().source()).isEqualTo("TCPRoute/infra/older");
        assertThat(condition(parent(c, "TCPRoute", "infra", "older").accepted())).containsExactly(true, "Accepted");
        assertThat(condition(parent(c, "TCPRoute", "infra", "newer").accepted())).containsExactly(true, "Accepted");
        GatewayApiStatus.ListenerReport l = c.gatewayApi().gateway("infra", "edge").listener("tcp");
        assertThat(l.attachedRoutes()).isEqualTo(2);
        assertThat(l.supportedKinds()).containsExactly("gateway.networking.k8s.io/TCPRoute");
    }

    @Test
    void aUdpRouteReachesAServiceOfAnotherNamespaceOnlyWithAReferenceGrant() {
        String listeners = """
                - {name: dns, protocol: UDP, port: 5353}
                - {name: tcp, protocol: TCP, port: 5432}
                """;
        String route = l4Route("UDPRoute", "infra", "dns", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge, sectionName: dns}]
                rules: [{backendRefs: [{name: dns, namespace: other, port: 80}]}]
                """);
        Compilation refused = with(listeners, route).compile();
        assertThat(condition(parent(refused, "UDPRoute", "infra", "dns").resolvedRefs()))
                .containsExactly(false, "RefNotPermitted");
        assertThat(condition(parent(refused, "UDPRoute", "infra", "dns").accepted())).containsExactly(true, "Accepted");
        assertThat(cluster(listener(refused, "udp/5353").route())).endsWith("|unresolved");

        Compilation granted = with(listeners, route, """
                ---
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {namespace: other, name: udp}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: UDPRoute, namespace: infra}]
                  to: [{group: "", kind: Service}]
                """).compile();
        assertThat(condition(parent(granted, "UDPRoute", "infra", "dns").resolvedRefs()))
                .containsExactly(true, "ResolvedRefs");
        L4Listener dns = listener(granted, "udp/5353");
        assertThat(dns.protocol()).isEqualTo(L4Listener.Protocol.UDP);
        assertThat(cluster(dns.route())).startsWith("other/dns:");
    }

    @Test
    void aRouteOfAKindTheListenerDoesNotTakeIsNotAllowedAndAMissingServiceIsBackendNotFound() {
        Compilation c = with("- {name: tcp, protocol: TCP, port: 5432}",
                l4Route("UDPRoute", "infra", "udp", "2026-01-01T00:00:00Z", """
                        parentRefs: [{name: edge}]
                        rules: [{backendRefs: [{name: db, port: 80}]}]
                        """),
                l4Route("TCPRoute", "infra", "missing", "2026-01-01T00:00:00Z", """
                        parentRefs: [{name: edge}]
                        rules: [{backendRefs: [{name: nowhere, port: 80}]}]
                        """)).compile();

        assertThat(condition(parent(c, "UDPRoute", "infra", "udp").accepted()))
                .containsExactly(false, "NotAllowedByListeners");
        assertThat(condition(parent(c, "TCPRoute", "infra", "missing").resolvedRefs()))
                .containsExactly(false, "BackendNotFound");
        // the listener exists and refuses connections: no endpoint
        assertThat(cluster(listener(c, "tcp/5432").route())).endsWith("|unresolved");
        assertThat(c.gatewayApi().gateway("infra", "edge").listener("tcp").attachedRoutes()).isEqualTo(1);
    }

    @Test
    void withOwnServicesEveryL4ListenerPortIsAPortOfTheGatewaysServiceUdpAsUdp() {
        Compilation c = with("""
                - name: tls
                  protocol: TLS
                  port: 443
                  tls: {mode: Passthrough}
                - {name: tcp, protocol: TCP, port: 5432}
                - {name: dns, protocol: UDP, port: 53}
                """, l4Route("TLSRoute", "infra", "shop", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge, sectionName: tls}]
                hostnames: [shop.example.com]
                rules: [{backendRefs: [{name: tls-a, port: 80}]}]
                """), l4Route("TCPRoute", "infra", "db", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge, sectionName: tcp}]
                rules: [{backendRefs: [{name: db, port: 80}]}]
                """), l4Route("UDPRoute", "infra", "dns", "2026-01-01T00:00:00Z", """
                parentRefs: [{name: edge, sectionName: dns}]
                rules: [{backendRefs: [{name: db2, port: 80}]}]
                """)).compile(OWN_SERVICES);

        GatewayService service = c.gatewayApi().service("infra", "edge");
        assertThat(service.ports()).containsExactly(new GatewayService.Port("udp-53", 53, 20000, "UDP"),
                new GatewayService.Port("tls-443", 443, 20001, "TCP"),
                new GatewayService.Port("tcp-5432", 5432, 20002, "TCP"));
        assertThat(listener(c, "udp/20000").route().source()).isEqualTo("UDPRoute/infra/dns");
        assertThat(listener(c, "tcp/20001").sni()).extracting(SniRoute::hostname).containsExactly("shop.example.com");
        assertThat(listener(c, "tcp/20002").route().source()).isEqualTo("TCPRoute/infra/db");
        // on its own Service only: the shared HTTPS port has no passthrough host of it
        assertThat(c.table().l4().httpsPassthrough()).isEmpty();
        assertThat(c.table().virtualHosts()).noneMatch(v -> v.listener() != null);
    }

    @Test
    void withoutOwnServicesATcpListenerCannotTakeTheDataPlanesHttpPort() {
        Compilation c = with("- {name: tcp, protocol: TCP, port: 80}").compile();

        assertThat(condition(c.gatewayApi().gateway("infra", "edge").listener("tcp").accepted()))
                .containsExactly(false, "PortUnavailable");
    }
}
