package dev.breakwater.operator.chart;

import static dev.breakwater.operator.chart.Chart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart with values other than its defaults, and the values it refuses. */
class ChartValuesTest {

    @Test
    void withHostNetworkTheDataPlaneBinds80And443ItselfAndStillResolvesTheOperator() {
        Chart.Rendering r = Chart.render(values("dataplane.hostNetwork", true));
        PodSpec pod = r.get(DaemonSet.class, "breakwater-dataplane").getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(c.getArgs()).containsSubsequence("--http-port", "80").containsSubsequence("--https-port", "443");
        assertThat(c.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort,
                ContainerPort::getHostPort).containsExactly(tuple("http", 80, 80), tuple("https", 443, 443),
                tuple("admin", 9090, 9090));
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getRunAsUser()).isNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void hostPortsCanBeLeftToAServiceInFront() {
        Chart.Rendering r = Chart.render(values("dataplane.hostPorts", false, "dataplane.service.enabled", true,
                "operator.ingressStatus.source", "service"));
        Container c = r.get(DaemonSet.class, "breakwater-dataplane").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        Service front = r.get(Service.class, "breakwater-dataplane");

        assertThat(c.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
        assertThat(front.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(front.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(front.getSpec().getPorts()).extracting(p -> p.getPort(), p -> p.getTargetPort().getStrVal())
                .containsExactly(tuple(80, "http"), tuple(443, "https"));
        assertThat(operatorArgs(r)).containsSubsequence("--status-service", "breakwater/breakwater-dataplane")
                .doesNotContain("--status-pods");
        // no node addresses to read
        assertThat(r.get(ClusterRole.class, "breakwater-operator").getRules())
                .noneSatisfy(rule -> assertThat(rule.getResources()).contains("nodes"));
        assertThat(r.get(Role.class, "breakwater-operator").getRules())
                .noneSatisfy(rule -> assertThat(rule.getResources()).contains("pods"));
    }

    @Test
    void hostPortsCanBeBoundToOneNodeAddress() {
        Container c = Chart.render(values("dataplane.hostIP", "10.244.0.1")).get(DaemonSet.class,
                "breakwater-dataplane").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getPorts()).extracting(ContainerPort::getName, ContainerPort::getHostPort, ContainerPort::getHostIP)
                .containsExactly(tuple("http", 80, "10.244.0.1"), tuple("https", 443, "10.244.0.1"),
                        tuple("admin", null, null));
        Container byDefault = Chart.render(Map.of()).get(DaemonSet.class, "breakwater-dataplane").getSpec()
                .getTemplate().getSpec().getContainers().get(0);
        assertThat(byDefault.getPorts()).allSatisfy(p -> assertThat(p.getHostIP()).isNull());
        assertThatThrownBy(() -> Chart.render(values("dataplane.hostIP", "node-1")))
                .hasMessageContaining("at '/dataplane/hostIP'");
    }

    @Test
    void ingressStatusFromFixedAddressesOrNotAtAll() {
        assertThat(operatorArgs(Chart.render(values("operator.ingressStatus.source", "addresses",
                "operator.ingressStatus.addresses", List.of("203.0.113.7", "lb.example.com")))))
                .containsSubsequence("--status-address", "203.0.113.7,lb.example.com");
        assertThat(operatorArgs(Chart.renderDefaults())).containsSubsequence("--status-pods",
                "app.kubernetes.io/component=dataplane,app.kubernetes.io/instance=breakwater,"
                        + "app.kubernetes.io/name=breakwater");
        assertThat(operatorArgs(Chart.render(values("operator.ingressStatus.source", "none"))))
                .doesNotContain("--status-address", "--status-service", "--status-pods");
        assertThatThrownBy(() -> Chart.render(values("operator.ingressStatus.source", "addresses")))
                .hasMessageContaining("operator.ingressStatus.addresses");
        assertThatThrownBy(() -> Chart.render(values("operator.ingressStatus.source", "service")))
                .hasMessageContaining("operator.ingressStatus.service");
    }

    @Test
    void anExistingSecretReplacesTheGeneratedCredentials() {
        Chart.Rendering r = Chart.render(values("channel.existingSecret", "my-channel",
                "channel.credentialsJob.helmHooks", false));

        assertThat(r.find("Job", "breakwater-channel-credentials")).isEmpty();
        assertThat(r.find("Role", "breakwater-channel-credentials")).isEmpty();
        for (PodSpec pod : List.of(r.get(Deployment.class, "breakwater-operator").getSpec().getTemplate().getSpec(),
                r.get(DaemonSet.class, "breakwater-dataplane").getSpec().getTemplate().getSpec())) {
            assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("channel")).singleElement()
                    .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("my-channel"));
        }
    }

