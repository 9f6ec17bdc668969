package dev.breakwater.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The chart on real Pods: a single-node Kubernetes 1.34 ({@code tools/kube-cluster-local.sh}: kubelet, containerd,
 * controller-manager, scheduler, kube-proxy, CoreDNS), the images Jib made on the locally assembled base, {@code helm
 * install}, then traffic, rollouts under load, failover, an upgrade, least privilege and the propagation delays.
 * Skipped, saying why, only where the machine cannot run containers. The figures go to stdout and to
 * {@code target/cluster-report.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterIT {

    private static final String NS = "breakwater";
    private static final String APPS = "apps";
    private static final int HTTP_PORT = 23080;
    private static final int HTTPS_PORT = 23444;
    private static final URI HTTP = URI.create("http://" + LocalCluster.NODE_IP + ":" + HTTP_PORT + "/");
    private static final int RATE = 200;
    private static final Duration ROLLOUT = Duration.ofMinutes(5);
    private static final Path REPORT = Path.of("target/cluster-report.txt");

    private LocalCluster cluster;
    private KubernetesClient client;
    private Path values;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void up() throws Exception {
        String why = LocalCluster.cannotRun();
        assumeTrue(why == null, () -> "this machine cannot run containers: " + why);
        long t = System.nanoTime();
        cluster = LocalCluster.up();
        client = cluster.client;
        report("cluster up and images loaded in %.0f s", (System.nanoTime() - t) / 1e9);
    }

    @AfterAll
    void down() throws Exception {
        if (values != null) {
            Files.deleteIfExists(values);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    // --- install -----------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void helmInstallWithTheLocalImagesRollsOut() throws Exception {
        values = Files.createTempFile("breakwater-cluster", ".yaml");
        Files.writeString(values, values(""));
        long t = System.nanoTime();
        Release release = new Helm(cluster.root.resolve("charts/breakwater")).install().withName("breakwater")
                .withNamespace(NS).createNamespace().withKubeConfig(cluster.kubeconfig).withValuesFile(values)
                .withTimeout(300).call();
        assertThat(release.getStatus()).isEqualTo("deployed");
        // helm's own wait does not cover a DaemonSet pod that cannot start: ask for the rollouts themselves
        cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deploy/breakwater-operator", "--timeout=300s");
        cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "ds/breakwater-dataplane", "--timeout=300s");
        report("helm install -> operator and data plane rolled out in %.1f s", (System.nanoTime() - t) / 1e9);
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(APPS).endMetadata().build()).serverSideApply();
    }

    // --- traffic -----------------------------------------------------------------------------------------------

    @Test
    @Order(2)
    void servesIngressAndRouteOverHttpAndHttpsOnTheHostPort() throws Exception {
        backend("web", 3, true);
        long t = System.nanoTime();
        ingress("web", "web.example");
        awaitServed("web.example", Duration.ofMinutes(2));
        report("first Ingress: applied -> served on the host port in %.2f s (backend already ready)",
                (System.nanoTime() - t) / 1e9);
        assertThat(get("web.example").body()).startsWith("pod=web-").contains("version=1");

        cluster.apply("""
                apiVersion: breakwater.dev/v1alpha1
                kind: Route
                metadata: {name: web-route, namespace: apps}
                spec:
                  hostnames: [route.example]
                  rules:
                  - backends: [{name: web, port: 80}]
                """);
        awaitServed("route.example", Duration.ofMinutes(1));

        Path dir = Files.createTempDirectory("cluster-tls");
        try {
            LocalCluster.Run cert = LocalCluster.run(dir, Duration.ofMinutes(1), "openssl", "req", "-x509", "-newkey",
                    "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tls.example", "-addext",
                    "subjectAltName=DNS:tls.example", "-keyout", "tls.key", "-out", "tls.crt");
            assertThat(cert.code()).as(cert.output()).isZero();
            cluster.kubectl(Duration.ofMinutes(1), "-n", APPS, "create", "secret", "tls", "web-tls", "--cert",
                    dir.resolve("tls.crt").toString(), "--key", dir.resolve("tls.key").toString());
            cluster.apply("""
                    apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata: {name: web-tls, namespace: apps}
                    spec:
                      ingressClassName: breakwater
                      tls: [{hosts: [tls.example], secretName: web-tls}]
                      rules:
                      - host: tls.example
                        http:
                          paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
                    """);
            String body = awaitCurl(Duration.ofMinutes(1), "-sS", "--fail", "--cacert", dir.resolve("tls.crt").toString(),
                    "--resolve", "tls.example:" + HTTPS_PORT + ":" + LocalCluster.NODE_IP,
                    "https://tls.example:" + HTTPS_PORT + "/");
            assertThat(body).startsWith("pod=web-");
            // and the Route over HTTPS on the same port, with the default certificate (no SNI match)
            String route = awaitCurl(Duration.ofMinutes(1), "-sS", "--fail", "-k", "--resolve",
                    "route.example:" + HTTPS_PORT + ":" + LocalCluster.NODE_IP, "https://route.example:" + HTTPS_PORT + "/");
            assertThat(route).startsWith("pod=web-");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }

        awaitTrue("the Ingress's status.loadBalancer shows the node address", Duration.ofMinutes(1), () -> {
            Ingress ing = client.network().v1().ingresses().inNamespace(APPS).withName("web-example").get();
            return ing != null && ing.getStatus() != null && ing.getStatus().getLoadBalancer() != null
                    && ing.getStatus().getLoadBalancer().getIngress() != null
                    && ing.getStatus().getLoadBalancer().getIngress().stream()
                            .anyMatch(i -> LocalCluster.NODE_IP.equals(i.getIp()));
        });
    }

    // --- backend rollouts --------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void rollingUpdateAndScalingOfABackendWithPreStopLoseNoRequest() throws Exception {
        try (Load load = Load.start(HTTP, "web.example", RATE, false)) {
            Thread.sleep(2000);
            cluster.kubectl(Duration.ofMinutes(1), "-n", APPS, "set", "env", "deploy/web", "VERSION=2");
            cluster.kubectl(ROLLOUT, "-n", APPS, "rollout", "status", "deploy/web", "--timeout=300s");
            Thread.sleep(3000);
            load.close();
            report("rolling update, backend with preStop (3 replicas): %s", load.summary());
            assertThat(load.failed()).as(() -> load.summary() + dataplaneDiagnostics()).isZero();
            assertThat(load.versions()).containsKey("version=2");
        }
        assertThat(get("web.example").body()).contains("version=2");
        try (Load load = Load.start(HTTP, "web.example", RATE, false)) {
            Thread.sleep(2000);
            cluster.kubectl(Duration.ofMinutes(1), "-n", APPS, "scale", "deploy/web", "--replicas=1");
            awaitTrue("web scaled down to 1 pod", ROLLOUT, () -> pods("web").size() == 1);
            Thread.sleep(2000);
            cluster.kubectl(Duration.ofMinutes(1), "-n", APPS, "scale", "deploy/web", "--replicas=3");
            cluster.kubectl(ROLLOUT, "-n", APPS, "rollout", "status", "deploy/web", "--timeout=300s");
            Thread.sleep(3000);
            load.close();
            report("scale 3 -> 1 -> 3, backend with preStop: %s", load.summary());
            assertThat(load.failed()).as(() -> load.summary() + dataplaneDiagnostics()).isZero();
        }
    }

    @Test
    @Order(4)
    void rollingUpdateOfANaiveBackendWithoutPreStopLosesNoRequest() throws Exception {
        backend("naive", 3, false);
        ingress("naive", "naive.example");
        awaitServed("naive.example", Duration.ofMinutes(2));
        try (Load load = Load.start(HTTP, "naive.example", RATE, false)) {
            Thread.sleep(2000);
            cluster.kubectl(Duration.ofMinutes(1), "-n", APPS, "set", "env", "deploy/naive", "VERSION=2");
            cluster.kubectl(ROLLOUT, "-n", APPS, "rollout", "status", "deploy/naive", "--timeout=300s");
            Thread.sleep(3000);
            load.close();
            report("rolling update, backend without preStop that exits at once on SIGTERM (3 replicas): %s",
                    load.summary());
            assertThat(load.failed()).as(() -> "a refused or reset connection before any byte of the answer is tried "
                    + "on another ready endpoint: " + load.summary() + dataplaneDiagnostics()).isZero();
        }
    }

    // --- the data plane and the operator -----------------------------------------------------------------------

    @Test
    @Order(5)
    void rollingRestartOfTheDataPlaneUnderLoad() throws Exception {
        try (Load load = Load.start(HTTP, "web.example", RATE, true)) {
            Thread.sleep(2000);
            cluster.kubectl(Duration.ofMinutes(1), "-n", NS, "rollout", "restart", "ds/breakwater-dataplane");
            cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "ds/breakwater-dataplane", "--timeout=300s");
            awaitServed("web.example", Duration.ofMinutes(1));
            Thread.sleep(3000);
            load.close();
            // on a single node the host port has no second data plane to go to: the client retries refused
            // connections (the new pod listens only once it serves a table), and the old pod drains its own
            report("rolling restart of the data-plane DaemonSet (client retries refused connections only): %s",
                    load.summary());
            assertThat(load.failed()).as(() -> load.summary() + dataplaneDiagnostics()).isZero();
        }
    }

    @Test
    @Order(6)
    void deletingTheOperatorLeaderLosesNoRequestAndLaterChangesAreServed() throws Exception {
        String leader = leader();
        assertThat(leader).as("the Lease's holder").isNotBlank();
        try (Load load = Load.start(HTTP, "web.example", RATE, false)) {
            Thread.sleep(2000);
            Pod pod = client.pods().inNamespace(NS).withLabel("app.kubernetes.io/component", "operator").list()
                    .getItems().stream().filter(p -> leader.startsWith(p.getMetadata().getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no operator pod is the leader " + leader));
            client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).delete();
            awaitTrue("a new leader", Duration.ofMinutes(3), () -> {
                String now = leader();
                return now != null && !now.isBlank() && !now.equals(leader);
            });
            long t = System.nanoTime();
            ingress("web", "after-failover.example");
            awaitServed("after-failover.example", Duration.ofMinutes(2));
            report("after deleting the leader pod %s: a new Ingress served %.2f s after it was applied",
                    pod.getMetadata().getName(), (System.nanoTime() - t) / 1e9);
            cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deploy/breakwater-operator", "--timeout=300s");
            load.close();
            report("delete the operator leader pod: %s", load.summary());
            assertThat(load.failed()).as(() -> load.summary() + dataplaneDiagnostics()).isZero();
        }
    }

    @Test
    @Order(7)
    void helmUpgradeToChangedValuesUnderLoadLosesNoRequest() throws Exception {
        Files.writeString(values, values("""
                  extraArgs: [--cache-size, 32Mi]
                """));
        try (Load load = Load.start(HTTP, "web.example", RATE, true)) {
            Thread.sleep(2000);
            Release release = new Helm(cluster.root.resolve("charts/breakwater")).upgrade().withName("breakwater")
                    .withNamespace(NS).withKubeConfig(cluster.kubeconfig).withValuesFile(values).withTimeout(300)
                    .call();
            assertThat(release.getStatus()).isEqualTo("deployed");
            cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "ds/breakwater-dataplane", "--timeout=300s");
            cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deploy/breakwater-operator", "--timeout=300s");
            awaitServed("web.example", Duration.ofMinutes(1));
            Thread.sleep(3000);
            load.close();
            report("helm upgrade (a new data-plane option: the DaemonSet is replaced; client retries refused "
                    + "connections only): %s", load.summary());
            assertThat(load.failed()).as(() -> load.summary() + dataplaneDiagnostics()).isZero();
        }
        assertThat(client.apps().daemonSets().inNamespace(NS).withName("breakwater-dataplane").get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--cache-size", "32Mi");
    }

    // --- least privilege ---------------------------------------------------------------------------------------

    @Test
    @Order(8)
    void leastPrivilegeSeenFromTheCluster() throws Exception {
        Pod dataplane = client.pods().inNamespace(NS).withLabel("app.kubernetes.io/component", "dataplane").list()
                .getItems().get(0);
        assertThat(dataplane.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(dataplane.getSpec().getVolumes()).noneMatch(v -> v.getProjected() != null
                && v.getProjected().getSources().stream().anyMatch(s -> s.getServiceAccountToken() != null));
        LocalCluster.Run ls = cluster.kubectlRun(Duration.ofMinutes(1), "-n", NS, "exec",
                dataplane.getMetadata().getName(), "--", "ls", "/var/run/secrets/kubernetes.io/serviceaccount");
        assertThat(ls.code()).as("no token in the data-plane container: %s", ls.output()).isNotZero();
        assertThat(ls.output()).contains("No such file or directory");

        String sa = "system:serviceaccount:" + NS + ":breakwater-operator";
        assertThat(access(sa, "list", "", "secrets", "")).as("reads Secrets (TLS)").isTrue();
        assertThat(access(sa, "create", "", "secrets", APPS)).as("creates no Secret").isFalse();
        assertThat(access(sa, "delete", "", "pods", APPS)).as("deletes no Pod").isFalse();
        assertThat(access(sa, "update", "apps", "deployments", APPS)).as("changes no Deployment").isFalse();
        assertThat(access(sa, "create", "rbac.authorization.k8s.io", "clusterrolebindings", "")).isFalse();

        // a real call with the operator's own token: refused by the API server
        String token = client.serviceAccounts().inNamespace(NS).withName("breakwater-operator")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
                .getStatus().getToken();
        Config config = new ConfigBuilder(Config.fromKubeconfig(Files.readString(cluster.kubeconfig)))
                .withOauthToken(token).withClientCertData(null).withClientKeyData(null).withClientCertFile(null)
                .withClientKeyFile(null).build();
        try (KubernetesClient operator = new KubernetesClientBuilder().withConfig(config).build()) {
            assertThat(operator.network().v1().ingresses().inAnyNamespace().list().getItems()).isNotEmpty();
            KubernetesClientException denied = null;
            try {
                operator.pods().inNamespace(APPS).withLabel("app", "web").delete();
            } catch (KubernetesClientException e) {
                denied = e;
            }
            assertThat(denied).as("deleting Pods as the operator").isNotNull();
            assertThat(denied.getCode()).isEqualTo(403);
        }
        report("least privilege: no token in the data-plane pod; operator SA denied create secrets, delete pods, "
                + "update deployments, create clusterrolebindings (SubjectAccessReview), and a real delete pods -> 403");
    }

    // --- propagation -------------------------------------------------------------------------------------------

    @Test
    @Order(9)
    void propagationOfIngressesAndEndpoints() throws Exception {
        int n = 50;
        List<Double> ingressMs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String host = "p" + i + ".example";
            String name = "prop-" + i;
            long t = System.nanoTime();
            client.resource(ingressObject(name, "web", host)).serverSideApply();
            while (status(host) != 200) {
                assertThat(System.nanoTime() - t).as("%s served within 30 s", host).isLessThan(30_000_000_000L);
                Thread.sleep(1);
            }
            ingressMs.add((System.nanoTime() - t) / 1e6);
        }
        report("Ingress applied (API call) -> served through the host port, %d changes: p50 %.0f ms, p99 %.0f ms, "
                + "max %.0f ms", n, percentile(ingressMs, 50), percentile(ingressMs, 99), percentile(ingressMs, 100));

        // a Pod's readiness flipped by its control port: from the moment the API server shows it Ready until the
        // first request through the data plane reaches it
        cluster.kubectl(Duration.ofMinutes(1), "-n", APPS, "scale", "deploy/web", "--replicas=2");
        awaitTrue("web at 2 ready pods", ROLLOUT, () -> readyPods("web").size() == 2);
        Pod target = readyPods("web").get(0);
        String name = target.getMetadata().getName();
        String control = "http://" + target.getStatus().getPodIP() + ":8081/ready?ready=";
        List<Double> endpointMs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            post(URI.create(control + "false"));
            awaitTrue(name + " not ready", Duration.ofMinutes(1), () -> !isReady(name));
            awaitTrue(name + " out of rotation", Duration.ofMinutes(1), () -> {
                for (int k = 0; k < 20; k++) {
                    if (name.equals(servedBy("web.example"))) {
                        return false;
                    }
                }
                return true;
            });
            post(URI.create(control + "true"));
            long readyAt = 0;
            while (readyAt == 0) {
                if (isReady(name)) {
                    readyAt = System.nanoTime();
                }
            }
            while (!name.equals(servedBy("web.example"))) {
                assertThat(System.nanoTime() - readyAt).as("%s back in rotation within 30 s", name)
                        .isLessThan(30_000_000_000L);
            }
            endpointMs.add((System.nanoTime() - readyAt) / 1e6);
        }
        report("Pod Ready (seen by polling the API server) -> first request through the data plane reaches it, %d "
                + "changes: p50 %.0f ms, p99 %.0f ms, max %.0f ms", n, percentile(endpointMs, 50),
                percentile(endpointMs, 99), percentile(endpointMs, 100));
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private String values(String dataplaneExtra) {
        return """
                operator:
                  image: {repository: breakwater.local/breakwater-operator, tag: e2e, pullPolicy: Never}
                  resources: {requests: {cpu: 50m, memory: 192Mi}, limits: {memory: 512Mi}}
                dataplane:
                  image: {repository: breakwater.local/breakwater-dataplane, tag: e2e, pullPolicy: Never}
                  hostIP: "%s"
                  ports: {http: %d, https: %d}
                  resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 1Gi}}
                %s""".formatted(LocalCluster.NODE_IP, HTTP_PORT, HTTPS_PORT, dataplaneExtra);
    }

    private void backend(String name, int replicas, boolean graceful) throws Exception {
        String lifecycle = graceful ? """
                        lifecycle: {preStop: {sleep: {seconds: 5}}}
                """ : "";
        cluster.apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s, namespace: apps}
                spec:
                  replicas: %2$d
                  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      terminationGracePeriodSeconds: 30
                      automountServiceAccountToken: false
                      containers:
                      - name: app
                        image: breakwater.local/e2e-backend:1
                        imagePullPolicy: Never
                        args: [-on-sigterm, %3$s]
                        env:
                        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                        - {name: VERSION, value: "1"}
                        ports: [{name: http, containerPort: 8080}]
                        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 1, failureThreshold: 1}
                %4$s        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 64Mi}}
                        securityContext:
                          runAsNonRoot: true
                          readOnlyRootFilesystem: true
                          allowPrivilegeEscalation: false
                          capabilities: {drop: [ALL]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s, namespace: apps}
                spec:
                  selector: {app: %1$s}
                  ports: [{name: http, port: 80, targetPort: http}]
                """.formatted(name, replicas, graceful ? "drain" : "exit", lifecycle));
        cluster.kubectl(ROLLOUT, "-n", APPS, "rollout", "status", "deploy/" + name, "--timeout=300s");
    }

    private void ingress(String service, String host) {
        client.resource(ingressObject(host.replace('.', '-'), service, host)).serverSideApply();
    }

    private static Ingress ingressObject(String name, String service, String host) {
        return new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder().withNewMetadata().withName(name)
                .withNamespace(APPS).endMetadata().withNewSpec().withIngressClassName("breakwater").addNewRule()
                .withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix").withNewBackend()
                .withNewService().withName(service).withNewPort().withNumber(80).endPort().endService().endBackend()
                .endPath().endHttp().endRule().endSpec().build();
    }

    private HttpResponse<String> get(String host) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(HTTP).header("Host", host).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int status(String host) {
        try {
            return get(host).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String servedBy(String host) {
        try {
            return get(host).headers().firstValue("X-Pod").orElse("");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void post(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private void awaitServed(String host, Duration timeout) throws InterruptedException {
        awaitTrue(host + " answered 200 on the host port", timeout, () -> status(host) == 200);
    }

    private String awaitCurl(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--max-time", "5"));
        cmd.addAll(List.of(args));
        long until = System.nanoTime() + timeout.toNanos();
        LocalCluster.Run r;
        do {
            r = LocalCluster.run(cluster.root, Duration.ofSeconds(10), cmd.toArray(String[]::new));
            if (r.code() == 0) {
                return r.stdout();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < until);
        throw new AssertionError("curl " + String.join(" ", args) + " kept failing: " + r.output());
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private List<Pod> pods(String app) {
        return client.pods().inNamespace(APPS).withLabel("app", app).list().getItems();
    }

    private List<Pod> readyPods(String app) {
        return pods(app).stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null && ready(p)).toList();
    }

    private boolean isReady(String pod) {
        Pod p = client.pods().inNamespace(APPS).withName(pod).get();
        return p != null && ready(p);
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private String leader() {
        var lease = client.leases().inNamespace(NS).withName("breakwater-operator").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private boolean access(String user, String verb, String group, String resource, String namespace) {
        SubjectAccessReview review = client.authorization().v1().subjectAccessReview().create(
                new SubjectAccessReviewBuilder().withNewSpec().withUser(user)
                        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + NS, "system:authenticated")
                        .withNewResourceAttributes().withVerb(verb).withGroup(group).withResource(resource)
                        .withNamespace(namespace.isEmpty() ? null : namespace).endResourceAttributes().endSpec()
                        .build());
        return review.getStatus().getAllowed();
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /**
     * For a failure's message: what each data plane counted of upstream errors and retries, and its last log lines
     * (the upstream's DEBUG lines say which endpoint failed how, where the image logs them).
     */
    private String dataplaneDiagnostics() {
        StringBuilder out = new StringBuilder();
        try {
            for (Pod p : client.pods().inNamespace(NS).withLabel("app.kubernetes.io/component", "dataplane").list()
                    .getItems()) {
                String name = p.getMetadata().getName();
                String metrics = cluster.kubectl(Duration.ofSeconds(20), "get", "--raw",
                        "/api/v1/namespaces/" + NS + "/pods/" + name + ":9090/proxy/metrics");
                metrics.lines().filter(l -> l.startsWith("breakwater_upstream_"))
                        .forEach(l -> out.append("\n  ").append(name).append(' ').append(l));
                String logs = cluster.kubectl(Duration.ofSeconds(20), "-n", NS, "logs", name, "--tail=60");
                logs.lines().forEach(l -> out.append("\n  ").append(name).append(" log: ").append(l));
            }
        } catch (Exception | AssertionError e) {
            out.append("\n  (no data-plane diagnostics: ").append(e).append(')');
        }
        return out.toString();
    }

    private static void report(String format, Object... args) throws IOException {
        String line = String.format(Locale.ROOT, format, args).replace("\n", " ");
        System.out.println("CLUSTER-REPORT " + line);
        Files.createDirectories(REPORT.toAbsolutePath().getParent());
        Files.writeString(REPORT, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
