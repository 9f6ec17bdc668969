package dev.breakwater.operator.chart;

import static dev.breakwater.operator.chart.Chart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's objects against a real kube-apiserver {@value KubeApiServer#VERSION} (no controllers, no nodes):
 * accepted by server-side dry-run in every variant, applied for real, RBAC as the API server's own authorizer
 * decides it, Pod Security admission, {@code kubectl apply -k deploy/}, and a real {@code helm install} /
 * {@code helm uninstall} with the credentials hooks (the test plays the Job controller, which the API server
 * lacks). Skipped, saying why, when the API server's binaries are not installed.
 */
@ExtendWith(KubeApiServer.class)
class ChartApiServerTest {

    private static final String MANAGER = "breakwater-chart-test";

    @BeforeAll
    static void installCrds(KubeApiServer.Cluster cluster) throws Exception {
        // as a user would (and as deploy/ does): kubectl's server-side apply; a CRD's spec.versions is one atomic
        // field, which two field managers cannot both apply
        for (Path crds : List.of(Chart.DIR.resolve("crds"), Path.of("src/test/resources/chart/servicemonitor-crd.yaml"))) {
            KubeApiServer.Result apply = cluster.kubectl("apply", "--server-side", "-f", crds.toString());
            assertThat(apply.exitCode()).as(apply.output()).isZero();
        }
        for (String name : List.of("routes.breakwater.dev", "servicemonitors.monitoring.coreos.com")) {
            cluster.client().apiextensions().v1().customResourceDefinitions().withName(name)
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions()
                            .stream().anyMatch(x -> x.getType().equals("Established")
                                    && x.getStatus().equals("True")), 60, TimeUnit.SECONDS);
        }
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                variant("defaults, credentials Job as plain objects", "breakwater", "bw-defaults",
                        values("channel.credentialsJob.helmHooks", false)),
                variant("host network with NetworkPolicies", "breakwater", "bw-hostnet",
                        values("dataplane.hostNetwork", true, "networkPolicy.enabled", true,
                                "networkPolicy.nodeCidrs", List.of("192.0.2.0/24"), "ingressClass.create", false)),
                variant("existing Secret, ServiceMonitor, NetworkPolicies, default class", "breakwater", "bw-monitored",
                        values("channel.existingSecret", "my-channel", "metrics.serviceMonitor.enabled", true,
                                "networkPolicy.enabled", true, "networkPolicy.apiServer.cidrs", List.of("10.0.0.1/32"),
                                "networkPolicy.adminFrom", List.of(Map.of("podSelector",
                                        Map.of("matchLabels", Map.of("app", "prometheus")))),
                                "ingressClass.default", true)),
                variant("Service in front, status from it, one operator", "breakwater", "bw-lb",
                        values("dataplane.hostPorts", false, "dataplane.service.enabled", true,
                                "operator.ingressStatus.source", "service", "operator.replicas", 1,
                                "ingressClass.create", false)),
                variant("another release in another namespace", "edge", "edge-system",
                        values("ingressClass.name", "edge", "channel.credentialsJob.helmHooks", false,
                                "dataplane.drain.graceSeconds", 15, "dataplane.drain.timeoutSeconds", 300)));
    }

    private static Arguments variant(String name, String release, String namespace, Map<String, Object> values) {
        return Arguments.of(Named.of(name, release), namespace, values);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyObjectIsAcceptedByServerSideDryRun(String release, String namespace, Map<String, Object> values,
                                                 KubeApiServer.Cluster cluster) {
        KubernetesClient client = cluster.client();
        namespace(client, namespace, Map.of());
        Chart.Rendering rendering = Chart.render(release, namespace, values);

        Map<String, String> refused = new LinkedHashMap<>();
        for (Chart.Document d : rendering.documents()) {
            try {
                client.resource(d.generic()).dryRun().fieldManager(MANAGER).forceConflicts().serverSideApply();
            } catch (KubernetesClientException e) {
                refused.put(d.key(), e.getMessage());
            }
        }

        assertThat(refused).as("objects the API server refused").isEmpty();
        assertThat(rendering.documents()).isNotEmpty();
    }

    @Test
    void theDefaultsApplyForRealAndTheRolesGrantWhatEachSideNeedsAndNothingMore(KubeApiServer.Cluster cluster) {
        KubernetesClient client = cluster.client();
        String ns = "bw-real";
        namespace(client, ns, Map.of());
        Chart.Rendering rendering = Chart.render("bw", ns, values("ingressClass.name", "bw-real",
                "channel.credentialsJob.helmHooks", false));

        for (Chart.Document d : rendering.documents()) {
            client.resource(d.generic()).fieldManager(MANAGER).forceConflicts().serverSideApply();
        }

        for (Chart.Document d : rendering.documents()) {
            assertThat(client.resource(d.generic()).get()).as(d.key()).isNotNull();
        }
        DaemonSet stored = client.apps().daemonSets().inNamespace(ns).withName("bw-breakwater-dataplane").get();
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
                .getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");

        String operator = "system:serviceaccount:" + ns + ":bw-breakwater-operator";
        assertThat(can(client, operator, "list", "networking.k8s.io", "ingresses", "", "", "")).isTrue();
        assertThat(can(client, operator, "watch", "", "secrets", "", "shop", "")).isTrue();
        assertThat(can(client, operator, "list", "discovery.k8s.io", "endpointslices", "", "shop", "")).isTrue();
        assertThat(can(client, operator, "watch", "breakwater.dev", "routes", "", "shop", "")).isTrue();
        assertThat(can(client, operator, "patch", "networking.k8s.io", "ingresses", "status", "shop", "web"))
                .isTrue();
        assertThat(can(client, operator, "patch", "breakwater.dev", "routes", "status", "shop", "web")).isTrue();
        assertThat(can(client, operator, "create", "", "events", "", "shop", "")).isTrue();
        assertThat(can(client, operator, "patch", "coordination.k8s.io", "leases", "", ns, "bw-breakwater-operator"))
                .isTrue();
        assertThat(can(client, operator, "create", "coordination.k8s.io", "leases", "", ns, "")).isTrue();
        assertThat(can(client, operator, "patch", "discovery.k8s.io", "endpointslices", "", ns,
                "bw-breakwater-operator-leader")).isTrue();
        assertThat(can(client, operator, "get", "", "nodes", "", "", "worker-1")).isTrue();
        assertThat(can(client, operator, "list", "", "pods", "", ns, "")).isTrue();
        // and no more
        assertThat(can(client, operator, "patch", "coordination.k8s.io", "leases", "", ns, "someone-else"))
                .isFalse();
        assertThat(can(client, operator, "patch", "discovery.k8s.io", "endpointslices", "", ns, "web-abcde"))
                .isFalse();
        assertThat(can(client, operator, "patch", "discovery.k8s.io", "endpointslices", "", "shop",
                "bw-breakwater-operator-leader")).isFalse();
        assertThat(can(client, operator, "update", "networking.k8s.io", "ingresses", "status", "shop", "web"))
                .isFalse();
        assertThat(can(client, operator, "create", "coordination.k8s.io", "leases", "", "kube-system", ""))
                .isFalse();
        assertThat(can(client, operator, "update", "networking.k8s.io", "ingresses", "", "shop", "web")).isFalse();
        assertThat(can(client, operator, "patch", "breakwater.dev", "routes", "", "shop", "web")).isFalse();
        assertThat(can(client, operator, "create", "", "secrets", "", "shop", "")).isFalse();
        assertThat(can(client, operator, "delete", "", "secrets", "", ns, "bw-breakwater-channel")).isFalse();
        assertThat(can(client, operator, "list", "", "pods", "", "shop", "")).isFalse();
        // ConfigMaps of headers Ingresses name (custom-headers ...): read, never written
        assertThat(can(client, operator, "list", "", "configmaps", "", "shop", "")).isTrue();
        assertThat(can(client, operator, "watch", "", "configmaps", "", "", "")).isTrue();
        assertThat(can(client, operator, "patch", "", "configmaps", "", "shop", "headers")).isFalse();
        assertThat(can(client, operator, "create", "", "configmaps", "", "shop", "")).isFalse();

        String dataplane = "system:serviceaccount:" + ns + ":bw-breakwater-dataplane";
        for (String[] r : new String[][] {{"", "secrets"}, {"networking.k8s.io", "ingresses"}, {"", "services"},
                {"discovery.k8s.io", "endpointslices"}, {"", "configmaps"}, {"", "pods"}}) {
            assertThat(can(client, dataplane, "get", r[0], r[1], "", ns, "")).as("data plane get %s", r[1]).isFalse();
        }

        String credentials = "system:serviceaccount:" + ns + ":bw-breakwater-channel-credentials";
        assertThat(can(client, credentials, "create", "", "secrets", "", ns, "")).isTrue();
        assertThat(can(client, credentials, "get", "", "secrets", "", ns, "bw-breakwater-channel")).isTrue();
        assertThat(can(client, credentials, "delete", "", "secrets", "", ns, "bw-breakwater-channel")).isTrue();
        assertThat(can(client, credentials, "patch", "", "secrets", "", ns, "bw-breakwater-channel")).isFalse();
        assertThat(can(client, credentials, "get", "", "secrets", "", ns, "another")).isFalse();
        assertThat(can(client, credentials, "list", "", "secrets", "", ns, "")).isFalse();
        assertThat(can(client, credentials, "create", "", "secrets", "", "default", "")).isFalse();
    }

    @Test
    void theCredentialsJobMakesTheSecretOnceAndNeverOverwritesIt(KubeApiServer.Cluster cluster) throws Exception {
        KubernetesClient client = cluster.client();
        String ns = "bw-script";
        namespace(client, ns, Map.of());
        Chart.Rendering rendering = Chart.render("bw", ns, values("channel.credentialsJob.helmHooks", false,
                "ingressClass.create", false));
        for (Chart.Document d : rendering.documents()) {
            if (List.of("ServiceAccount", "Role", "RoleBinding").contains(d.kind())) {
                client.resource(d.generic()).fieldManager(MANAGER).forceConflicts().serverSideApply();
            }
        }
        Script script = Script.of(rendering.get(Job.class, "bw-breakwater-channel-credentials"));

        Script.Run first = script.run(cluster);

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("Secret bw-script/bw-breakwater-channel created");
        assertThat(first.javaArgs()).startsWith("-jar /opt/breakwater/breakwater-operator.jar credentials ")
                .endsWith("/pem --server-name bw-breakwater-operator --server-name bw-breakwater-operator.bw-script "
                        + "--server-name bw-breakwater-operator.bw-script.svc "
                        + "--server-name bw-breakwater-operator.bw-script.svc.cluster.local");
        Secret made = client.secrets().inNamespace(ns).withName("bw-breakwater-channel").get();
        assertThat(made.getType()).isEqualTo("Opaque");
        assertThat(made.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", "bw")
                .containsEntry("app.kubernetes.io/component", "channel-credentials");
        assertThat(made.getData()).containsOnlyKeys("ca.crt", "ca.key", "server.crt", "server.key", "client.crt",
                "client.key");
        assertThat(new String(Base64.getDecoder().decode(made.getData().get("server.key")), StandardCharsets.UTF_8))
                .isEqualTo("stub server.key\n");

        Script.Run again = script.run(cluster);

        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("Secret bw-script/bw-breakwater-channel exists: kept");
        assertThat(again.javaArgs()).as("no new credentials made").isEmpty();
        assertThat(client.secrets().inNamespace(ns).withName("bw-breakwater-channel").get().getMetadata()
                .getResourceVersion()).isEqualTo(made.getMetadata().getResourceVersion());

        Script.Run asDataPlane = script.as("bw-breakwater-dataplane").run(cluster);

        assertThat(asDataPlane.exitCode()).isNotZero();
        assertThat(asDataPlane.output()).contains("cannot read Secret bw-script/bw-breakwater-channel: HTTP 403");
    }

    @Test
    void everyPodButTheHostPortOnePassesTheRestrictedPodSecurityLevel(KubeApiServer.Cluster cluster) {
        KubernetesClient client = cluster.client();
        namespace(client, "psa-restricted", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
        namespace(client, "psa-baseline", Map.of("pod-security.kubernetes.io/enforce", "baseline"));
        Chart.Rendering noHostPorts = Chart.render("psa", "psa-restricted", values("dataplane.hostPorts", false,
                "channel.credentialsJob.helmHooks", false, "ingressClass.create", false));
        Chart.Rendering defaults = Chart.render("psa", "psa-baseline", values("ingressClass.create", false));

        client.resource(pod("operator", "psa-restricted", noHostPorts.get(Deployment.class, "psa-breakwater-operator")
                .getSpec().getTemplate())).create();
        client.resource(pod("dataplane", "psa-restricted", noHostPorts.get(DaemonSet.class,
                "psa-breakwater-dataplane").getSpec().getTemplate())).create();
        client.resource(pod("credentials", "psa-restricted", noHostPorts.get(Job.class,
                "psa-breakwater-channel-credentials").getSpec().getTemplate())).create();

        // host ports are beyond even the baseline level: the namespace must allow them (deploy/namespace.yaml does)
        Pod hostPorts = pod("dataplane", "psa-baseline", defaults.get(DaemonSet.class, "psa-breakwater-dataplane")
                .getSpec().getTemplate());
        assertThatThrownBy(() -> client.resource(hostPorts).create())
                .hasMessageContaining("violates PodSecurity \"baseline:latest\"").hasMessageContaining("hostPort");
    }

    @Test
    void deployAppliesWithKubectlApplyK(KubeApiServer.Cluster cluster) throws Exception {
        Path deploy = Chart.DEPLOY.toAbsolutePath().normalize();

        KubeApiServer.Result apply = cluster.kubectl("apply", "-k", deploy.toString(), "--server-side");
        assertThat(apply.exitCode()).as(apply.output()).isZero();

        KubernetesClient client = cluster.client();
        assertThat(client.namespaces().withName("breakwater").get().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
        assertThat(client.apps().deployments().inNamespace("breakwater").withName("breakwater-operator").get())
                .isNotNull();
        assertThat(client.apps().daemonSets().inNamespace("breakwater").withName("breakwater-dataplane").get())
                .isNotNull();
        assertThat(client.batch().v1().jobs().inNamespace("breakwater").withName("breakwater-channel-credentials")
                .get()).isNotNull();
        assertThat(client.network().v1().ingressClasses().withName("breakwater").get().getSpec().getController())
                .isEqualTo("breakwater.dev/ingress-controller");
        KubeApiServer.Result again = cluster.kubectl("apply", "-k", deploy.toString(), "--server-side");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(client.apps().daemonSets().inNamespace("breakwater").withName("breakwater-dataplane").get()
                .getMetadata().getGeneration()).as("applying deploy/ again changes nothing").isEqualTo(1L);
    }

    @Test
    void helmInstallMakesTheCredentialsInAHookAndUninstallDeletesThem(KubeApiServer.Cluster cluster) throws Exception {
        KubernetesClient client = cluster.client();
        String ns = "bw-helm";
        String secret = "bw-helm-breakwater-channel";
        Path valuesFile = Files.createTempFile("breakwater-values", ".yaml");
        Chart.YAML.writeValue(valuesFile.toFile(), values("ingressClass.name", "bw-helm"));
        try {
            CompletableFuture<Release> install = CompletableFuture.supplyAsync(() -> new Helm(Chart.DIR).install()
                    .withName("bw-helm").withNamespace(ns).createNamespace().withKubeConfig(cluster.kubeconfig())
                    .withValuesFile(valuesFile).call());

            // the pre-install hook: its pod's script, run here with its ServiceAccount's token (no kubelet), then
            // what the Job controller would say
            Job job = awaitJob(client, ns, "bw-helm-breakwater-channel-credentials", install);
            assertThat(job.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "pre-install,pre-upgrade");
            assertThat(client.apps().deployments().inNamespace(ns).withName("bw-helm-breakwater-operator").get())
                    .as("release objects wait for the hook").isNull();
            Script.Run made = Script.of(job).run(cluster);
            assertThat(made.exitCode()).as(made.output()).isZero();
            assertThat(made.output()).contains("Secret bw-helm/" + secret + " created");
            assertThat(client.secrets().inNamespace(ns).withName(secret).get().getData())
                    .containsOnlyKeys("ca.crt", "ca.key", "server.crt", "server.key", "client.crt", "client.key");
            complete(client, job);

            Release release = install.get(120, TimeUnit.SECONDS);
            assertThat(release.getStatus()).isEqualTo("deployed");
            assertThat(client.apps().deployments().inNamespace(ns).withName("bw-helm-breakwater-operator").get())
                    .isNotNull();
            assertThat(client.apps().daemonSets().inNamespace(ns).withName("bw-helm-breakwater-dataplane").get())
                    .isNotNull();
            assertThat(client.apiextensions().v1().customResourceDefinitions().withName("routes.breakwater.dev")
                    .get()).isNotNull();
            awaitGone(() -> client.batch().v1().jobs().inNamespace(ns)
                    .withName("bw-helm-breakwater-channel-credentials").get(), "the succeeded hook Job");
            assertThat(client.serviceAccounts().inNamespace(ns).withName("bw-helm-breakwater-channel-credentials")
                    .get()).as("the hook's ServiceAccount, deleted with it").isNull();

            CompletableFuture<String> uninstall = CompletableFuture.supplyAsync(() -> Helm.uninstall("bw-helm")
                    .withNamespace(ns).withKubeConfig(cluster.kubeconfig()).call());
            Job cleanup = awaitJob(client, ns, "bw-helm-breakwater-channel-cleanup", uninstall);
            assertThat(cleanup.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "post-delete");
            assertThat(client.apps().deployments().inNamespace(ns).withName("bw-helm-breakwater-operator").get())
                    .as("deleted before the post-delete hook").isNull();
            Script.Run deleted = Script.of(cleanup).run(cluster);
            assertThat(deleted.exitCode()).as(deleted.output()).isZero();
            assertThat(deleted.output()).contains("Secret bw-helm/" + secret + " deleted");
            complete(client, cleanup);

            uninstall.get(120, TimeUnit.SECONDS);
            assertThat(client.secrets().inNamespace(ns).withName(secret).get()).isNull();
            assertThat(client.rbac().clusterRoles().withName("bw-helm-breakwater-operator").get()).isNull();
        } finally {
            Files.deleteIfExists(valuesFile);
        }
    }

    private static void namespace(KubernetesClient client, String name, Map<String, String> labels) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .build()).fieldManager(MANAGER).forceConflicts().serverSideApply();
    }

    private static boolean can(KubernetesClient client, String user, String verb, String group, String resource,
                               String subresource, String namespace, String name) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec().withUser(user)
                .withGroups("system:serviceaccounts", "system:authenticated")
                .withResourceAttributes(new ResourceAttributesBuilder().withVerb(verb).withGroup(group)
                        .withResource(resource).withSubresource(subresource).withNamespace(namespace).withName(name)
                        .build())
                .endSpec().build();
        return client.resource(review).create().getStatus().getAllowed();
    }

    private static Pod pod(String name, String namespace, PodTemplateSpec template) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(template.getMetadata().getLabels()).endMetadata().withSpec(template.getSpec()).build();
    }

    /** Waits for a Job to be created while {@code command} runs (which fails the wait if it ends first). */
    private static Job awaitJob(KubernetesClient client, String namespace, String name, CompletableFuture<?> command)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (job != null) {
                return job;
            }
            if (command.isDone()) {
                command.get();
                throw new AssertionError("helm finished without creating Job " + name);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no Job " + namespace + "/" + name + " within 90 s");
    }

    /** What the Job controller would write once the pod succeeded. */
    private static void complete(KubernetesClient client, Job job) {
        String now = Instant.now().toString();
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .editStatus(j -> {
                    j.getStatus().setStartTime(now);
                    j.getStatus().setCompletionTime(now);
                    j.getStatus().setSucceeded(1);
                    j.getStatus().setReady(0);
                    j.getStatus().setTerminating(0);
                    j.getStatus().setConditions(List.of(
                            new JobConditionBuilder().withType("SuccessCriteriaMet").withStatus("True")
                                    .withLastProbeTime(now).withLastTransitionTime(now).build(),
                            new JobConditionBuilder().withType("Complete").withStatus("True")
                                    .withLastProbeTime(now).withLastTransitionTime(now).build()));
                    return j;
                });
    }

    private static void awaitGone(Supplier<? extends HasMetadata> get, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (get.get() != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " is still there after 30 s");
            }
            Thread.sleep(100);
        }
    }
}
