package dev.breakwater.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.fixture.Fixtures;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Ingress status addresses and what gets written, without a server. */
class StatusComputationTest {

    private static final List<LoadBalancerAddress> OURS = List.of(LoadBalancerAddress.parse("203.0.113.7"),
            LoadBalancerAddress.parse("lb.example.com"));

    @Test
    void fixedAddressesAreIpsOrHostNames() {
        assertThat(LoadBalancerAddress.parse("10.1.2.3")).isEqualTo(new LoadBalancerAddress("10.1.2.3", null, null));
        assertThat(LoadBalancerAddress.parse("2001:db8::1").ip()).isEqualTo("2001:db8::1");
        assertThat(LoadBalancerAddress.parse("LB.Example.com").hostname()).isEqualTo("lb.example.com");
        assertThatThrownBy(() -> LoadBalancerAddress.parse("not a name")).hasMessageContaining("neither an IP");
        assertThatThrownBy(() -> LoadBalancerAddress.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void aLoadBalancerServicesAddressesAreCopiedWithTheirPorts() {
        Service lb = Fixtures.service("infra", "edge").port("http", 80, 8080).build();
        assertThat(StatusAddresses.ofService(lb)).isEmpty();
        assertThat(StatusAddresses.ofService(null)).isEmpty();
        LoadBalancerIngress ip = new LoadBalancerIngress();
        ip.setIp("198.51.100.4");
        ip.setPorts(List.of(new PortStatus("", 80, "TCP")));
        LoadBalancerIngress name = new LoadBalancerIngress();
        name.setHostname("abc.elb.example.com");
        lb.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
                .withIngress(name, ip, new LoadBalancerIngress()).endLoadBalancer().build());
        assertThat(StatusAddresses.ofService(lb)).containsExactly(
                new LoadBalancerAddress(null, "abc.elb.example.com", List.of()),
                new LoadBalancerAddress("198.51.100.4", null, List.of(new LoadBalancerAddress.Port(80, "TCP", ""))));
    }

    @Test
    void dataPlaneNodesGiveTheirExternalElseInternalAddress() {
        var nodes = List.of(
                new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
                        .withAddresses(new NodeAddress("10.0.0.1", "InternalIP"), new NodeAddress("203.0.113.1", "ExternalIP"),
                                new NodeAddress("n1.local", "Hostname")).endStatus().build(),
                new NodeBuilder().withNewMetadata().withName("n2").endMetadata().withNewStatus()
                        .withAddresses(new NodeAddress("10.0.0.2", "InternalIP")).endStatus().build(),
                new NodeBuilder().withNewMetadata().withName("n3").endMetadata().withNewStatus()
                        .withAddresses(new NodeAddress("10.0.0.3", "InternalIP")).endStatus().build(),
                new NodeBuilder().withNewMetadata().withName("n4").endMetadata().withNewStatus()
                        .withAddresses(new NodeAddress("10.0.0.4", "InternalIP")).endStatus().build());
        List<Pod> pods = List.of(pod("dp-1", "n1", "Running", false), pod("dp-2", "n2", null, false),
                pod("dp-2b", "n2", "Running", false), pod("dp-3", "n3", "Failed", false),
                pod("dp-4", "n4", "Running", true), pod("dp-5", null, "Pending", false), pod("dp-6", "gone", null, false));
        assertThat(StatusAddresses.ofNodes(pods, nodes)).extracting(LoadBalancerAddress::ip)
                .containsExactly("10.0.0.2", "203.0.113.1");
    }

    private static Pod pod(String name, String node, String phase, boolean deleting) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("breakwater")
                .withDeletionTimestamp(deleting ? "2026-01-01T00:00:00Z" : null).endMetadata()
                .withNewSpec().withNodeName(node).endSpec().withNewStatus().withPhase(phase).endStatus().build();
    }

    private static Ingress withStatus(Ingress ingress, List<LoadBalancerAddress> addresses) {
        ingress.setStatus(IngressStatusPolicy.statusPatch(ingress, addresses).getStatus());
        return ingress;
    }

