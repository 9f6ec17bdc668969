package dev.breakwater.operator.chart;

import static dev.breakwater.operator.chart.Chart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The data plane's L4 ports from values: container and host ports at the listener's number; the operator's TCP and
 * UDP services ConfigMaps: its flags, and a Role that lets it read those ConfigMaps by name only.
 */
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

    @Test
    void theServicesConfigMapsArePassedToTheOperatorAndReadableByNameOnly() throws Exception {
        Chart.Rendering rendering = Chart.render(values("operator.tcpServicesConfigMap", "l4-config/tcp-services",
                "operator.udpServicesConfigMap", "l4-config/udp-services"));
        assertThat(rendering.get(Deployment.class, "breakwater-operator").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs())
                .containsSubsequence("--tcp-services-configmap", "l4-config/tcp-services")
                .containsSubsequence("--udp-services-configmap", "l4-config/udp-services");
        Role role = rendering.get(Role.class, "breakwater-operator-l4-configmaps");
        RoleBinding binding = rendering.get(RoleBinding.class, "breakwater-operator-l4-configmaps");
        assertThat(role.getMetadata().getNamespace()).isEqualTo("l4-config");
        assertThat(binding.getMetadata().getNamespace()).isEqualTo("l4-config");

        // the API-server tests grant exactly this (src/test/resources/kube/rbac-l4-configmaps.yaml)
        String[] tested = Files.readString(Path.of("src/test/resources/kube/rbac-l4-configmaps.yaml"))
                .split("\n---\n");
        Role testedRole = Chart.SERIALIZATION.unmarshal(tested[0], Role.class);
        RoleBinding testedBinding = Chart.SERIALIZATION.unmarshal(tested[1], RoleBinding.class);
        assertThat(role.getRules()).isEqualTo(testedRole.getRules());
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("configmaps");
            assertThat(rule.getResourceNames()).containsExactly("tcp-services", "udp-services");
            assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
        });
        assertThat(binding.getRoleRef()).isEqualTo(testedBinding.getRoleRef());
        assertThat(binding.getSubjects()).isEqualTo(testedBinding.getSubjects());
        assertThat(role.getMetadata().getName()).isEqualTo(testedRole.getMetadata().getName());

        // two namespaces: a Role in each; none without the values
        Chart.Rendering two = Chart.render(values("operator.tcpServicesConfigMap", "a/tcp",
                "operator.udpServicesConfigMap", "b/udp"));
        assertThat(two.ofKind("Role")).extracting(Chart.Document::key)
                .contains("Role/a/breakwater-operator-l4-configmaps", "Role/b/breakwater-operator-l4-configmaps");
        assertThat(Chart.renderDefaults().ofKind("Role")).extracting(Chart.Document::name)
                .doesNotContain("breakwater-operator-l4-configmaps");
        assertThatThrownBy(() -> Chart.render(values("operator.tcpServicesConfigMap", "no-slash")))
                .hasMessageContaining("/operator/tcpServicesConfigMap");
    }
}
