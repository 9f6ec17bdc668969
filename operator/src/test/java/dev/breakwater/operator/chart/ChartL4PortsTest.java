package dev.breakwater.operator.chart;

import static dev.breakwater.operator.chart.Chart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data plane's L4 ports from values: container and host ports at the listener's number. */
class ChartL4PortsTest {

    private static Container dataPlane(Map<String, Object> values) {
        return Chart.render(values).get(DaemonSet.class, "breakwater-dataplane").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
    }

    @Test
    void l4PortsAreOpenedOnTheContainerAndTheNode() {
        Container c = dataPlane(values("dataplane.l4Ports", List.of(Map.of("name", "pg", "port", 5432,
                "protocol", "TCP"), Map.of("name", "dns", "port", 53, "protocol", "UDP"))));
        assertThat(c.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort,
                        ContainerPort::getHostPort, ContainerPort::getProtocol)
                .containsExactly(tuple("http", 8080, 80, "TCP"), tuple("https", 8443, 443, "TCP"),
                        tuple("pg", 5432, 5432, "TCP"), tuple("dns", 53, 53, "UDP"), tuple("admin", 9090, null, "TCP"));
        assertThat(dataPlane(Map.of()).getPorts()).extracting(ContainerPort::getName)
                .containsExactly("http", "https", "admin");
        assertThatThrownBy(() -> Chart.render(values("dataplane.l4Ports", List.of(Map.of("name", "pg", "port", 5432,
                "protocol", "SCTP"))))).hasMessageContaining("/dataplane/l4Ports/0/protocol");
    }
}
