package dev.breakwater.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.kube.ShippedRbac;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The end-to-end scenarios on a cluster fixture ({@link E2EApiServerIT}: a real kube-apiserver and etcd on
 * 127.0.0.1). What runs is what runs in a cluster, as separate
 * processes: the operator ({@code java -jar breakwater-operator.jar run}) with a kubeconfig holding a token of
 * its ServiceAccount, so with exactly the RBAC the chart ships ({@code deploy/operator-rbac.yaml}, plus a test supplement for names); a data plane
 * ({@code java -jar breakwater-dataplane.jar --operator ...}) connected over the mutual-TLS push channel with
 * credentials from {@code breakwater-operator.jar credentials}; backends on 127.0.0.1 that the test's
 * EndpointSlices point at (no controller makes slices for them). The test applies YAML with the fabric8 client
 * and sends requests through the data plane.
 *
 * <p>The push channel's Service has no selector: the leader writes its EndpointSlice. {@link ChannelServiceProxy}
 * does what kube-proxy would do with it, so the data plane reaches whichever replica leads.
 *
 * <p>No timing assertions: every wait is bounded polling with a generous deadline. The suite's duration is
 * printed, scenario by scenario.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class E2EScenarios {

    static final String OPERATOR_NAMESPACE = "breakwater";
    static final String APPS = "e2e-apps";
    static final String SCOPED = "e2e-scoped";
    static final String CLASS = "breakwater";
    static final String SCOPED_CLASS = "breakwater-scoped";
    static final String CHANNEL_SERVICE = "breakwater-channel";
    static final String LEASE = "breakwater-operator";
    static final String STATUS_IP = "203.0.113.10";
    static final String SCOPED_STATUS_IP = "203.0.113.20";
    static final Duration PATIENCE = Duration.ofSeconds(120);
    /** The name of 127.0.0.1 in the EndpointSlices (the data plane's {@code --hosts-file} maps it). */
    static final String BACKENDS_NAME = "backends.e2e.test";
    static final ObjectMapper JSON = new ObjectMapper();

    private E2ECluster cluster;
    private KubernetesClient admin;
    private Path work;
    private Path credentials;
    private Path operatorKubeconfig;
    private ChannelServiceProxy channelService;
    private final Map<String, Operator> operators = new LinkedHashMap<>();
    private final List<JarProcess> processes = new ArrayList<>();
    private final List<E2EBackend> backends = new ArrayList<>();
    private JarProcess dataPlane;
    private int httpPort;
    private int httpsPort;
    private int adminPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private long suiteStart;
    private long setupNanos;
    private long scenarioStart;
    private final Map<String, Double> durations = new LinkedHashMap<>();

    /**
     * An operator replica: its process and ports, and the pod IP it writes into the channel's EndpointSlice (a
     * TEST-NET-1 address: the API server refuses loopback ones; {@link ChannelServiceProxy} maps it to the
     * replica's channel port on 127.0.0.1, and nothing ever connects to it).
     */
    record Operator(String identity, JarProcess process, String podIp, int channelPort, int healthPort) {
    }

    /** An answer through the data plane: status (-1: no answer), the X-Backend header, the body or the error. */
    record Response(int status, String backend, String body) {
    }

    // ------------------------------------------------------------------------------------------------ set-up

    /**
     * Brings up everything the scenarios share: the CRDs and RBAC applied, the operator's ServiceAccount token,
     * the push channel's credentials, one operator replica (the leader) and one data plane.
     */
    protected void start(E2ECluster started) throws Exception {
        suiteStart = System.nanoTime();
        cluster = started;
        admin = cluster.adminClient();
        work = Path.of("target", "e2e", getClass().getSimpleName()).toAbsolutePath();
        deleteRecursively(work);
        Files.createDirectories(work);
        log("cluster: " + cluster.description() + "; logs in " + work);

        Path root = projectRoot();
        try (var crds = Files.list(root.resolve("crds"))) {
            for (Path crd : crds.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted().toList()) {
                try (InputStream in = Files.newInputStream(crd)) {
                    admin.load(in).forceConflicts().serverSideApply();
                }
            }
        }
        admin.apiextensions().v1().customResourceDefinitions().withName("routes.breakwater.dev")
                .waitUntilCondition(crd -> crd != null && crd.getStatus() != null && crd.getStatus().getConditions()
                        .stream().anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")),
                        PATIENCE.toSeconds(), TimeUnit.SECONDS);
        ShippedRbac.apply(admin, OPERATOR_NAMESPACE);
        apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: %s}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: %s}
                ---
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata: {name: %s}
                spec: {controller: breakwater.dev/ingress-controller}
                ---
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata: {name: %s}
                spec: {controller: breakwater.dev/ingress-controller}
                ---
                # the push channel: a Service without selector, whose EndpointSlice the leader writes
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: %s}
                spec:
                  ports: [{name: channel, port: 18000, targetPort: 18000}]
                """.formatted(APPS, SCOPED, CLASS, SCOPED_CLASS, CHANNEL_SERVICE, OPERATOR_NAMESPACE));
        operatorKubeconfig = cluster.serviceAccountKubeconfig(admin, OPERATOR_NAMESPACE, "breakwater-operator",
                3600, work.resolve("operator.kubeconfig"));

        credentials = work.resolve("channel");
        JarProcess creds = JarProcess.start("credentials", work.resolve("credentials.log"), Map.of(),
                JarProcess.OPERATOR_JAR, List.of("credentials", credentials.toString()));
        Integer exit = creds.awaitExit(120);
        assertThat(exit).as("breakwater-operator.jar credentials: " + creds.output()).isEqualTo(0);

        channelService = new ChannelServiceProxy(this::channelEndpoint);
        Operator first = startOperator("op-1");
        await("op-1 to lead", () -> readyz(first).contains("leader"));

        Path hostsFile = Files.writeString(work.resolve("hosts"), "127.0.0.1 " + BACKENDS_NAME + "\n");
        httpPort = freePort();
        httpsPort = freePort();
        adminPort = freePort();
        dataPlane = startProcess("dataplane", Map.of("NODE_NAME", "e2e-node", "POD_NAME", "dataplane-0"),
                JarProcess.DATAPLANE_JAR, List.of(
                        "--operator", "127.0.0.1:" + channelService.port(),
                        "--channel-server-name", "breakwater-operator",
                        "--channel-ca", credentials.resolve("ca.crt").toString(),
                        "--channel-cert", credentials.resolve("client.crt").toString(),
                        "--channel-key", credentials.resolve("client.key").toString(),
                        "--table-cache", work.resolve("dataplane-table.json").toString(),
                        "--hosts-file", hostsFile.toString(),
                        "--bind", "127.0.0.1", "--http-port", Integer.toString(httpPort),
                        "--https-port", Integer.toString(httpsPort), "--admin-port", Integer.toString(adminPort),
                        "--workers", "2", "--shutdown-grace", "0s", "--shutdown-timeout", "5s"));
        await("the data plane to be ready (its first table applied)",
                () -> status("http://127.0.0.1:" + adminPort + "/readyz") == 200);
        setupNanos = System.nanoTime() - suiteStart;
        log(String.format(Locale.ROOT, "set-up took %.1f s (cluster objects, credentials, operator, data plane)",
                setupNanos / 1e9));
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (suiteStart != 0 && cluster != null) {
            double total = (System.nanoTime() - suiteStart) / 1e9;
            StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                    "suite took %.1f s on %s: set-up %.1f s", total, cluster.description(), setupNanos / 1e9));
            durations.forEach((name, s) -> report.append(String.format(Locale.ROOT, ", %s %.1f s", name, s)));
            log(report.toString());
        }
        for (JarProcess p : processes) {
            p.close();
        }
        if (channelService != null) {
            channelService.close();
        }
        backends.forEach(E2EBackend::close);
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void scenarioStarts(TestInfo info) {
        scenarioStart = System.nanoTime();
        log("scenario " + info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void scenarioEnds(TestInfo info) {
        double seconds = (System.nanoTime() - scenarioStart) / 1e9;
        String name = info.getTestMethod().orElseThrow().getName();
        durations.put(name, seconds);
        log(String.format(Locale.ROOT, "scenario %s took %.1f s", name, seconds));
    }

    // ------------------------------------------------------------------------------------------------ scenarios

    @Test
    @Order(1)
    void anIngressIsServed_andItsStatusGetsTheLoadBalancerAddress() throws Exception {
        E2EBackend web = backend("web");
        apply(service(APPS, "web") + slice(APPS, "web-1", "web", web) + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: web, namespace: %s}
                spec:
                  ingressClassName: %s
                  rules:
                  - host: web.e2e.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """.formatted(APPS, CLASS));

        Response r = await("web.e2e.test served by backend web", () -> {
            Response now = get("web.e2e.test", "/hello?x=1");
            return "web".equals(now.backend()) ? now : null;
        });
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("path=/hello?x=1");
        // a host nobody names: the data plane's own 404
        assertThat(get("nobody.e2e.test", "/").status()).isEqualTo(404);
        // the operator's meters: the connected data plane and the version it serves
        Operator leader = operators.get("op-1");
        String metrics = await("the operator's channel meters", () -> {
            try {
                String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + leader.healthPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return text.contains("breakwater_channel_dataplanes_connected 1.0") ? text : null;
            } catch (java.io.IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        });
        assertThat(metrics).contains("breakwater_channel_dataplane_table_version").contains("breakwater_channel_push_latency");
        curl("web.e2e.test", "/", "x-backend: web");

        Ingress ingress = await("status.loadBalancer of Ingress web", () -> {
            Ingress now = admin.network().v1().ingresses().inNamespace(APPS).withName("web").get();
            return statusAddresses(now).equals(List.of(STATUS_IP)) ? now : null;
        });
        assertThat(ingress.getMetadata().getManagedFields()).anySatisfy(m -> {
            assertThat(m.getManager()).isEqualTo("breakwater");
            assertThat(m.getSubresource()).isEqualTo("status");
        });
    }

    @Test
    @Order(2)
    void aRouteSplitsTrafficByWeight() {
        E2EBackend stable = backend("stable");
        E2EBackend canary = backend("canary");
        apply(service(APPS, "stable") + slice(APPS, "stable-1", "stable", stable)
                + service(APPS, "canary") + slice(APPS, "canary-1", "canary", canary) + """
                apiVersion: breakwater.dev/v1alpha1
                kind: Route
                metadata: {name: split, namespace: %s}
                spec:
                  hostnames: [split.e2e.test]
                  rules:
                  - name: storefront
                    backends:
                    - {name: stable, port: http, weight: 80}
                    - {name: canary, port: http, weight: 20}
                """.formatted(APPS));
        await("split.e2e.test served", () -> get("split.e2e.test", "/").status() == 200);

        int n = 500;
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        for (int i = 0; i < n; i++) {
            Response r = get("split.e2e.test", "/item/" + i);
            assertThat(r.status()).as("request %d: %s", i, r).isEqualTo(200);
            seen.merge(r.backend(), 1, Integer::sum);
        }
        log("weighted split 80/20 over " + n + " requests: " + seen);
        assertThat(seen.keySet()).containsExactlyInAnyOrder("stable", "canary");
        double stableShare = seen.get("stable") / (double) n;
        // 80 % expected; a binomial spread over 500 requests is 1.8 %: 0.70-0.90 is more than 5 of them
        assertThat(stableShare).isBetween(0.70, 0.90);
    }

    @Test
    @Order(3)
    void anInvalidRouteIsNotAcceptedAndGetsAnEvent_othersKeepServing_andProgrammedFollowsTheDataPlanesAck() {
        E2EBackend shop = backend("shop");
        apply(service(APPS, "shop") + slice(APPS, "shop-1", "shop", shop) + """
                apiVersion: breakwater.dev/v1alpha1
                kind: Route
                metadata: {name: shop, namespace: %s}
                spec:
                  hostnames: [shop.e2e.test]
                  rules:
                  - backends: [{name: shop, port: http}]
                """.formatted(APPS));
        await("shop.e2e.test served", () -> "shop".equals(get("shop.e2e.test", "/").backend()));
        Map<String, Object> programmed = awaitCondition("shop", "Programmed", "True");
        assertThat(programmed.get("reason")).isEqualTo("Programmed");
        long generation = routeGeneration("shop");
        assertThat(((Number) programmed.get("observedGeneration")).longValue()).isEqualTo(generation);
        assertThat(awaitCondition("shop", "Accepted", "True").get("reason")).isEqualTo("Accepted");
        assertThat(awaitCondition("shop", "ResolvedRefs", "True").get("reason")).isEqualTo("ResolvedRefs");

        // the schema cannot check a Java regular expression; the compiler can, and nothing of this Route is served
        apply("""
                apiVersion: breakwater.dev/v1alpha1
                kind: Route
                metadata: {name: broken, namespace: %s}
                spec:
                  hostnames: [broken.e2e.test]
                  rules:
                  - matches: [{path: {type: RegularExpression, value: "/items/[0-9+"}}]
                    backends: [{name: shop, port: http}]
                """.formatted(APPS));
        Map<String, Object> accepted = awaitCondition("broken", "Accepted", "False");
        assertThat(accepted.get("reason")).isEqualTo("Invalid");
        assertThat((String) accepted.get("message")).contains("not a valid regular expression");
        Event event = await("a Warning Event about Route broken", () -> events(APPS, "broken").stream()
                .filter(e -> "Route".equals(e.getInvolvedObject().getKind())).findFirst().orElse(null));
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getReason()).isEqualTo("InvalidMatch");
        assertThat(event.getMessage()).startsWith("spec.rules[0].matches[0].path.value: ");
        assertThat(awaitCondition("broken", "Programmed", "False").get("reason")).isEqualTo("NotAccepted");

        // the others keep serving, and stay Programmed
        for (int i = 0; i < 10; i++) {
            assertThat(get("shop.e2e.test", "/" + i).backend()).isEqualTo("shop");
        }
        assertThat(get("broken.e2e.test", "/items/1").status()).isEqualTo(404);
        assertThat(condition("shop", "Programmed")).containsEntry("status", "True");
        assertThat(events(APPS, "shop")).isEmpty();
    }

    @Test
    @Order(4)
    void aRotatedTlsSecretIsServed() throws Exception {
        E2EBackend secure = backend("secure");
        TestPki pki = TestPki.create("E2E CA");
        TestPki.Issued first = pki.server("tls.e2e.test");
        apply(service(APPS, "secure") + slice(APPS, "secure-1", "secure", secure) + tlsSecret(APPS, "tls-cert", first)
                + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: secure, namespace: %s}
                spec:
                  ingressClassName: %s
                  tls: [{hosts: [tls.e2e.test], secretName: tls-cert}]
                  rules:
                  - host: tls.e2e.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: secure, port: {number: 80}}}}
                """.formatted(APPS, CLASS));

        await("the first certificate served for tls.e2e.test",
                () -> first.certificate().equals(servedCertificate("tls.e2e.test")));
        assertThat(httpsGet("tls.e2e.test", "/")).startsWith("HTTP/1.1 200").containsIgnoringCase("x-backend: secure");
        assertThat(get("tls.e2e.test", "/").status()).as("plain HTTP redirects to HTTPS").isEqualTo(308);

        TestPki.Issued second = pki.server("tls.e2e.test");
        assertThat(second.certificate()).isNotEqualTo(first.certificate());
        apply(tlsSecret(APPS, "tls-cert", second));
        await("the rotated certificate served", () -> second.certificate().equals(servedCertificate("tls.e2e.test")));
        assertThat(httpsGet("tls.e2e.test", "/")).startsWith("HTTP/1.1 200").containsIgnoringCase("x-backend: secure");
        opensslSeesCertificate("tls.e2e.test", second.certificate());
    }

    @Test
    @Order(5)
    void aTerminatingEndpointIsDrained_requestsInFlightFinishAndNewOnesGoElsewhere() throws Exception {
        E2EBackend a = backend("drain-a");
        E2EBackend b = backend("drain-b");
        apply(service(APPS, "drain") + slice(APPS, "drain-a", "drain", a) + slice(APPS, "drain-b", "drain", b) + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: drain, namespace: %s}
                spec:
                  ingressClassName: %s
                  rules:
                  - host: drain.e2e.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: drain, port: {number: 80}}}}
                """.formatted(APPS, CLASS));
        await("both endpoints of drain serving", () -> {
            get("drain.e2e.test", "/");
            return a.requests() > 0 && b.requests() > 0;
        });

        // requests in flight on both endpoints (round-robin spreads them), held by the backends
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inFlight.add(http.sendAsync(request("drain.e2e.test", "/hold"), HttpResponse.BodyHandlers.ofString()));
        }
        await("6 requests held, some on drain-a", () -> a.held() >= 1 && a.held() + b.held() == 6);
        int heldOnA = a.held();

        // drain-a's pod is going away: its endpoint turns terminating (still serving, no longer ready)
        apply(slice(APPS, "drain-a", "drain", a, false, true, true));
        await("the data plane's table to mark drain-a terminating", () -> {
            for (JsonNode c : dataPlaneTable().path("clusters")) {
                if (c.path("name").asText().equals(APPS + "/drain:http")) {
                    for (JsonNode e : c.path("endpoints")) {
                        if (e.path("port").asInt() == a.port() && e.path("terminating").asBoolean()) {
                            return true;
                        }
                    }
                }
            }
            return false;
        });
        int aBefore = a.requests();
        for (int i = 0; i < 20; i++) {
            Response r = get("drain.e2e.test", "/after/" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.backend()).as("new request %d", i).isEqualTo("drain-b");
        }
        assertThat(a.requests()).as("no new request reached the terminating endpoint").isEqualTo(aBefore);
        assertThat(a.held()).as("requests in flight on the terminating endpoint are still running").isEqualTo(heldOnA);
        assertThat(inFlight).noneMatch(CompletableFuture::isDone);

        a.release();
        b.release();
        Map<String, Integer> finished = new LinkedHashMap<>();
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            HttpResponse<String> r = f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContain("never released");
            finished.merge(r.headers().firstValue("x-backend").orElse("?"), 1, Integer::sum);
        }
        log("requests in flight during the drain finished: " + finished);
        assertThat(finished.get("drain-a")).isEqualTo(heldOnA);
    }

    @Test
    @Order(6)
    void underNarrowedRbacTheOperatorServesItsNamespacesAndCannotReadSecretsElsewhere() throws Exception {
        String account = "breakwater-scoped";
        applyNamespacedRbac(account, SCOPED);
        Path kubeconfig = cluster.serviceAccountKubeconfig(admin, OPERATOR_NAMESPACE, account, 3600,
                work.resolve("scoped.kubeconfig"));
        apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: not-yours, namespace: %s}
                type: Opaque
                stringData: {password: hunter2}
                """.formatted(APPS));

        // the API server holds it to its namespaces
        try (KubernetesClient scoped = client(kubeconfig)) {
            assertForbidden(() -> scoped.secrets().inNamespace(APPS).withName("not-yours").get());
            assertForbidden(() -> scoped.secrets().inAnyNamespace().list());
            assertForbidden(() -> scoped.network().v1().ingresses().inAnyNamespace().list());
            assertThat(scoped.secrets().inNamespace(SCOPED).list().getItems()).isNotNull();
            assertThat(scoped.network().v1().ingressClasses().list().getItems()).isNotEmpty();
        }
        try (KubernetesClient full = client(operatorKubeconfig)) {
            // rbac.yaml, by contrast, lets the cluster-wide operator read it
            assertThat(full.secrets().inNamespace(APPS).withName("not-yours").get()).isNotNull();
        }

        // asked to watch every namespace, it cannot start: the API server refuses the lists
        JarProcess everywhere = startProcess("op-scoped-all", Map.of(), JarProcess.OPERATOR_JAR, List.of("run",
                "--kubeconfig", kubeconfig.toString(), "--namespace", OPERATOR_NAMESPACE,
                "--lease-name", "breakwater-scoped-all", "--identity", "op-scoped-all",
                "--ingress-class", SCOPED_CLASS, "--health-bind", "127.0.0.1", "--health-port", "0"));
        Integer exit = everywhere.awaitExit(PATIENCE.toSeconds());
        assertThat(exit).as("op-scoped-all should stop: " + everywhere.output()).isNotNull().isNotEqualTo(0);
        assertThat(everywhere.output()).containsIgnoringCase("forbidden");

        // with --namespaces it runs, serves what it is given and writes its status
        Operator scopedOperator = startOperator("op-scoped", kubeconfig, List.of("--namespaces", SCOPED,
                "--ingress-class", SCOPED_CLASS, "--lease-name", "breakwater-scoped",
                "--status-address", SCOPED_STATUS_IP));
        E2EBackend own = backend("scoped");
        TestPki.Issued cert = TestPki.create("Scoped CA").server("scoped.e2e.test");
        apply(service(SCOPED, "own") + slice(SCOPED, "own-1", "own", own) + tlsSecret(SCOPED, "own-tls", cert) + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: own, namespace: %s}
                spec:
                  ingressClassName: %s
                  tls: [{hosts: [scoped.e2e.test], secretName: own-tls}]
                  rules:
                  - host: scoped.e2e.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: own, port: {number: 80}}}}
                """.formatted(SCOPED, SCOPED_CLASS));
        await("op-scoped to lead and publish", () -> readyz(scopedOperator).contains("leader, table v"));
        await("the status written by op-scoped", () -> statusAddresses(admin.network().v1().ingresses()
                .inNamespace(SCOPED).withName("own").get()).equals(List.of(SCOPED_STATUS_IP)));
        assertThat(events(SCOPED, "own")).as("its TLS Secret was readable").noneMatch(e -> "InvalidTLS"
                .equals(e.getReason()));
        assertThat(scopedOperator.process().output()).doesNotContainIgnoringCase("forbidden");
        scopedOperator.process().kill();
    }

    /**
     * The chart's Grafana dashboard and alerts ({@code charts/breakwater/files/}) against a real Prometheus scraping
     * this data plane and the leading operator: each dashboard query returns data, and each alert's expression does
     * once its condition is made to happen (a route whose only endpoint refuses connections: 5xx; a Route listener on
     * a port already taken, which the data plane NACKs and so falls behind; the certificate of the TLS scenario,
     * valid for 10 days). Prometheus loads the rule file itself and reports every rule healthy.
     */
    @Test
    @Order(90)
    void theDashboardsQueriesAndTheAlertsReturnDataFromARealPrometheus() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(PrometheusServer.BINARY),
                "no " + PrometheusServer.BINARY + " (Debian's prometheus package; .ci/run installs it)");
        Path files = projectRoot().resolve("charts/breakwater/files");
        Operator leader = operators.get("op-1");
        assertThat(readyz(leader)).contains("leader");

        // scraping from before the changes below, so that their compiles and pushes are seen
        PrometheusServer prometheus = PrometheusServer.start(work.resolve("prometheus"), Map.of(
                "dataplane", List.of("127.0.0.1:" + adminPort),
                "operator", List.of("127.0.0.1:" + leader.healthPort())), files.resolve("prometheus-rules.yaml"));
        E2EBackend cached = backend("cached");
        E2EBackend checked = backend("checked");
        E2EBackend gone = E2EBackend.start("gone");
        gone.close(); // its port now refuses connections (the slice below names it)
        apply(service(APPS, "cached") + slice(APPS, "cached-1", "cached", cached)
                + service(APPS, "checked") + slice(APPS, "checked-1", "checked", checked)
                + service(APPS, "gone") + slice(APPS, "gone-1", "gone", gone) + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: cached
                  namespace: %1$s
                  annotations: {breakwater.dev/cache: "true", breakwater.dev/cache-default-ttl: "10m"}
                spec:
                  ingressClassName: %2$s
                  rules:
                  - host: cached.e2e.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: cached, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: failing, namespace: %1$s}
                spec:
                  ingressClassName: %2$s
                  rules:
                  - host: failing.e2e.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: gone, port: {number: 80}}}}
                ---
                apiVersion: breakwater.dev/v1alpha1
                kind: Route
                metadata: {name: checked, namespace: %1$s}
                spec:
                  hostnames: [checked.e2e.test]
                  rules:
                  - healthCheck: {path: /healthz, interval: 1s}
                    backends: [{name: checked, port: http}]
                """.formatted(APPS, CLASS));
        await("the three hosts served", () -> get("cached.e2e.test", "/").status() == 200
                && get("checked.e2e.test", "/").status() == 200 && get("failing.e2e.test", "/").status() == 502);

        try (prometheus; ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // traffic of every kind the dashboard shows, all along (bounded: it stops with the scenario or in 5 min)
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (!stop.get() && System.nanoTime() < deadline) {
                    get("cached.e2e.test", "/page");
                    get("checked.e2e.test", "/");
                    get("failing.e2e.test", "/");
                    get("nobody.e2e.test", "/");
                    try {
                        httpsGet("tls.e2e.test", "/");
                    } catch (IOException e) {
                        // counted or not, the next round tries again
                    }
                    sleep(100);
                }
            }, "e2e-dashboard-traffic");
            traffic.start();
            try {
                assertThat(rawRequest("GET / HTTP/1.1\r\nHost: a.e2e.test\r\nHost: b.e2e.test\r\n\r\n"))
                        .as("two Host fields are refused at the edge").startsWith("HTTP/1.1 400");
                await("Prometheus scraping the data plane and the operator", () -> {
                    int up = 0;
                    for (JsonNode t : prometheus.targets()) {
                        up += "up".equals(t.path("health").asText()) ? 1 : 0;
                    }
                    return up == 2;
                });

                JsonNode dashboard = JSON.readTree(files.resolve("grafana-dashboard.json").toFile());
                int queries = 0;
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr").asText().replace("$__rate_interval", "1m");
                        awaitData(prometheus, "dashboard panel '" + panel.path("title").asText() + "'", expr);
                        queries++;
                    }
                }
                log("every one of the dashboard's " + queries + " queries returns data");

                // a Route listener on a port already taken: the data plane refuses the table (NACK), and so serves
                // an older version than the operator published
                apply("""
                        apiVersion: breakwater.dev/v1alpha1
                        kind: Route
                        metadata: {name: taken-port, namespace: %s}
                        spec:
                          listeners:
                          - {protocol: TCP, port: %d, backends: [{name: checked, port: http}]}
                        """.formatted(APPS, taken.getLocalPort()));
                JsonNode groups = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                        .readTree(files.resolve("prometheus-rules.yaml").toFile()).path("groups");
                int alerts = 0;
                for (JsonNode group : groups) {
                    for (JsonNode rule : group.path("rules")) {
                        awaitData(prometheus, "alert " + rule.path("alert").asText(), rule.path("expr").asText());
                        alerts++;
                    }
                }
                log("every one of the " + alerts + " alerts' expressions returns data once its condition holds");
                JsonNode loaded = await("Prometheus evaluating the rule file", () -> {
                    JsonNode g = prometheus.rules();
                    return g.size() > 0 && g.get(0).path("rules").size() > 0
                            && g.get(0).path("rules").get(0).has("lastEvaluation") ? g : null;
                });
                for (JsonNode rule : loaded.get(0).path("rules")) {
                    assertThat(rule.path("health").asText()).as("rule %s: %s", rule.path("name").asText(),
                            rule.path("lastError").asText()).isEqualTo("ok");
                }
                assertThat(loaded.get(0).path("rules")).hasSize(alerts);
            } finally {
                stop.set(true);
                traffic.join(TimeUnit.SECONDS.toMillis(30));
                admin.genericKubernetesResources("breakwater.dev/v1alpha1", "Route").inNamespace(APPS)
                        .withName("taken-port").delete();
            }
            await("the data plane caught up once the Route with the taken port is gone", () -> prometheus.query(
                    "breakwater_channel_dataplane_table_version < ignoring(dataplane) "
                            + "group_left max without (dataplane) (breakwater_channel_table_version)").isEmpty());
        }
    }

    /** Polls Prometheus until {@code promql} returns at least one series; a query it refuses fails at once. */
    private void awaitData(PrometheusServer prometheus, String what, String promql) {
        prometheus.query(promql); // refused (IllegalArgumentException) here, not retried by the wait below
        await(what + " returns data: " + promql, () -> prometheus.query(promql).size() > 0);
    }

    /** Bytes as they are to the data plane's HTTP port; the first line of the answer (or what the socket said). */
    String rawRequest(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String line = in.readLine();
            return line == null ? "(closed)" : line;
        }
    }

    @Test
    @Order(100)
    void whenTheLeaderIsKilledTheStandbyTakesOver_trafficNeverFails_andLaterChangesAreServed() throws Exception {
        Operator first = operators.get("op-1");
        Operator second = startOperator("op-2");
        await("op-2 synced, standing by", () -> readyz(second).contains("standby"));
        assertThat(readyz(first)).contains("leader");

        E2EBackend before = backend("failover-a");
        E2EBackend after = backend("failover-b");
        apply(service(APPS, "fo-a") + slice(APPS, "fo-a-1", "fo-a", before)
                + service(APPS, "fo-b") + slice(APPS, "fo-b-1", "fo-b", after) + failoverIngress("fo-a"));
        await("failover.e2e.test served by failover-a", () -> "failover-a".equals(get("failover.e2e.test", "/")
                .backend()));

        // requests in a loop (bounded: at most 4 minutes) from before the kill to after the change
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> served = new ConcurrentHashMap<>();
        Thread loop = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (!stop.get() && System.nanoTime() < deadline) {
                Response r = get("failover.e2e.test", "/loop/" + sent.incrementAndGet());
                if (r.status() != 200) {
                    synchronized (failures) {
                        failures.add(r.toString());
                    }
                } else {
                    served.merge(r.backend(), 1, Integer::sum);
                }
                sleep(20);
            }
        }, "e2e-request-loop");
        loop.start();
        try {
            await("the loop under way", () -> sent.get() > 20);
            long killedAt = System.nanoTime();
            first.process().kill(); // kill -9
            log("killed the leader op-1 (SIGKILL) after " + sent.get() + " requests");
            await("op-2 to lead", () -> readyz(second).contains("leader"));
            await("the channel Service to point at op-2",
                    () -> Objects.equals(channelEndpoint(), new InetSocketAddress("127.0.0.1", second.channelPort())));
            log(String.format(Locale.ROOT, "op-2 leads %.1f s after the kill", (System.nanoTime() - killedAt) / 1e9));
            await("the data plane to reconnect to op-2", () -> dataPlane.output().lines()
                    .filter(l -> l.contains("push channel: connected")).count() >= 2);

            apply(failoverIngress("fo-b"));
            await("the change after the failover served (failover-b)",
                    () -> "failover-b".equals(get("failover.e2e.test", "/").backend()));
            int now = sent.get();
            await("20 more requests in the loop", () -> sent.get() > now + 20);
        } finally {
            stop.set(true);
            loop.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (route("shop") != null) {
            // the new leader writes Route status too: the Route of the status scenario is still Programmed
            assertThat(awaitCondition("shop", "Programmed", "True").get("reason")).isEqualTo("Programmed");
        }
        log("request loop across the failover: " + sent.get() + " requests, " + failures.size() + " failed; served by "
                + served);
        assertThat(failures).as("requests that failed during the failover").isEmpty();
        assertThat(served).containsKeys("failover-a", "failover-b");
    }

    // ------------------------------------------------------------------------------------------------ operators

    Operator startOperator(String identity) throws IOException {
        return startOperator(identity, operatorKubeconfig, List.of("--ingress-class", CLASS,
                "--lease-name", LEASE, "--status-address", STATUS_IP, "--channel-service", CHANNEL_SERVICE));
    }

    Operator startOperator(String identity, Path kubeconfig, List<String> extra) throws IOException {
        int channelPort = freePort();
        int healthPort = freePort();
        String podIp = "192.0.2." + (11 + operators.size());
        List<String> args = new ArrayList<>(List.of("run", "--kubeconfig", kubeconfig.toString(),
                "--namespace", OPERATOR_NAMESPACE, "--identity", identity,
                "--lease-duration", "6s", "--renew-deadline", "4s", "--retry-period", "1s",
                "--health-bind", "127.0.0.1", "--health-port", Integer.toString(healthPort),
                "--pod-ip", podIp, "--channel-bind", "127.0.0.1", "--channel-port", Integer.toString(channelPort),
                "--channel-ca", credentials.resolve("ca.crt").toString(),
                "--channel-cert", credentials.resolve("server.crt").toString(),
                "--channel-key", credentials.resolve("server.key").toString()));
        args.addAll(extra);
        JarProcess process = startProcess(identity, Map.of(), JarProcess.OPERATOR_JAR, args);
        Operator operator = new Operator(identity, process, podIp, channelPort, healthPort);
        operators.put(identity, operator);
        await(identity + " to be ready (informers synced)", () -> readyz(operator).startsWith("ready"));
        return operator;
    }

    String readyz(Operator operator) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + operator.healthPort() + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Where the push channel Service leads now, as kube-proxy would find it: the pod IP and port of its
     * EndpointSlice, the pod being one of our replicas, reached on 127.0.0.1 at that port. Null without one.
     */
    InetSocketAddress channelEndpoint() {
        EndpointSlice slice = admin.discovery().v1().endpointSlices().inNamespace(OPERATOR_NAMESPACE)
                .withName(CHANNEL_SERVICE + "-leader").get();
        if (slice == null || slice.getEndpoints().isEmpty() || slice.getPorts().isEmpty()) {
            return null;
        }
        String podIp = slice.getEndpoints().get(0).getAddresses().get(0);
        int port = slice.getPorts().get(0).getPort();
        return operators.values().stream().anyMatch(o -> o.podIp().equals(podIp) && o.channelPort() == port)
                ? new InetSocketAddress("127.0.0.1", port) : null;
    }

    JarProcess startProcess(String name, Map<String, String> env, Path jar, List<String> args) throws IOException {
        JarProcess p = JarProcess.start(name, work.resolve(name + ".log"), env, jar, args);
        processes.add(p);
        log("started " + p);
        return p;
    }

    // ------------------------------------------------------------------------------------------------ Routes

    /** The Route as the API server has it, read without our Java types (as any client would). */
    GenericKubernetesResource route(String name) {
        return admin.genericKubernetesResources("breakwater.dev/v1alpha1", "Route").inNamespace(APPS).withName(name)
                .get();
    }

    long routeGeneration(String name) {
        return route(name).getMetadata().getGeneration();
    }

    /** The condition of that type in the Route's {@code status.conditions}, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> condition(String name, String type) {
        GenericKubernetesResource route = route(name);
        Object status = route == null ? null : route.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> conditions)) {
            return null;
        }
        return conditions.stream().map(c -> (Map<String, Object>) c).filter(c -> type.equals(c.get("type")))
                .findFirst().orElse(null);
    }

    Map<String, Object> awaitCondition(String name, String type, String status) {
        return await("Route " + name + " " + type + "=" + status, () -> {
            Map<String, Object> c = condition(name, type);
            return c != null && status.equals(c.get("status")) ? c : null;
        });
    }

    // ------------------------------------------------------------------------------------------------ RBAC

    /**
     * {@code examples/cluster/rbac-namespaced.yaml} for ServiceAccount {@code account} watching {@code namespace}: the
     * file's RoleBinding for its example namespace moved to {@code namespace}, and the names of its account and
     * bindings changed so that they stand beside the chart's.
     */
    void applyNamespacedRbac(String account, String namespace) throws IOException {
        List<HasMetadata> objects;
        try (InputStream in = Files.newInputStream(projectRoot().resolve("examples/cluster/rbac-namespaced.yaml"))) {
            objects = admin.load(in).items();
        }
        for (HasMetadata o : objects) {
            if (o instanceof io.fabric8.kubernetes.api.model.ServiceAccount) {
                o.getMetadata().setName(account);
            } else if (o instanceof Role) {
                o.getMetadata().setName(account);
            } else if (o instanceof RoleBinding rb) {
                if (rb.getRoleRef().getKind().equals("Role")) {
                    rb.getRoleRef().setName(account);
                } else {
                    rb.getMetadata().setNamespace(namespace);
                }
                rb.getMetadata().setName(account);
                rb.getSubjects().forEach(s -> s.setName(account));
            } else if (o instanceof ClusterRoleBinding crb) {
                crb.getMetadata().setName(crb.getMetadata().getName() + "-" + account);
                crb.getSubjects().forEach(s -> s.setName(account));
            }
            admin.resource(o).fieldManager("e2e").forceConflicts().serverSideApply();
        }
        assertThat(objects).filteredOn(o -> o instanceof RoleBinding rb && rb.getMetadata().getNamespace()
                .equals(namespace)).singleElement().satisfies(o -> assertThat(((RoleBinding) o).getSubjects())
                .extracting(Subject::getName).containsExactly(account));
    }

    static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
    }

    KubernetesClient client(Path kubeconfig) throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        config.setRequestTimeout(30_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    // ------------------------------------------------------------------------------------------------ objects

    void apply(String yaml) {
        for (HasMetadata o : admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
            admin.resource(o).fieldManager("e2e").forceConflicts().serverSideApply();
        }
    }

    static String service(String namespace, String name) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: %s}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                """.formatted(name, namespace);
    }

    static String slice(String namespace, String name, String service, E2EBackend backend) {
        return slice(namespace, name, service, backend, true, true, false);
    }

    /**
     * An EndpointSlice of {@code service} with one endpoint: {@code backend} on 127.0.0.1. The API server refuses
     * loopback addresses in EndpointSlices, so the slice is {@code addressType: FQDN} and names
     * {@value #BACKENDS_NAME}, which the data plane's {@code --hosts-file} maps to 127.0.0.1.
     */
    static String slice(String namespace, String name, String service, E2EBackend backend, boolean ready,
                        boolean serving, boolean terminating) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  namespace: %s
                  labels: {kubernetes.io/service-name: %s}
                addressType: FQDN
                ports: [{name: http, port: %d, protocol: TCP}]
                endpoints:
                - addresses: [%s]
                  conditions: {ready: %s, serving: %s, terminating: %s}
                ---
                """.formatted(name, namespace, service, backend.port(), BACKENDS_NAME, ready, serving, terminating);
    }

    static String tlsSecret(String namespace, String name, TestPki.Issued cert) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: %s, namespace: %s}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                ---
                """.formatted(name, namespace, indent(cert.chainPem(), 4), indent(cert.keyPem(), 4));
    }

    static String failoverIngress(String service) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: failover, namespace: %s}
                spec:
                  ingressClassName: %s
                  rules:
                  - host: failover.e2e.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: %s, port: {number: 80}}}}
                """.formatted(APPS, CLASS, service);
    }

    private static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return text.strip().lines().map(l -> pad + l).collect(Collectors.joining("\n"));
    }

    static List<String> statusAddresses(Ingress ingress) {
        if (ingress == null || ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return ingress.getStatus().getLoadBalancer().getIngress().stream()
                .map(lb -> lb.getIp() != null ? lb.getIp() : lb.getHostname()).toList();
    }

    List<Event> events(String namespace, String involvedName) {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> involvedName.equals(e.getInvolvedObject().getName())).toList();
    }

    E2EBackend backend(String name) {
        E2EBackend b = E2EBackend.start(name);
        backends.add(b);
        return b;
    }

    // ------------------------------------------------------------------------------------------------ clients

    HttpRequest request(String host, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).header("Host", host)
                .timeout(Duration.ofSeconds(90)).build();
    }

    /** A GET through the data plane's HTTP port. */
    Response get(String host, String path) {
        try {
            HttpResponse<String> r = http.send(request(host, path), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("x-backend").orElse(null), r.body());
        } catch (IOException e) {
            return new Response(-1, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, null, e.toString());
        }
    }

    int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The table the data plane serves ({@code /table} on its admin port, keys redacted), as JSON; empty if none. */
    JsonNode dataPlaneTable() {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                    + "/table")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode();
        }
    }

    /** The leaf certificate the data plane's HTTPS port presents for SNI {@code host}, or null. */
    X509Certificate servedCertificate(String host) {
        try (SSLSocket socket = tlsSocket(host)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            return null;
        }
    }

    /** A raw HTTP/1.1 GET over TLS with SNI {@code host}; the answer's head and body as text. */
    String httpsGet(String host, String path) throws IOException {
        try (SSLSocket socket = tlsSocket(host)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private SSLSocket tlsSocket(String host) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
            socket.connect(new InetSocketAddress("127.0.0.1", httpsPort), 10_000);
            socket.setSoTimeout(30_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host)));
            socket.setSSLParameters(parameters);
            return socket;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The test looks at what is served; it trusts whatever is presented and compares it itself. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** {@code openssl s_client} sees that certificate too (when openssl is installed; CI installs it). */
    void opensslSeesCertificate(String host, X509Certificate expected) throws Exception {
        if (!onPath("openssl")) {
            log("openssl not installed: the served certificate was checked with an SSLSocket only");
            return;
        }
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + httpsPort,
                "-servername", host, "-showcerts").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String pem = out.substring(out.indexOf("-----BEGIN CERTIFICATE-----"),
                out.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length());
        X509Certificate seen = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(seen).isEqualTo(expected);
    }

    /** curl through the data plane (when curl is installed; CI installs it); its output must contain {@code expect}. */
    void curl(String host, String path, String expect) throws Exception {
        if (!onPath("curl")) {
            log("curl not installed: requests went through the JDK HttpClient only");
            return;
        }
        Process p = new ProcessBuilder("curl", "-sS", "-i", "--max-time", "30", "-H", "Host: " + host,
                "http://127.0.0.1:" + httpPort + path).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.toLowerCase(Locale.ROOT)).as(out).startsWith("http/1.1 200").contains(expect);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------ waiting

    /** Polls {@code probe} until it gives neither null nor false, for at most {@link #PATIENCE}. */
    <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        T value = null;
        while (System.nanoTime() < deadline) {
            try {
                value = probe.get();
            } catch (RuntimeException e) {
                value = null;
            }
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (dataPlane != null && !dataPlane.isAlive()) {
                throw new AssertionError("the data plane exited while waiting for " + what + "\n" + logTails());
            }
            sleep(100);
        }
        throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what + "; last seen: " + value
                + "\n" + logTails());
    }

    private String logTails() {
        StringBuilder out = new StringBuilder();
        for (JarProcess p : processes) {
            List<String> lines = p.output().lines().toList();
            out.append("--- ").append(p).append(", last lines:\n");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void log(String message) {
        System.out.println("e2e[" + getClass().getSimpleName() + "] " + message);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Path projectRoot() {
        return ShippedRbac.projectRoot();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
