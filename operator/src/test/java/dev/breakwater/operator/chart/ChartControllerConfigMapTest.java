package dev.breakwater.operator.chart;

import static dev.breakwater.operator.chart.Chart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.Test;

/**
 * {@code operator.controllerConfigMap}: ingress-nginx's controller ConfigMap passed to the operator as
 * {@code --configmap}, readable by its name only (in the Role of the L4 ConfigMaps of its namespace).
 */
class ChartControllerConfigMapTest {

    @Test
    void theControllerConfigMapIsPassedAndReadableByNameOnly() {
        Chart.Rendering rendering = Chart.render(values("operator.controllerConfigMap",
                "ingress-nginx/ingress-nginx-controller", "operator.tcpServicesConfigMap", "ingress-nginx/tcp-services"));
        assertThat(rendering.get(Deployment.class, "breakwater-operator").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs())
                .containsSubsequence("--configmap", "ingress-nginx/ingress-nginx-controller");
        Role role = rendering.get(Role.class, "breakwater-operator-l4-configmaps");
        assertThat(role.getMetadata().getNamespace()).isEqualTo("ingress-nginx");
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("configmaps");
            assertThat(rule.getResourceNames()).containsExactly("ingress-nginx-controller", "tcp-services");
            assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
        });

        assertThat(Chart.renderDefaults().get(Deployment.class, "breakwater-operator").getSpec().getTemplate()
                .getSpec().getContainers().get(0).getArgs()).doesNotContain("--configmap");
        assertThatThrownBy(() -> Chart.render(values("operator.controllerConfigMap", "no-slash")))
                .hasMessageContaining("/operator/controllerConfigMap");
    }
}