    @Test
    void anIngressWeServeGetsOurAddressesOnlyWhenItsStatusDiffers() {
        StatusBook.IngressFacts served = new StatusBook.IngressFacts(true, List.of());
        Ingress ingress = Fixtures.ingress("default", "web").host("a.example.com").prefix("/", "web", 80).build();
        assertThat(IngressStatusPolicy.desired(ingress, served, OURS)).contains(OURS);
        withStatus(ingress, List.of(OURS.get(1), OURS.get(0))); // another order: the same status
        assertThat(IngressStatusPolicy.desired(ingress, served, OURS.stream().sorted().toList())).isEmpty();
        assertThat(IngressStatusPolicy.desired(ingress, served, List.of(OURS.get(0)))).contains(List.of(OURS.get(0)));
        // no facts yet (no compilation as leader) or no address source: leave it alone
        assertThat(IngressStatusPolicy.desired(ingress, null, OURS)).isEmpty();
        assertThat(IngressStatusPolicy.desired(ingress, served, null)).isEmpty();
    }

    @Test
    void anIngressWeDoNotServeLosesOurAddressesButNotAnotherControllers() {
        StatusBook.IngressFacts foreign = new StatusBook.IngressFacts(false, List.of());
        List<LoadBalancerAddress> sorted = OURS.stream().sorted().toList();
        Ingress moved = withStatus(Fixtures.ingress("default", "moved").build(), sorted);
        assertThat(IngressStatusPolicy.desired(moved, foreign, sorted)).contains(List.of());
        Ingress others = withStatus(Fixtures.ingress("default", "theirs").build(),
                List.of(LoadBalancerAddress.parse("192.0.2.1")));
        assertThat(IngressStatusPolicy.desired(others, foreign, sorted)).isEmpty();
        assertThat(IngressStatusPolicy.desired(Fixtures.ingress("default", "bare").build(), foreign, sorted)).isEmpty();
    }

