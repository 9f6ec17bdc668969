package dev.breakwater.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.compile.GatewayService;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Service a Gateway's own Service is applied as, and the addresses it gives the Gateway. */
class GatewayServiceWriterTest {

    private static final GatewayService WANTED = new GatewayService("infra", "edge", "breakwater-system",
            "gw-infra-edge-0123abcd", "ClusterIP", Map.of("app.kubernetes.io/component", "dataplane"),
            List.of(new GatewayService.Port("http-80", 80, 20000), new GatewayService.Port("https-443", 443, 20001)),
            List.of("10.245.0.7", "lb.example.com"));

    @Test
    void theDesiredServiceSelectsTheDataPlanesAndMapsEachListenerPortToItsOwnTargetPort() {
        Service s = GatewayServiceWriter.desired(WANTED);

        assertThat(s.getApiVersion()).isEqualTo("v1");
        assertThat(s.getKind()).isEqualTo("Service");
        assertThat(s.getMetadata().getNamespace()).isEqualTo("breakwater-system");
        assertThat(s.getMetadata().getName()).isEqualTo("gw-infra-edge-0123abcd");
        assertThat(s.getMetadata().getLabels()).containsEntry(GatewayService.LABEL, "true");
        assertThat(s.getMetadata().getAnnotations()).containsEntry(GatewayService.GATEWAY_ANNOTATION, "infra/edge");
        assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(s.getSpec().getSelector()).containsExactly(Map.entry("app.kubernetes.io/component", "dataplane"));
        assertThat(s.getSpec().getPorts()).extracting(p -> p.getName(), p -> p.getPort(),
                p -> p.getTargetPort().getIntVal(), p -> p.getProtocol()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("http-80", 80, 20000, "TCP"),
                org.assertj.core.groups.Tuple.tuple("https-443", 443, 20001, "TCP"));
    }

    @Test
    void itsAddressesAreIpsAndHostNamesAndNoneWhileTheServiceHasNone() {
        assertThat(GatewayServiceWriter.addresses(WANTED)).containsExactly(
                new LoadBalancerAddress("10.245.0.7", null, List.of()),
                new LoadBalancerAddress(null, "lb.example.com", List.of()));
        assertThat(GatewayServiceWriter.addresses(new GatewayService("infra", "edge", "ns", "n", "ClusterIP",
                Map.of("a", "b"), List.of(), null))).isNull();
    }
}
