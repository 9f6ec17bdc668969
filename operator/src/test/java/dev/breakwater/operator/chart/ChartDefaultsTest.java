package dev.breakwater.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart with its default values, as {@code helm template breakwater charts/breakwater -n breakwater} renders it. */
class ChartDefaultsTest {

    static final Chart.Rendering DEFAULTS = Chart.renderDefaults();

    @Test
    void lintIsCleanInStrictMode() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).allSatisfy(m -> assertThat(m).doesNotContain("[WARNING]", "[ERROR]"));
    }

    @Test
    void chartTargetsKubernetes129AndLaterAndTagsImagesWithItsAppVersion() throws Exception {
        Map<String, Object> chart = Chart.YAML.readValue(Chart.DIR.resolve("Chart.yaml").toFile(), Map.class);

        assertThat(chart.get("kubeVersion")).isEqualTo(">=1.29.0-0");
        assertThat(operator().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("breakwater-operator:" + chart.get("appVersion"));
        assertThat(dataplaneContainer().getImage()).isEqualTo("breakwater-dataplane:" + chart.get("appVersion"));
    }

    @Test
    void rendersTheOperatorTheDataPlaneTheirAccessAndTheClass() {
        assertThat(DEFAULTS.keys()).containsExactlyInAnyOrder(
                "ServiceAccount/breakwater/breakwater-operator",
                "ServiceAccount/breakwater/breakwater-dataplane",
                "ClusterRole/breakwater-operator",
                "ClusterRoleBinding/breakwater-operator",
                "Role/breakwater/breakwater-operator",
                "RoleBinding/breakwater/breakwater-operator",
                "Service/breakwater/breakwater-operator",
                "Deployment/breakwater/breakwater-operator",
                "PodDisruptionBudget/breakwater/breakwater-operator",
                "DaemonSet/breakwater/breakwater-dataplane",
                "IngressClass/breakwater");
        assertThat(DEFAULTS.documents()).allSatisfy(d -> assertThat(d.metadata().get("labels")).asInstanceOf(
                        org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("app.kubernetes.io/name", "breakwater")
                .containsEntry("app.kubernetes.io/instance", "breakwater")
                .containsKey("app.kubernetes.io/component"));
    }

    @Test
    void theIngressClassIsOursAndNotTheDefault() {
        IngressClass ingressClass = DEFAULTS.get(IngressClass.class, "breakwater");

        assertThat(ingressClass.getSpec().getController()).isEqualTo("breakwater.dev/ingress-controller");
        assertThat(ingressClass.getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void operatorRunsTwoReplicasWithLeaderElectionAndABudgetOfOne() {
        Deployment operator = operator();
        Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(operator.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(container.getArgs()).startsWith("run").containsSubsequence("--lease-name", "breakwater-operator");
        PodDisruptionBudget pdb = DEFAULTS.get(PodDisruptionBudget.class, "breakwater-operator");
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void operatorProbesItsHealthEndpointsAndServesTheChannel() {
        Container container = operator().getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(ports(container)).containsEntry("health", 8081).containsEntry("channel", 9400);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
        assertThat(container.getArgs()).containsSubsequence("--health-port", "8081").containsSubsequence(
                "--channel-port", "9400");
        // its namespace (the Lease's), its name in the Lease and its address for the channel's EndpointSlice
        assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef()
                .getFieldPath()).contains("POD_NAMESPACE=metadata.namespace", "POD_NAME=metadata.name",
                "POD_IP=status.podIP");
    }

    @Test
    void theChannelServiceIsTheLeadersAndDataPlanesConnectToIt() {
        Service channel = DEFAULTS.get(Service.class, "breakwater-operator");

        // no selector: the leader writes the Service's EndpointSlice with its own address, port name "channel"
        assertThat(channel.getSpec().getSelector()).isNullOrEmpty();
        assertThat(channel.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("channel");
            assertThat(p.getPort()).isEqualTo(9400);
        });
        assertThat(operator().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSubsequence("--channel-service", "breakwater-operator");
        assertThat(dataplaneContainer().getArgs()).containsSubsequence("--operator",
                "breakwater-operator.breakwater.svc:9400");
    }

    @Test
    void eachSideMountsOnlyItsOwnHalfOfTheChannelCredentials() {
        assertThat(secretItems(operator().getSpec().getTemplate().getSpec()))
                .containsExactlyInAnyOrder("ca.crt", "server.crt", "server.key");
        assertThat(secretItems(dataplane().getSpec().getTemplate().getSpec()))
                .containsExactlyInAnyOrder("ca.crt", "client.crt", "client.key");
        assertThat(operator().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSubsequence("--channel-ca", "/etc/breakwater/channel/ca.crt", "--channel-cert",
                        "/etc/breakwater/channel/server.crt", "--channel-key", "/etc/breakwater/channel/server.key");
        assertThat(dataplaneContainer().getArgs())
                .containsSubsequence("--channel-ca", "/etc/breakwater/channel/ca.crt", "--channel-cert",
                        "/etc/breakwater/channel/client.crt", "--channel-key", "/etc/breakwater/channel/client.key");
    }

    @Test
    void dataPlaneMapsHostPorts80And443ToItsOwn8080And8443() {
        PodSpec pod = dataplane().getSpec().getTemplate().getSpec();
        Container container = dataplaneContainer();

        assertThat(pod.getHostNetwork()).isNull();
        assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort,
                ContainerPort::getHostPort).containsExactly(
                org.assertj.core.groups.Tuple.tuple("http", 8080, 80),
                org.assertj.core.groups.Tuple.tuple("https", 8443, 443),
                org.assertj.core.groups.Tuple.tuple("admin", 9090, null));
        assertThat(container.getArgs()).containsSubsequence("--http-port", "8080").containsSubsequence(
                "--https-port", "8443").containsSubsequence("--admin-port", "9090");
    }

    @Test
    void dataPlaneIsReadyOnReadyzAliveOnHealthzAndRollsOneNodeAtATime() {
        DaemonSet dataplane = dataplane();
        Container container = dataplaneContainer();

        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(dataplane.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                .isEqualTo(1);
        assertThat(dataplane.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isZero();
    }

    @Test
    void theKubeletWaitsLongerThanThePreStopTheGraceAndTheDrainTimeout() {
        PodSpec pod = dataplane().getSpec().getTemplate().getSpec();
        Container container = dataplaneContainer();
        List<String> args = container.getArgs();
        long grace = seconds(args.get(args.indexOf("--shutdown-grace") + 1));
        long timeout = seconds(args.get(args.indexOf("--shutdown-timeout") + 1));
        List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();

        assertThat(grace).isEqualTo(5);
        assertThat(timeout).isEqualTo(30);
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        long sleep = Long.parseLong(preStop.get(1));
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(sleep + grace + timeout)
                .isEqualTo(sleep + grace + timeout + 5);
    }

    @Test
    void dataPlaneHasNoKubernetesCredentialsAtAll() {
        ServiceAccount sa = DEFAULTS.get(ServiceAccount.class, "breakwater-dataplane");
        PodSpec pod = dataplane().getSpec().getTemplate().getSpec();

        assertThat(sa.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("breakwater-dataplane");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(DEFAULTS.ofKind("RoleBinding")).noneMatch(d -> d.as(RoleBinding.class).getSubjects().stream()
                .anyMatch(s -> s.getName().equals("breakwater-dataplane")));
        assertThat(DEFAULTS.ofKind("ClusterRoleBinding")).noneMatch(d -> d.as(ClusterRoleBinding.class)
                .getSubjects().stream().anyMatch(s -> s.getName().equals("breakwater-dataplane")));
    }

    @Test
    void everyPodRunsRestrictedNonRootReadOnlyWithRuntimeDefaultSeccomp() {
        for (PodSpec pod : List.of(operator().getSpec().getTemplate().getSpec(),
                dataplane().getSpec().getTemplate().getSpec())) {
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            Container c = pod.getContainers().get(0);
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tmp")).singleElement()
                    .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKey("memory");
        }
        assertThat(operator().getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
                .getCapabilities().getAdd()).isNullOrEmpty();
        // the image's java has the file capability: the container must allow it (and only it)
        assertThat(dataplaneContainer().getSecurityContext().getCapabilities().getAdd())
                .containsExactly("NET_BIND_SERVICE");
    }

    @Test
    void theOperatorReadsClusterWideButWritesOnlyStatusAndEvents() {
        ClusterRole role = DEFAULTS.get(ClusterRole.class, "breakwater-operator");
        Set<String> reads = Set.of("get", "list", "watch");

        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            if (!rule.getVerbs().stream().allMatch(reads::contains)) {
                assertThat(rule.getResources()).allSatisfy(r -> assertThat(r.endsWith("/status") || r.equals("events"))
                        .as("%s may be written", r).isTrue());
            }
        });
        assertThat(readable(role.getRules())).contains("networking.k8s.io/ingresses", "networking.k8s.io/ingressclasses",
                "breakwater.dev/routes", "/services", "/secrets", "discovery.k8s.io/endpointslices", "/nodes");
        assertThat(role.getRules()).anySatisfy(r -> assertThat(r.getResources()).contains("ingresses/status"))
                .anySatisfy(r -> assertThat(r.getResources()).contains("routes/status"))
                .anySatisfy(r -> assertThat(r.getResources()).contains("events"));
        ClusterRoleBinding binding = DEFAULTS.get(ClusterRoleBinding.class, "breakwater-operator");
        assertThat(binding.getRoleRef().getName()).isEqualTo("breakwater-operator");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("breakwater-operator");
            assertThat(s.getNamespace()).isEqualTo("breakwater");
        });
    }

    @Test
    void theLeaseIsWrittenOnlyInTheReleaseNamespaceAndOnlyByName() {
        Role role = DEFAULTS.get(Role.class, "breakwater-operator");

        assertThat(role.getMetadata().getNamespace()).isEqualTo("breakwater");
        assertThat(role.getRules()).filteredOn(r -> r.getResources().contains("leases")).satisfiesExactlyInAnyOrder(
                r -> {
                    assertThat(r.getVerbs()).containsExactly("create");
                    assertThat(r.getResourceNames()).isNullOrEmpty();
                },
                r -> {
                    assertThat(r.getVerbs()).containsExactly("get", "patch");
                    assertThat(r.getResourceNames()).containsExactly("breakwater-operator");
                });
        assertThat(role.getRules()).filteredOn(r -> r.getResources().contains("endpointslices"))
                .anySatisfy(r -> {
                    assertThat(r.getVerbs()).containsExactly("get", "patch");
                    assertThat(r.getResourceNames()).containsExactly("breakwater-operator-leader");
                });
        assertThat(DEFAULTS.get(RoleBinding.class, "breakwater-operator").getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("breakwater-operator"));
    }

    @Test
    void dataPlanesAndOperatorsAskPrometheusToScrapeThem() {
        // the operator's health port serves /metrics too (the push channel and the compiler): on by default
        assertThat(operator().getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(
                "prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8081")
                .containsEntry("prometheus.io/path", "/metrics");
        assertThat(dataplane().getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(
                "prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "9090")
                .containsEntry("prometheus.io/path", "/metrics");
    }

    @Test
    void theRenderingIsStable() {
        assertThat(Chart.template(Chart.RELEASE, Chart.NAMESPACE, Map.of())).isEqualTo(DEFAULTS.text());
    }

    @Test
    void olderKubernetesIsRefused() {
        assertThatThrownBy(() -> Chart.template(Chart.RELEASE, Chart.NAMESPACE, Map.of(), "v1.28.9"))
                .hasMessageContaining("chart requires kubeVersion: >=1.29.0-0 which is incompatible with Kubernetes "
                        + "v1.28.9");
        assertThat(Chart.template(Chart.RELEASE, Chart.NAMESPACE, Map.of(), "v1.29.0")).contains("kind: DaemonSet");
    }

    @Test
    void notesTellHowToCheckTheInstallAndServeAnIngress() {
        String notes = Chart.notes(Map.of());

        assertThat(notes).contains("kubectl -n breakwater rollout status deployment/breakwater-operator",
                "kubectl -n breakwater rollout status daemonset/breakwater-dataplane",
                "on every node's ports 80 (HTTP) and 443 (HTTPS) (host ports)",
                "Secret breakwater-channel",
                "kubectl create ingress hello --class=breakwater");
        assertThat(Chart.notes(Chart.values("dataplane.hostNetwork", true, "channel.existingSecret", "mine",
                "ingressClass.default", true)))
                .contains("bound by the data plane (host network)", "the credentials of Secret mine",
                        "(the default class: Ingresses without a class are served too)");
    }

    static Deployment operator() {
        return DEFAULTS.get(Deployment.class, "breakwater-operator");
    }

    static DaemonSet dataplane() {
        return DEFAULTS.get(DaemonSet.class, "breakwater-dataplane");
    }

    static Container dataplaneContainer() {
        return dataplane().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static Map<String, Integer> ports(Container container) {
        return container.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName,
                ContainerPort::getContainerPort));
    }

    static List<String> secretItems(PodSpec pod) {
        Volume channel = pod.getVolumes().stream().filter(v -> v.getName().equals("channel")).findFirst().orElseThrow();
        return channel.getSecret().getItems().stream().map(i -> i.getKey()).toList();
    }

    static long seconds(String duration) {
        assertThat(duration).matches("[0-9]+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    private static Set<String> readable(List<PolicyRule> rules) {
        return rules.stream().filter(r -> r.getVerbs().containsAll(List.of("get", "list", "watch")))
                .flatMap(r -> r.getApiGroups().stream().flatMap(g -> r.getResources().stream().map(res -> g + "/" + res)))
                .collect(Collectors.toSet());
    }
}