    @Test
    void theStatusPatchIsTheSmallestIngressThatSaysIt() {
        Ingress ingress = Fixtures.ingress("shop", "web").annotation("a", "b").host("a.example.com")
                .prefix("/", "web", 80).build();
        Ingress patch = IngressStatusPolicy.statusPatch(ingress, OURS);
        assertThat(patch.getSpec()).isNull();
        assertThat(patch.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(patch.getMetadata().getName()).isEqualTo("web");
        assertThat(patch.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(patch.getStatus().getLoadBalancer().getIngress()).hasSize(2);
        assertThat(patch.getStatus().getLoadBalancer().getIngress().get(0).getIp()).isEqualTo("203.0.113.7");
        assertThat(patch.getStatus().getLoadBalancer().getIngress().get(1).getHostname()).isEqualTo("lb.example.com");
    }

    @Test
    void theBookTellsWhichIngressesChanged() {
        StatusBook book = new StatusBook(CompilerOptions.local(null));
        Ingress good = Fixtures.ingress("default", "good").host("a.example.com").prefix("/", "web", 80).build();
        Ingress bad = Fixtures.ingress("default", "bad").host("b.example.com").prefix("/", "missing", 80).build();
        Ingress foreign = Fixtures.ingress("default", "foreign").className("nginx").host("c.example.com")
                .prefix("/", "web", 80).build();
        ClusterSnapshot snapshot = new ClusterSnapshot(List.of(good, bad, foreign), List.of(),
                List.of(Fixtures.service("default", "web").port("http", 80, 8080).build()),
                List.of(Fixtures.endpointSlice("default", "web-1", "web").port("http", 8080).endpoint("10.0.0.1")
                        .build()), List.of());
        Compilation compilation = Compiler.compile(snapshot, CompilerOptions.local(null));
        assertThat(book.facts("Ingress/default/good")).isNull();
        assertThat(book.compiled(snapshot, compilation)).containsExactlyInAnyOrder("Ingress/default/good",
                "Ingress/default/bad", "Ingress/default/foreign");
        assertThat(book.facts("Ingress/default/good")).isEqualTo(new StatusBook.IngressFacts(true, List.of()));
        assertThat(book.facts("Ingress/default/foreign").served()).isFalse();
        assertThat(book.facts("Ingress/default/bad").diagnostics()).singleElement()
                .satisfies(d -> assertThat(d.field()).isEqualTo("spec.rules[0].http.paths[0].backend.service.name"));
        // the same compilation again: nothing changed
        assertThat(book.compiled(snapshot, compilation)).isEmpty();
        // addresses: unknown until a source reports; then every Ingress is looked at again, once
        assertThat(book.addresses()).isNull();
        assertThat(book.addresses(OURS)).hasSize(3);
        assertThat(book.addresses(List.of(OURS.get(1), OURS.get(0)))).isEmpty();
        // "bad" is fixed and "good" deleted
        ClusterSnapshot later = new ClusterSnapshot(List.of(foreign,
                Fixtures.ingress("default", "bad").host("b.example.com").prefix("/", "web", 80).build()), List.of(),
                snapshot.services(), snapshot.endpointSlices(), List.of());
        assertThat(book.compiled(later, Compiler.compile(later, CompilerOptions.local(null))))
                .containsExactlyInAnyOrder("Ingress/default/bad", "Ingress/default/good");
        book.reset();
        assertThat(book.facts("Ingress/default/bad")).isNull();
    }

    @Test
    void eventReasonsSayWhatKindOfFieldIsWrong() {
        assertThat(EventReasons.of(Diagnostic.error("Ingress/a/b", "spec.rules[0].http.paths[0].backend.service.name",
                "x"))).isEqualTo("BackendNotResolved");
        assertThat(EventReasons.of(Diagnostic.error("Ingress/a/b", "spec.defaultBackend", "x")))
                .isEqualTo("BackendNotResolved");
        assertThat(EventReasons.of(Diagnostic.error("Ingress/a/b", "spec.rules[1].host", "x"))).isEqualTo("InvalidHost");
        assertThat(EventReasons.of(Diagnostic.error("Ingress/a/b", "spec.rules[0].http.paths[2].pathType", "x")))
                .isEqualTo("InvalidPath");
        assertThat(EventReasons.of(Diagnostic.warning("Ingress/a/b", "spec.rules[0].http.paths[2]", "x")))
                .isEqualTo("PathConflict");
        assertThat(EventReasons.of(Diagnostic.error("Ingress/a/b", "spec.tls[0].secretName", "x"))).isEqualTo("InvalidTLS");
        assertThat(EventReasons.of(Diagnostic.warning("Ingress/a/b", "metadata.annotations['breakwater.dev/x']", "x")))
                .isEqualTo("InvalidAnnotation");
        assertThat(EventReasons.of(Diagnostic.error("Ingress/a/b", null, "x"))).isEqualTo("InvalidIngress");
        assertThat(EventReasons.message(Diagnostic.error("Ingress/a/b", "spec.rules[1].host", "bad host")))
                .isEqualTo("spec.rules[1].host: bad host");
        assertThat(EventReasons.message(Diagnostic.error("Ingress/a/b", null, "x".repeat(2000)))).hasSize(1024);
    }

    @Test
    void eventNamesAreStablePerIngressAndDiagnostic() {
        Ingress ingress = Fixtures.ingress("default", "web").build();
        ingress.getMetadata().setUid("0b7e1c3a-0000-4000-8000-000000000001");
        Diagnostic d = Diagnostic.error("Ingress/default/web", "spec.rules[0].host", "bad");
        String name = DiagnosticEvents.eventName(ingress, d);
        assertThat(name).matches("web\\.[0-9a-f]{16}").isEqualTo(DiagnosticEvents.eventName(ingress, d));
        assertThat(DiagnosticEvents.eventName(ingress, Diagnostic.error("Ingress/default/web", "spec.rules[1].host",
                "bad"))).isNotEqualTo(name);
        assertThat(Optional.of(name.length())).hasValueSatisfying(n -> assertThat(n).isLessThan(253));
    }
}
