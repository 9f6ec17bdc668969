package dev.breakwater.operator.kube;

import static dev.breakwater.operator.kube.OperatorAgainstApiServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.channel.ChannelCredentials;
import dev.breakwater.channel.ChannelTls;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.publish.TableServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BackendTLSPolicy in a real kube-apiserver with the upstream standard-channel CRDs, the operator running as the
 * ServiceAccount of the chart's RBAC: a policy on the Service an HTTPRoute sends to gets the Gateway as its ancestor
 * with {@code Accepted} and {@code ResolvedRefs} True; naming a ConfigMap that does not exist makes them False with
 * the spec's reasons, and creating that ConfigMap (the operator watches ConfigMaps) makes them True again; a newer
 * policy of the same target is {@code Conflicted}.
 */
@ExtendWith(KubeApiServer.class)
class BackendTlsPolicyAgainstApiServerTest {

    private static final List<String> CRDS = List.of("gatewayclasses", "gateways", "httproutes", "grpcroutes",
            "referencegrants", "tlsroutes", "tcproutes", "udproutes", "backendtlspolicies");
    private static final TestPki PKI = TestPki.create("BackendTLSPolicy status test CA");

    static ApiServerSession session;
    static KubernetesClient admin;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String ns;
    private String gatewayClass;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) throws Exception {
        session = ApiServerSession.withShippedRbac(started);
        admin = session.admin;
        session.installGatewayApiCrds(CRDS);
        await("discovery to list BackendTLSPolicies", () -> admin.supports("gateway.networking.k8s.io/v1",
                "BackendTLSPolicy") && admin.supports("gateway.networking.k8s.io/v1beta1", "ReferenceGrant"));
    }

    @AfterAll
    static void closeSession() {
        if (session != null) {
            session.close();
        }
    }

    @BeforeEach
    void namespace() {
        ns = "b-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        gatewayClass = "breakwater-" + ns;
        session.createNamespaces(ns);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        admin.resources(GatewayClass.class).withName(gatewayClass).delete();
    }

    private void operator() throws Exception {
        ChannelCredentials credentials = ChannelCredentials.generate(List.of("localhost", "127.0.0.1"));
        TableServer channel = TableServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(ChannelTls.server(credentials.serverCertificate(), credentials.serverKey(),
                        credentials.caCertificate()))
                .threads(1).build().start();
        closeables.add(channel);
        closeables.add(session.operator(ns, channel, "--namespaces", ns, "--ingress-class", "breakwater-it"));
    }

    private <T extends HasMetadata> void apply(String yaml, Class<T> type) {
        T object = Serialization.unmarshal(yaml.replace("NS", ns).replace("CLASS", gatewayClass), type);
        admin.resource(object).fieldManager("test").forceConflicts().serverSideApply();
    }

    private void policy(String name, String configMap) {
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {namespace: NS, name: %s}
                spec:
                  targetRefs: [{group: "", kind: Service, name: web, sectionName: https}]
                  validation:
                    caCertificateRefs: [{group: "", kind: ConfigMap, name: %s}]
                    hostname: web.internal
                """.formatted(name, configMap), BackendTLSPolicy.class);
    }

    /** The policy's ancestor of ours for Gateway {@code edge} once its condition {@code type} has {@code reason}. */
    private PolicyAncestorStatus awaitAncestor(String policy, String type, String status, String reason) {
        return await(policy + " " + type + "=" + status + " (" + reason + ")", () -> {
            BackendTLSPolicy p = admin.resources(BackendTLSPolicy.class).inNamespace(ns).withName(policy).get();
            if (p == null || p.getStatus() == null || p.getStatus().getAncestors() == null) {
                return null;
            }
            for (PolicyAncestorStatus a : p.getStatus().getAncestors()) {
                if (!"breakwater.dev/gateway-controller".equals(a.getControllerName())
                        || !"edge".equals(a.getAncestorRef().getName())) {
                    continue;
                }
                Condition c = a.getConditions().stream().filter(x -> type.equals(x.getType())).findFirst()
                        .orElse(null);
                if (c != null && status.equals(c.getStatus()) && reason.equals(c.getReason())
                        && p.getMetadata().getGeneration().equals(c.getObservedGeneration())) {
                    return a;
                }
            }
            return null;
        });
    }

    @Test
    void aPolicyOnARoutesServiceGetsTheGatewayAsAncestorAndFollowsItsCaConfigMap() throws Exception {
        admin.resource(Fixtures.service(ns, "web").port("https", 443, 8443).build()).fieldManager("test")
                .forceConflicts().serverSideApply();
        admin.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName("web-ca").endMetadata()
                .withData(Map.of("ca.crt", PKI.caPem())).build()).fieldManager("test").forceConflicts()
                .serverSideApply();
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: CLASS}
                spec: {controllerName: breakwater.dev/gateway-controller}
                """, GatewayClass.class);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {namespace: NS, name: edge}
                spec:
                  gatewayClassName: CLASS
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                """, Gateway.class);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {namespace: NS, name: shop}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [shop.example.com]
                  rules: [{backendRefs: [{name: web, port: 443}]}]
                """, HTTPRoute.class);
        policy("web-tls", "web-ca");
        operator();

        PolicyAncestorStatus a = awaitAncestor("web-tls", "Accepted", "True", "Accepted");
        assertThat(a.getAncestorRef().getKind()).isEqualTo("Gateway");
        assertThat(a.getAncestorRef().getGroup()).isEqualTo("gateway.networking.k8s.io");
        assertThat(a.getAncestorRef().getNamespace()).isEqualTo(ns);
        awaitAncestor("web-tls", "ResolvedRefs", "True", "ResolvedRefs");

        policy("web-tls", "later-ca");
        PolicyAncestorStatus broken = awaitAncestor("web-tls", "Accepted", "False", "NoValidCACertificate");
        Condition resolved = broken.getConditions().stream().filter(c -> c.getType().equals("ResolvedRefs"))
                .findFirst().orElseThrow();
        assertThat(resolved.getStatus()).isEqualTo("False");
        assertThat(resolved.getReason()).isEqualTo("InvalidCACertificateRef");
        assertThat(resolved.getMessage()).contains("ConfigMap " + ns + "/later-ca does not exist");

        ConfigMap later = new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName("later-ca")
                .endMetadata().withData(Map.of("ca.crt", PKI.caPem())).build();
        admin.resource(later).fieldManager("test").forceConflicts().serverSideApply();
        awaitAncestor("web-tls", "Accepted", "True", "Accepted");
        awaitAncestor("web-tls", "ResolvedRefs", "True", "ResolvedRefs");

        Thread.sleep(1100); // creation timestamps have seconds: the second policy is strictly newer
        policy("web-tls-2", "web-ca");
        PolicyAncestorStatus conflicted = awaitAncestor("web-tls-2", "Accepted", "False", "Conflicted");
        assertThat(conflicted.getConditions().stream().filter(c -> c.getType().equals("Accepted")).findFirst()
                .orElseThrow().getMessage()).contains(ns + "/web-tls");
        awaitAncestor("web-tls", "Accepted", "True", "Accepted");
    }
}
