package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.VirtualHost;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GatewayClasses, Gateways and their listeners: what is served and the status facts the spec asks for. */
class GatewayListenersCompilerTest {

    private static final TestPki PKI = TestPki.create("Gateway listeners test CA");

    static final String CLASS = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: breakwater}
            spec: {controllerName: breakwater.dev/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: other}
            spec: {controllerName: example.com/other}
            """;

    static String gateway(String namespace, String name, String listeners) {
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {namespace: %s, name: %s, generation: 3}
                spec:
                  gatewayClassName: breakwater
                  listeners:
                %s""".formatted(namespace, name, listeners.indent(2));
    }

    static String route(String namespace, String name, String spec) {
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {namespace: %s, name: %s, generation: 2}
                spec:
                %s""".formatted(namespace, name, spec.indent(2));
    }

    private static final String HTTP = """
            - name: http
              protocol: HTTP
              port: 80
            """;

    private static GatewayApiStatus.ListenerReport listener(Compilation c, String gateway, String name) {
        return c.gatewayApi().gateway("infra", gateway).listener(name);
    }

    private static GatewayApiStatus.ParentReport parent(Compilation c, String namespace, String name) {
        return c.gatewayApi().httpRoute(namespace, name).parents().get(0);
    }

    private static List<String> hosts(Compilation c) {
        return c.table().virtualHosts().stream().map(VirtualHost::hostname).toList();
    }

    @Test
    void onlyGatewayClassesOfOurControllerAreAcceptedAndOnlyTheirGatewaysServed() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", HTTP) + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {namespace: infra, name: theirs}
                spec:
                  gatewayClassName: other
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                """).compile();

        assertThat(c.gatewayApi().gatewayClasses()).extracting(GatewayApiStatus.GatewayClassReport::name)
                .containsExactly("breakwater");
        assertThat(c.gatewayApi().gatewayClass("breakwater").accepted().status()).isTrue();
        assertThat(c.gatewayApi().gatewayClass("breakwater").accepted().reason()).isEqualTo("Accepted");
        assertThat(c.gatewayApi().gateways()).extracting(GatewayApiStatus.GatewayReport::name).containsExactly("edge");
        GatewayApiStatus.GatewayReport edge = c.gatewayApi().gateway("infra", "edge");
        assertThat(edge.generation()).isEqualTo(3L);
        assertThat(edge.accepted()).extracting(RouteStatusReport.Condition::status, RouteStatusReport.Condition::reason)
                .containsExactly(true, "Accepted");
        GatewayApiStatus.ListenerReport http = edge.listener("http");
        assertThat(http.supportedKinds()).containsExactly("gateway.networking.k8s.io/HTTPRoute",
                "gateway.networking.k8s.io/GRPCRoute");
        assertThat(http.attachedRoutes()).isZero();
        assertThat(List.of(http.accepted().reason(), http.resolvedRefs().reason(), http.conflicted().reason()))
                .containsExactly("Accepted", "ResolvedRefs", "NoConflicts");
        assertThat(http.conflicted().status()).isFalse();
    }

    @Test
    void unsupportedProtocolsAndPortsAreNotAcceptedAndTheGatewaySaysListenersNotValid() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", HTTP + """
                - name: sctp
                  protocol: example.com/sctp
                  port: 5432
                - name: http-8080
                  protocol: HTTP
                  port: 8080
                """)).compile();

        GatewayApiStatus.GatewayReport edge = c.gatewayApi().gateway("infra", "edge");
        assertThat(edge.accepted()).extracting(RouteStatusReport.Condition::status, RouteStatusReport.Condition::reason)
                .containsExactly(true, "ListenersNotValid");
        assertThat(edge.listener("sctp").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "UnsupportedProtocol");
        assertThat(edge.listener("http-8080").accepted().reason()).isEqualTo("PortUnavailable");
        assertThat(edge.listener("http-8080").accepted().message()).contains("port 80, not 8080");
        assertThat(edge.listener("http").accepted().status()).isTrue();
    }

    @Test
    void theHttpPortIsAnOption() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - name: http
                  protocol: HTTP
                  port: 8080
                """)).compile(CompilerOptions.local().withGatewayPorts(new GatewayPorts(8080, 8443)));

        assertThat(listener(c, "edge", "http").accepted().status()).isTrue();
    }

    @Test
    void listenersOfOnePortConflictByProtocolAndByHostname() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - {name: a, protocol: HTTP, port: 80, hostname: shop.example.com}
                - {name: b, protocol: HTTP, port: 80, hostname: shop.example.com}
                - {name: c, protocol: HTTP, port: 80, hostname: blog.example.com}
                - {name: d, protocol: HTTPS, port: 80, tls: {certificateRefs: [{name: x}]}}
                """)).compile();

        assertThat(listener(c, "edge", "a").conflicted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(true, "ProtocolConflict");
        assertThat(listener(c, "edge", "d").conflicted().reason()).isEqualTo("ProtocolConflict");
        c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - {name: a, protocol: HTTP, port: 80, hostname: shop.example.com}
                - {name: b, protocol: HTTP, port: 80, hostname: shop.example.com}
                - {name: c, protocol: HTTP, port: 80, hostname: blog.example.com}
                """)).compile();
        assertThat(listener(c, "edge", "a").conflicted().reason()).isEqualTo("HostnameConflict");
        assertThat(listener(c, "edge", "b").conflicted().reason()).isEqualTo("HostnameConflict");
        assertThat(listener(c, "edge", "c").conflicted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "NoConflicts");
    }

    @Test
    void routeKindsAListenerCannotTakeAreInvalidRouteKinds() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - name: http
                  protocol: HTTP
                  port: 80
                  allowedRoutes:
                    kinds: [{kind: HTTPRoute}, {kind: TCPRoute}]
                - name: tcp-only
                  protocol: HTTP
                  port: 80
                  hostname: tcp.example.com
                  allowedRoutes:
                    kinds: [{kind: TCPRoute}]
                """)).compile();

        GatewayApiStatus.ListenerReport http = listener(c, "edge", "http");
        assertThat(http.resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "InvalidRouteKinds");
        assertThat(http.supportedKinds()).containsExactly("gateway.networking.k8s.io/HTTPRoute");
        assertThat(listener(c, "edge", "tcp-only").supportedKinds()).isEmpty();
    }

    @Test
    void aGatewayAskingForAddressesIsNotAccepted() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {namespace: infra, name: edge}
                spec:
                  gatewayClassName: breakwater
                  addresses: [{type: IPAddress, value: 192.0.2.7}]
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                """ + route("infra", "web", """
                parentRefs: [{name: edge}]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """)).service("infra", "web", "10.0.0.1").compile();

        assertThat(c.gatewayApi().gateway("infra", "edge").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "UnsupportedAddress");
        assertThat(parent(c, "infra", "web").accepted().status()).isFalse();
        assertThat(c.table().virtualHosts()).isEmpty();
    }

    @Test
    void anAddressWithoutValueLeavesThePickToBreakwaterAndTheGatewayIsAccepted() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {namespace: infra, name: edge}
                spec:
                  gatewayClassName: breakwater
                  addresses: [{type: IPAddress}]
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                """ + route("infra", "web", """
                parentRefs: [{name: edge}]
                hostnames: [web.example.com]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """)).service("infra", "web", "10.0.0.1").compile();

        assertThat(c.gatewayApi().gateway("infra", "edge").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(true, "Accepted");
        assertThat(parent(c, "infra", "web").accepted().status()).isTrue();
        assertThat(c.table().virtualHosts()).extracting(dev.breakwater.routing.VirtualHost::hostname)
                .containsExactly("web.example.com");

        // one entry with a value among them is still an address the Gateway cannot have
        Compilation valued = Snapshots.empty().gatewayApi(CLASS + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {namespace: infra, name: edge}
                spec:
                  gatewayClassName: breakwater
                  addresses: [{type: IPAddress}, {type: IPAddress, value: 10.9.9.9}]
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                """).compile();
        assertThat(valued.gatewayApi().gateway("infra", "edge").accepted()).extracting(
                RouteStatusReport.Condition::status, RouteStatusReport.Condition::reason)
                .containsExactly(false, "UnsupportedAddress");
    }

    @Test
    void anHttpsListenerServesItsSecretsCertificateForItsHostname() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - name: https
                  protocol: HTTPS
                  port: 443
                  hostname: shop.example.com
                  tls: {certificateRefs: [{name: shop-tls}]}
                """) + route("infra", "web", """
                parentRefs: [{name: edge}]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """)).service("infra", "web", "10.0.0.1")
                .secret("infra", "shop-tls", "kubernetes.io/tls", "tls.crt", cert.chainPem(), "tls.key", cert.keyPem())
                .compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(listener(c, "edge", "https").resolvedRefs().status()).isTrue();
        assertThat(c.table().certificates()).extracting(Certificate::name).containsExactly("infra/shop-tls");
        assertThat(c.table().certificates().get(0).hosts()).containsExactly("shop.example.com");
        assertThat(hosts(c)).containsExactly("shop.example.com");
        // attached to an HTTPS listener only: plain HTTP requests for it are redirected, never served in clear
        assertThat(hostRoutes(c, "shop.example.com")).singleElement().satisfies(r ->
                assertThat(r.policy().https().redirect()).isTrue());
    }

    @Test
    void aHostAlsoTakenByAnHttpListenerIsServedInClearToo() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", HTTP + """
                - name: https
                  protocol: HTTPS
                  port: 443
                  hostname: shop.example.com
                  tls: {certificateRefs: [{name: shop-tls}]}
                """) + route("infra", "web", """
                parentRefs: [{name: edge}]
                hostnames: [shop.example.com]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """)).service("infra", "web", "10.0.0.1")
                .secret("infra", "shop-tls", "kubernetes.io/tls", "tls.crt", cert.chainPem(), "tls.key", cert.keyPem())
                .compile();

        assertThat(hostRoutes(c, "shop.example.com")).singleElement().satisfies(r ->
                assertThat(r.policy().https().redirect()).isNotEqualTo(Boolean.TRUE));
        assertThat(listener(c, "edge", "http").attachedRoutes()).isEqualTo(1);
        assertThat(listener(c, "edge", "https").attachedRoutes()).isEqualTo(1);
    }

    @Test
    void aCertificateInAnotherNamespaceNeedsAReferenceGrant() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        String base = CLASS + gateway("infra", "edge", """
                - name: https
                  protocol: HTTPS
                  port: 443
                  hostname: shop.example.com
                  tls: {certificateRefs: [{name: shop-tls, namespace: certs}]}
                """);
        Snapshots without = Snapshots.empty().gatewayApi(base)
                .secret("certs", "shop-tls", "kubernetes.io/tls", "tls.crt", cert.chainPem(), "tls.key", cert.keyPem());
        Compilation c = without.compile();
        assertThat(listener(c, "edge", "https").resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "RefNotPermitted");
        assertThat(c.table().certificates()).isEmpty();

        Compilation granted = without.gatewayApi("""
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {namespace: certs, name: gateways}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
                  to: [{group: "", kind: Secret}]
                """).compile();
        assertThat(listener(granted, "edge", "https").resolvedRefs().status()).isTrue();
    }

    @Test
    void aMissingOrWrongCertificateIsInvalidCertificateRefAndTheListenerServesNothing() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - name: missing
                  protocol: HTTPS
                  port: 443
                  hostname: a.example.com
                  tls: {certificateRefs: [{name: nope}]}
                - name: configmap
                  protocol: HTTPS
                  port: 443
                  hostname: b.example.com
                  tls: {certificateRefs: [{kind: ConfigMap, name: cm}]}
                """) + route("infra", "web", """
                parentRefs: [{name: edge}]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """)).service("infra", "web", "10.0.0.1").compile();

        assertThat(listener(c, "edge", "missing").resolvedRefs().reason()).isEqualTo("InvalidCertificateRef");
        assertThat(listener(c, "edge", "configmap").resolvedRefs().reason()).isEqualTo("InvalidCertificateRef");
        assertThat(listener(c, "edge", "missing").attachedRoutes()).isEqualTo(1);
        assertThat(c.table().virtualHosts()).isEmpty();
        assertThat(c.gatewayApi().gateway("infra", "edge").accepted()).extracting(
                RouteStatusReport.Condition::status, RouteStatusReport.Condition::reason)
                .containsExactly(false, "ListenersNotValid");
    }

    @Test
    void allowedRoutesNamespacesSameAllAndSelector() {
        String gateways = CLASS + gateway("infra", "edge", """
                - {name: same, protocol: HTTP, port: 80, hostname: same.example.com}
                - name: all
                  protocol: HTTP
                  port: 80
                  hostname: all.example.com
                  allowedRoutes: {namespaces: {from: All}}
                - name: selected
                  protocol: HTTP
                  port: 80
                  hostname: selected.example.com
                  allowedRoutes:
                    namespaces:
                      from: Selector
                      selector: {matchLabels: {team: shop}}
                """) + """
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: shop}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog, labels: {team: blog}}
                """;
        String spec = """
                parentRefs: [{name: edge, namespace: infra}]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """;
        Compilation c = Snapshots.empty().gatewayApi(gateways + route("infra", "r", spec) + route("shop", "r", spec)
                        + route("blog", "r", spec))
                .service("infra", "web", "10.0.0.1").service("shop", "web", "10.0.0.2")
                .service("blog", "web", "10.0.0.3").compile();

        assertThat(listener(c, "edge", "same").attachedRoutes()).isEqualTo(1);
        assertThat(listener(c, "edge", "all").attachedRoutes()).isEqualTo(3);
        assertThat(listener(c, "edge", "selected").attachedRoutes()).isEqualTo(1);
        assertThat(parent(c, "blog", "r").accepted().status()).isTrue();
        assertThat(hostRoutes(c, "selected.example.com")).extracting(Route::source)
                .containsExactly("HTTPRoute/shop/r");
        assertThat(hostRoutes(c, "same.example.com")).extracting(Route::source).containsExactly("HTTPRoute/infra/r");
        // three routes claim the same host and match: the oldest keeps it (no creation times: by namespace, name)
        assertThat(hostRoutes(c, "all.example.com")).extracting(Route::source).containsExactly("HTTPRoute/blog/r");
        assertThat(c.diagnosticsOf("HTTPRoute/shop/r")).singleElement().satisfies(d ->
                assertThat(d.reason()).contains("conflicts with HTTPRoute/blog/r"));
    }

    @Test
    void aRouteNoListenerAllowsIsNotAllowedByListeners() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", HTTP) + route("shop", "r", """
                parentRefs: [{name: edge, namespace: infra}]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """)).service("shop", "web", "10.0.0.1").compile();

        assertThat(parent(c, "shop", "r").accepted()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "NotAllowedByListeners");
        assertThat(listener(c, "edge", "http").attachedRoutes()).isZero();
        assertThat(c.table().virtualHosts()).isEmpty();
    }

    @Test
    void attachedRoutesCountsOnlyAcceptedRoutesWhoseHostnamesIntersectTheListenersOwn() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - {name: http, protocol: HTTP, port: 80, hostname: foo.example.com}
                """) + route("infra", "plain", """
                parentRefs: [{name: edge}]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """) + route("infra", "elsewhere", """
                parentRefs: [{name: edge}]
                hostnames: [not-accepted.example.org]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """) + route("infra", "both-filters", """
                parentRefs: [{name: edge}]
                rules:
                - filters:
                  - {type: RequestRedirect, requestRedirect: {statusCode: 301}}
                  - {type: URLRewrite, urlRewrite: {hostname: x.example.com}}
                  backendRefs: [{name: web, port: 80}]
                """)).service("infra", "web", "10.0.0.1").compile();

        assertThat(listener(c, "edge", "http").attachedRoutes()).isEqualTo(1);
        assertThat(parent(c, "infra", "elsewhere").accepted().reason()).isEqualTo("NoMatchingListenerHostname");
        assertThat(c.gatewayApi().httpRoute("infra", "both-filters").parents().get(0).accepted().reason())
                .isEqualTo("IncompatibleFilters");
    }

    @Test
    void aRouteOnAListenerThatServesNothingIsCountedAndStillSaysWhetherItsBackendRefsResolve() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - name: tls
                  protocol: HTTPS
                  port: 443
                  tls: {certificateRefs: [{name: does-not-exist}]}
                """) + route("infra", "orphan", """
                parentRefs: [{name: edge, sectionName: tls}]
                rules: [{backendRefs: [{name: does-not-exist, port: 8080}]}]
                """)).compile();

        assertThat(listener(c, "edge", "tls").attachedRoutes()).isEqualTo(1);
        assertThat(listener(c, "edge", "tls").resolvedRefs().reason()).isEqualTo("InvalidCertificateRef");
        assertThat(parent(c, "infra", "orphan").resolvedRefs()).extracting(RouteStatusReport.Condition::status,
                RouteStatusReport.Condition::reason).containsExactly(false, "BackendNotFound");
        assertThat(c.table().virtualHosts()).isEmpty();
    }

    @Test
    void aGatewayApiWildcardCoversSeveralLabelsAnIngressWildcardOne() {
        Compilation c = Snapshots.with(dev.breakwater.operator.fixture.Fixtures.ingress("infra", "legacy")
                        .host("*.old.example.com").prefix("/", "web", 80).build())
                .gatewayApi(CLASS + gateway("infra", "edge", """
                        - {name: http, protocol: HTTP, port: 80, hostname: "*.example.com"}
                        """) + route("infra", "web", """
                        parentRefs: [{name: edge}]
                        rules: [{backendRefs: [{name: web, port: 80}]}]
                        """)).service("infra", "web", "10.0.0.1").compile();

        assertThat(c.table().virtualHosts()).filteredOn(v -> v.hostname().equals("*.example.com")).singleElement()
                .satisfies(v -> assertThat(v.coversSeveralLabels()).isTrue());
        assertThat(c.table().virtualHosts()).filteredOn(v -> v.hostname().equals("*.old.example.com"))
                .singleElement().satisfies(v -> assertThat(v.coversSeveralLabels()).isFalse());
    }

    @Test
    void anHttpsListenerWithoutHostnameServesItsCertificateToEveryNameAndItsCertificateMayHaveOddSans() {
        // the conformance suite's certificates: DNS *.org and *.wildcard.org, and a URI "*" the JDK cannot parse
        // (it then reports no subjectAltName at all)
        TestPki.Issued cert = PKI.issueWithNames(TestPki.KeyForm.RSA_PKCS1, java.time.Duration.ofDays(5), "default",
                new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, "*.org"),
                new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName,
                        "*.wildcard.org"),
                new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier, "*"));
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                - name: https
                  protocol: HTTPS
                  port: 443
                  tls: {certificateRefs: [{name: any-tls}]}
                """) + route("infra", "web", """
                parentRefs: [{name: edge}]
                hostnames: [example.org]
                rules: [{backendRefs: [{name: web, port: 80}]}]
                """)).service("infra", "web", "10.0.0.1")
                .secret("infra", "any-tls", "kubernetes.io/tls", "tls.crt", cert.chainPem(), "tls.key", cert.keyPem())
                .compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().certificates()).singleElement().satisfies(crt -> {
            assertThat(crt.name()).isEqualTo("infra/any-tls");
            assertThat(crt.hosts()).containsExactly("*", "example.org");
        });
    }

    private static List<Route> hostRoutes(Compilation c, String host) {
        return c.table().virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow()
                .routes();
    }
}
