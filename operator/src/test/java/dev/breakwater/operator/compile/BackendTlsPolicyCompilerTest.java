package dev.breakwater.operator.compile;

import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.CLASS;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.gateway;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.routing.Cluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BackendTLSPolicies compiled into the upstream TLS of the clusters HTTPRoutes and GRPCRoutes send to: the CA from a
 * ConfigMap or the system's, the hostname as SNI, subjectAltNames; which policy applies to a port (sectionName first,
 * then the oldest); and the status the spec names, one ancestor per Gateway whose routes use the target.
 */
class BackendTlsPolicyCompilerTest {

    private static final TestPki PKI = TestPki.create("BackendTLSPolicy compiler test CA");

    private static final String HTTP = """
            - name: http
              protocol: HTTP
              port: 80
              allowedRoutes: {namespaces: {from: All}}
            """;

    private static String policy(String name, String created, String spec) {
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {namespace: infra, name: %s, generation: 4, creationTimestamp: "%s"}
                spec:
                %s""".formatted(name, created, spec.indent(2));
    }

    private static String caConfigMap(String name, String pem) {
        return """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {namespace: infra, name: %s}
                data:
                  ca.crt: |
                %s
                """.formatted(name, pem.strip().indent(4).stripTrailing());
    }

    private static final String ROUTE = route("infra", "shop", """
            parentRefs: [{name: edge}]
            hostnames: [shop.test]
            rules: [{backendRefs: [{name: web, port: 80}]}]
            """);

    private static Compilation compile(String... objects) {
        return Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", HTTP) + ROUTE + String.join("", objects))
                .service("infra", "web", "10.0.0.1").service("infra", "api", "10.0.0.2").compile();
    }

    private static Cluster webCluster(Compilation c) {
        List<Cluster> clusters = c.table().clusters().stream().filter(k -> k.name().startsWith("infra/web:"))
                .toList();
        assertThat(clusters).hasSize(1);
        return clusters.get(0);
    }

    private static GatewayApiStatus.ParentReport ancestor(Compilation c, String policy) {
        GatewayApiStatus.HttpRouteReport r = c.gatewayApi().route("BackendTLSPolicy", "infra", policy);
        assertThat(r.parents()).hasSize(1);
        GatewayApiStatus.ParentReport p = r.parents().get(0);
        assertThat(p.ref()).isEqualTo(new GatewayApiStatus.ParentRef("gateway.networking.k8s.io", "Gateway", "infra",
                "edge", null, null));
        return p;
    }

    private static List<Object> condition(RouteStatusReport.Condition c) {
        return List.of(c.status(), c.reason());
    }

    @Test
    void aPolicyWithAConfigMapCaMakesTheClusterHttpsVerifiedAgainstItWithTheHostnameAsSni() {
        Compilation c = compile(caConfigMap("web-ca", PKI.caPem()), policy("web-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation:
                  caCertificateRefs: [{group: "", kind: ConfigMap, name: web-ca}]
                  hostname: web.internal
                """));

        Cluster web = webCluster(c);
        assertThat(web.protocol()).isEqualTo(Cluster.Protocol.HTTPS);
        assertThat(web.tls().caCertificates()).contains("BEGIN CERTIFICATE");
        assertThat(web.tls().serverName()).isEqualTo("web.internal");
        assertThat(web.tls().subjectAltNames()).isEmpty();
        assertThat(web.endpoints()).hasSize(1);
        GatewayApiStatus.ParentReport p = ancestor(c, "web-tls");
        assertThat(condition(p.accepted())).containsExactly(true, "Accepted");
        assertThat(condition(p.resolvedRefs())).containsExactly(true, "ResolvedRefs");
        assertThat(c.gatewayApi().route("BackendTLSPolicy", "infra", "web-tls").generation()).isEqualTo(4L);
        // the route itself is untouched by the policy
        assertThat(condition(c.gatewayApi().httpRoute("infra", "shop").parents().get(0).resolvedRefs()))
                .containsExactly(true, "ResolvedRefs");
    }

    @Test
    void systemCasAndSubjectAltNamesOfBothTypesAreCarriedToTheCluster() {
        Compilation c = compile(policy("web-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web, sectionName: http}]
                validation:
                  wellKnownCACertificates: System
                  hostname: sni.internal
                  subjectAltNames:
                  - {type: Hostname, hostname: web.internal}
                  - {type: URI, uri: "spiffe://cluster.local/ns/infra/sa/web"}
                """));

        Cluster web = webCluster(c);
        assertThat(web.protocol()).isEqualTo(Cluster.Protocol.HTTPS);
        assertThat(web.tls().caCertificates()).isNull();
        assertThat(web.tls().wellKnown()).isEqualTo(Cluster.UpstreamTls.SYSTEM);
        assertThat(web.tls().verifies()).isTrue();
        assertThat(web.tls().serverName()).isEqualTo("sni.internal");
        assertThat(web.tls().subjectAltNames()).containsExactly("DNS:web.internal",
                "URI:spiffe://cluster.local/ns/infra/sa/web");
        assertThat(condition(ancestor(c, "web-tls").accepted())).containsExactly(true, "Accepted");
    }

    @Test
    void invalidCaRefsAreReportedWithTheSpecsReasonsAndTheirRequestsFail() {
        Compilation missing = compile(policy("web-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation:
                  caCertificateRefs: [{group: "", kind: ConfigMap, name: nowhere}]
                  hostname: web.internal
                """));
        GatewayApiStatus.ParentReport p = ancestor(missing, "web-tls");
        assertThat(condition(p.accepted())).containsExactly(false, "NoValidCACertificate");
        assertThat(condition(p.resolvedRefs())).containsExactly(false, "InvalidCACertificateRef");
        assertThat(p.resolvedRefs().message()).contains("spec.validation.caCertificateRefs[0]")
                .contains("ConfigMap infra/nowhere does not exist");
        Cluster web = webCluster(missing);
        assertThat(web.endpoints()).isEmpty(); // no endpoint: 503, never an unverified connection
        assertThat(web.name()).endsWith("|backend-tls-invalid");

        Compilation kind = compile(policy("web-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation:
                  caCertificateRefs: [{group: "", kind: Secret, name: web-ca}]
                  hostname: web.internal
                """));
        assertThat(condition(ancestor(kind, "web-tls").accepted())).containsExactly(false, "NoValidCACertificate");
        assertThat(condition(ancestor(kind, "web-tls").resolvedRefs())).containsExactly(false, "InvalidKind");

        Compilation empty = compile(caConfigMap("web-ca", "not a certificate"), policy("web-tls",
                "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation:
                  caCertificateRefs: [{group: "", kind: ConfigMap, name: web-ca}]
                  hostname: web.internal
                """));
        assertThat(condition(ancestor(empty, "web-tls").resolvedRefs())).containsExactly(false,
                "InvalidCACertificateRef");

        // one good ref of two: accepted, the bad one reported, the good CA used
        Compilation some = compile(caConfigMap("web-ca", PKI.caPem()), policy("web-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation:
                  caCertificateRefs: [{group: "", kind: ConfigMap, name: web-ca}, {group: "", kind: ConfigMap, name: gone}]
                  hostname: web.internal
                """));
        assertThat(condition(ancestor(some, "web-tls").accepted())).containsExactly(true, "Accepted");
        assertThat(condition(ancestor(some, "web-tls").resolvedRefs())).containsExactly(false,
                "InvalidCACertificateRef");
        assertThat(webCluster(some).tls().caCertificates()).isEqualTo(PKI.caPem().strip() + "\n");

        Compilation unknown = compile(policy("web-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation:
                  wellKnownCACertificates: example.com/mine
                  hostname: web.internal
                """));
        assertThat(condition(ancestor(unknown, "web-tls").accepted())).containsExactly(false, "Invalid");
        assertThat(webCluster(unknown).endpoints()).isEmpty();
    }

    @Test
    void theOldestPolicyOfATargetWinsThenTheFirstByNameAndASectionNameGoesBeforeTheWholeService() {
        String ca = caConfigMap("web-ca", PKI.caPem());
        String older = policy("b-older", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation: {wellKnownCACertificates: System, hostname: older.internal}
                """);
        String newer = policy("a-newer", "2026-02-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation: {wellKnownCACertificates: System, hostname: newer.internal}
                """);
        Compilation c = compile(ca, newer, older);
        assertThat(webCluster(c).tls().serverName()).isEqualTo("older.internal");
        assertThat(condition(ancestor(c, "b-older").accepted())).containsExactly(true, "Accepted");
        assertThat(condition(ancestor(c, "a-newer").accepted())).containsExactly(false, "Conflicted");
        assertThat(ancestor(c, "a-newer").accepted().message()).contains("infra/b-older");

        String sameTime = policy("a-same", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation: {wellKnownCACertificates: System, hostname: same.internal}
                """);
        Compilation tie = compile(older, sameTime);
        assertThat(webCluster(tie).tls().serverName()).isEqualTo("same.internal");
        assertThat(condition(ancestor(tie, "b-older").accepted())).containsExactly(false, "Conflicted");

        String section = policy("c-section", "2026-03-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web, sectionName: http}]
                validation: {wellKnownCACertificates: System, hostname: section.internal}
                """);
        Compilation both = compile(older, section);
        assertThat(webCluster(both).tls().serverName()).isEqualTo("section.internal");
        assertThat(condition(ancestor(both, "c-section").accepted())).containsExactly(true, "Accepted");
        assertThat(condition(ancestor(both, "b-older").accepted())).containsExactly(true, "Accepted");
    }

    @Test
    void aPolicyWhoseTargetsNoRouteOfOursUsesHasNoAncestorAndOtherServicesStayInClear() {
        Compilation c = compile(policy("api-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: api}]
                validation: {wellKnownCACertificates: System, hostname: api.internal}
                """));

        assertThat(c.gatewayApi().route("BackendTLSPolicy", "infra", "api-tls").parents()).isEmpty();
        Cluster web = webCluster(c);
        assertThat(web.protocol()).isEqualTo(Cluster.Protocol.HTTP1);
        assertThat(web.tls()).isNull();
    }

    @Test
    void aGrpcRoutesBackendWithAPolicyIsSpokenToInHttp2OverTls() {
        Compilation c = Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", HTTP) + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {namespace: infra, name: rpc, generation: 1}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [rpc.test]
                  rules: [{backendRefs: [{name: web, port: 80}]}]
                """ + policy("web-tls", "2026-01-01T00:00:00Z", """
                targetRefs: [{group: "", kind: Service, name: web}]
                validation: {wellKnownCACertificates: System, hostname: web.internal}
                """)).service("infra", "web", "10.0.0.1").compile();

        assertThat(webCluster(c).protocol()).isEqualTo(Cluster.Protocol.H2);
        assertThat(condition(ancestor(c, "web-tls").accepted())).containsExactly(true, "Accepted");
    }
}