    @Test
    void theCredentialsJobMakesTheSecretWithTheOperatorsOwnCommandAndMayOnlyCreateIt() {
        Chart.Rendering r = Chart.render(values("channel.credentialsJob.helmHooks", false));
        Job job = r.get(Job.class, "breakwater-channel-credentials");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertThat(job.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isPositive();
        assertThat(pod.getInitContainers()).isNullOrEmpty();
        assertThat(c.getImage()).isEqualTo("breakwater-operator:0.1.0");
        assertThat(c.getCommand()).containsExactly("/bin/sh");
        assertThat(c.getArgs()).hasSize(2).first().isEqualTo("-ec");
        assertThat(c.getArgs().get(1))
                .contains("java -jar /opt/breakwater/breakwater-operator.jar credentials \"$dir/pem\" "
                        + "--server-name breakwater-operator --server-name breakwater-operator.breakwater "
                        + "--server-name breakwater-operator.breakwater.svc "
                        + "--server-name breakwater-operator.breakwater.svc.cluster.local\n")
                .contains("200) echo \"Secret $NAMESPACE/$SECRET exists: kept\"; exit 0");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SECRET");
            assertThat(e.getValue()).isEqualTo("breakwater-channel");
        }).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("LABELS");
            assertThat(e.getValue()).contains("\"app.kubernetes.io/instance\":\"breakwater\"");
        });
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("credentials")).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir().getMedium()).isEqualTo("Memory"));
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo("breakwater-channel-credentials");
        Role role = r.get(Role.class, "breakwater-channel-credentials");
        assertThat(role.getRules()).satisfiesExactlyInAnyOrder(
                rule -> {
                    assertThat(rule.getVerbs()).containsExactly("create");
                    assertThat(rule.getResources()).containsExactly("secrets");
                },
                rule -> {
                    assertThat(rule.getVerbs()).containsExactly("get", "delete");
                    assertThat(rule.getResourceNames()).containsExactly("breakwater-channel");
                });
        assertThat(r.get(RoleBinding.class, "breakwater-channel-credentials").getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("breakwater-channel-credentials"));
    }

    @Test
    void serviceMonitorScrapesTheOperatorAndEveryDataPlane() {
        Chart.Rendering r = Chart.render(values("metrics.serviceMonitor.enabled", true,
                "metrics.serviceMonitor.labels", Map.of("release", "prometheus"), "operator.metrics.enabled", true));
        Chart.Document monitor = r.get("ServiceMonitor", "breakwater");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) monitor.object().get("spec");
        LabelSelector selector = Chart.SERIALIZATION.convertValue(spec.get("selector"), LabelSelector.class);
        Service operatorService = r.get(Service.class, "breakwater-operator-metrics");
        Service dataplaneMetrics = r.get(Service.class, "breakwater-dataplane-metrics");

        assertThat(monitor.object().get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.metadata().get("labels")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("release", "prometheus");
        for (Service s : List.of(operatorService, dataplaneMetrics)) {
            assertThat(s.getMetadata().getLabels()).containsAllEntriesOf(selector.getMatchLabels());
            assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getName())
                    .isEqualTo("metrics"));
        }
        assertThat(dataplaneMetrics.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("admin");
        assertThat(operatorService.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("health");
        assertThat(r.get(Deployment.class, "breakwater-operator").getSpec().getTemplate().getMetadata()
                .getAnnotations()).containsEntry("prometheus.io/port", "8081");
        assertThat(Chart.render(values("metrics.serviceMonitor.enabled", true)).find("Service",
                "breakwater-operator-metrics")).as("the operator is a target by default").isPresent();
        assertThat(Chart.render(values("metrics.serviceMonitor.enabled", true, "operator.metrics.enabled", false))
                .find("Service", "breakwater-operator-metrics")).as("unless operator.metrics.enabled is false")
                .isEmpty();
        assertThat(dataplaneMetrics.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(dataplaneMetrics.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "dataplane");
        assertThat(Chart.renderDefaults().find("ServiceMonitor", "breakwater")).isEmpty();
    }

    @Test
    void theDashboardAndTheAlertsAreTheChartsFilesAsTheyAre() throws Exception {
        Chart.Rendering r = Chart.render(values("metrics.grafanaDashboard.enabled", true,
                "metrics.grafanaDashboard.namespace", "monitoring", "metrics.prometheusRule.enabled", true,
                "metrics.prometheusRule.labels", Map.of("release", "prometheus")));
        ConfigMap dashboard = r.get(ConfigMap.class, "breakwater-dashboard");
        assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("monitoring");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.readTree(dashboard.getData().get("breakwater.json")))
                .isEqualTo(json.readTree(Chart.DIR.resolve("files/grafana-dashboard.json").toFile()));

        Chart.Document rule = r.get("PrometheusRule", "breakwater");
        assertThat(rule.object().get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.metadata().get("labels")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("release", "prometheus");
        assertThat(rule.object().get("spec")).isEqualTo(Chart.YAML.readValue(
                Chart.DIR.resolve("files/prometheus-rules.yaml").toFile(), Map.class));

        assertThat(Chart.renderDefaults().find("PrometheusRule", "breakwater")).isEmpty();
        assertThat(Chart.renderDefaults().find("ConfigMap", "breakwater-dashboard")).isEmpty();
    }

    @Test
    void networkPolicyLetsOnlyDataPlanesOntoTheChannelAndTheOperatorOnlyOntoTheApiServer() {
        Chart.Rendering r = Chart.render(values("networkPolicy.enabled", true,
                "networkPolicy.apiServer.cidrs", List.of("10.0.0.1/32"),
                "networkPolicy.adminFrom", List.of(Map.of("namespaceSelector",
                        Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring"))))));
        NetworkPolicy operator = r.get(NetworkPolicy.class, "breakwater-operator");
        NetworkPolicy dataplane = r.get(NetworkPolicy.class, "breakwater-dataplane");

        assertThat(operator.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(operator.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component",
                "operator");
        NetworkPolicyIngressRule channel = rule(operator, "channel");
        assertThat(channel.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector()
                .getMatchLabels()).containsEntry("app.kubernetes.io/component", "dataplane"));
        assertThat(rule(operator, "health").getFrom()).singleElement().satisfies(peer -> assertThat(
                peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring"));
        assertThat(operator.getSpec().getEgress()).singleElement().satisfies(egress -> {
            assertThat(egress.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(443, 6443);
            assertThat(egress.getTo()).singleElement().satisfies(to -> assertThat(to.getIpBlock().getCidr())
                    .isEqualTo("10.0.0.1/32"));
        });
        assertThat(dataplane.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(rule(dataplane, "http").getFrom()).isNullOrEmpty();
        assertThat(rule(dataplane, "admin").getFrom()).hasSize(1);
        assertThat(Chart.renderDefaults().ofKind("NetworkPolicy")).isEmpty();
    }

    @Test
    void withHostNetworkTheChannelIsOpenToNodeAddressesAndTheDataPlaneHasNoPolicy() {
        Chart.Rendering r = Chart.render(values("networkPolicy.enabled", true, "dataplane.hostNetwork", true,
                "networkPolicy.nodeCidrs", List.of("192.0.2.0/24")));

        assertThat(rule(r.get(NetworkPolicy.class, "breakwater-operator"), "channel").getFrom()).singleElement()
                .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("192.0.2.0/24"));
        assertThat(r.find("NetworkPolicy", "breakwater-dataplane")).isEmpty();
    }

    @Test
    void anotherReleaseInAnotherNamespaceNamesEverythingAfterItself() {
        Chart.Rendering r = Chart.render("edge", "edge-system", values("ingressClass.name", "edge",
                "channel.credentialsJob.helmHooks", false));

        assertThat(r.documents()).allSatisfy(d -> {
            if (!List.of("ClusterRole", "ClusterRoleBinding", "IngressClass").contains(d.kind())) {
                assertThat(d.namespace()).as(d.key()).isEqualTo("edge-system");
            }
            assertThat(d.name()).as(d.key()).startsWith("edge");
        });
        assertThat(r.get(ClusterRoleBinding.class, "edge-breakwater-operator").getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getNamespace()).isEqualTo("edge-system"));
        assertThat(r.get(DaemonSet.class, "edge-breakwater-dataplane").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs()).containsSubsequence("--operator",
                "edge-breakwater-operator.edge-system.svc:9400");
        assertThat(r.get(Job.class, "edge-breakwater-channel-credentials").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs().get(1)).contains("--server-name edge-breakwater-operator.edge-system.svc ");
        assertThat(operatorArgs(r, "edge-breakwater-operator")).containsSubsequence("--lease-name",
                "edge-breakwater-operator").containsSubsequence("--channel-service", "edge-breakwater-operator");
    }

    @Test
    void theClassCanBeTheClusterDefaultOrLeftOut() {
        assertThat(Chart.render(values("ingressClass.default", true)).get(IngressClass.class, "breakwater")
                .getMetadata().getAnnotations()).containsEntry("ingressclass.kubernetes.io/is-default-class", "true");
        assertThat(Chart.render(values("ingressClass.create", false)).ofKind("IngressClass")).isEmpty();
    }

    @Test
    void oneOperatorReplicaGetsNoDisruptionBudget() {
        Chart.Rendering r = Chart.render(values("operator.replicas", 1));

        assertThat(r.get(Deployment.class, "breakwater-operator").getSpec().getReplicas()).isEqualTo(1);
        assertThat(r.ofKind("PodDisruptionBudget")).isEmpty();
    }

    @Test
    void drainSettingsReachTheDataPlaneAndTheGracePeriodFollows() {
        Chart.Rendering r = Chart.render(values("dataplane.drain.preStopSleepSeconds", 10,
                "dataplane.drain.graceSeconds", 20, "dataplane.drain.timeoutSeconds", 120,
                "dataplane.updateStrategy.maxUnavailable", "25%"));
        DaemonSet ds = r.get(DaemonSet.class, "breakwater-dataplane");
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(c.getArgs()).containsSubsequence("--shutdown-grace", "20s", "--shutdown-timeout", "120s");
        assertThat(c.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "10");
        assertThat(ds.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(155);
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal())
                .isEqualTo("25%");
        assertThat(Chart.render(values("dataplane.terminationGracePeriodSeconds", 300)).get(DaemonSet.class,
                "breakwater-dataplane").getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(300);
        assertThatThrownBy(() -> Chart.render(values("dataplane.terminationGracePeriodSeconds", 40)))
                .hasMessageContaining("dataplane.terminationGracePeriodSeconds (40) must be larger than")
                .hasMessageContaining("(40)");
    }

    @Test
    void imagesTolerationsSelectorsAndExtraArgsAreTheUsersToSet() {
        Chart.Rendering r = Chart.render(values(
                "operator.image.repository", "registry.example.com/bw/operator", "operator.image.tag", "1.2.3",
                "dataplane.image.repository", "registry.example.com/bw/dataplane", "dataplane.image.pullPolicy",
                "Always", "dataplane.tolerations", List.of(Map.of("operator", "Exists")),
                "dataplane.nodeSelector", Map.of("role", "edge"), "dataplane.extraArgs", List.of("--cache-size", "1Gi"),
                "operator.defaultCertificate", "ingress/wildcard", "imagePullSecrets", List.of(Map.of("name", "pull"))));
        PodSpec dp = r.get(DaemonSet.class, "breakwater-dataplane").getSpec().getTemplate().getSpec();
        PodSpec op = r.get(Deployment.class, "breakwater-operator").getSpec().getTemplate().getSpec();

        assertThat(op.getContainers().get(0).getImage()).isEqualTo("registry.example.com/bw/operator:1.2.3");
        assertThat(dp.getContainers().get(0).getImage()).isEqualTo("registry.example.com/bw/dataplane:0.1.0");
        assertThat(dp.getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
        assertThat(dp.getTolerations()).singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(dp.getNodeSelector()).containsEntry("role", "edge"); // merged with the default kubernetes.io/os
        assertThat(dp.getContainers().get(0).getArgs()).endsWith("--cache-size", "1Gi");
        assertThat(op.getContainers().get(0).getArgs()).containsSubsequence("--default-certificate", "ingress/wildcard");
        assertThat(List.of(dp, op)).allSatisfy(p -> assertThat(p.getImagePullSecrets()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("pull")));
    }

    @Test
    void theSchemaRefusesAWrongTypeNamingTheValue() {
        assertThatThrownBy(() -> Chart.render(values("dataplane.hostNetwork", "yes")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/dataplane/hostNetwork': got string, want boolean");
    }

    @Test
    void theSchemaRefusesAnUnknownKeySuchAsATypo() {
        assertThatThrownBy(() -> Chart.render(values("dataplane.hostnetwork", true)))
                .hasMessageContaining("at '/dataplane': additional properties 'hostnetwork' not allowed");
    }

    @Test
    void theSchemaRefusesValuesOutOfTheirSet() {
        assertThatThrownBy(() -> Chart.render(values("operator.ingressStatus.source", "dns")))
                .hasMessageContaining("at '/operator/ingressStatus/source': value must be one of 'nodes', 'service', "
                        + "'addresses', 'none'");
        assertThatThrownBy(() -> Chart.render(values("dataplane.ports.http", 70000)))
                .hasMessageContaining("at '/dataplane/ports/http'");
        assertThatThrownBy(() -> Chart.render(values("operator.defaultCertificate", "just-a-name")))
                .hasMessageContaining("at '/operator/defaultCertificate'");
        assertThatThrownBy(() -> Chart.render(values("operator.replicas", 0)))
                .hasMessageContaining("at '/operator/replicas'");
    }

    @Test
    void portsThatCollideAreRefused() {
        assertThatThrownBy(() -> Chart.render(values("dataplane.ports.admin", 8443)))
                .hasMessageContaining("dataplane.ports.admin (8443) collides");
        assertThatThrownBy(() -> Chart.render(values("dataplane.ports.https", 80)))
                .hasMessageContaining("must differ");
    }

    private static List<String> operatorArgs(Chart.Rendering r) {
        return operatorArgs(r, "breakwater-operator");
    }

    private static List<String> operatorArgs(Chart.Rendering r, String name) {
        return r.get(Deployment.class, name).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    }

    private static NetworkPolicyIngressRule rule(NetworkPolicy policy, String port) {
        return policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().map(NetworkPolicyPort::getPort)
                        .anyMatch(p -> port.equals(p.getStrVal())))
                .findFirst().orElseThrow(() -> new AssertionError("no ingress rule for port " + port));
    }
}
