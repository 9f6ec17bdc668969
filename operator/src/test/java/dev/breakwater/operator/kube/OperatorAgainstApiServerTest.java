package dev.breakwater.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.publish.RecordingPublisher;
import dev.breakwater.operator.run.RunMode;
import dev.breakwater.operator.run.RunOptions;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator against a real kube-apiserver (etcd + kube-apiserver v1.34 on 127.0.0.1), running as the
 * ServiceAccount of the chart's RBAC ({@code deploy/operator-rbac.yaml}, impersonated), so that the RBAC shipped is
 * the RBAC tested (plus a supplement for per-test Lease and channel names). Each
 * test has its own namespace (the operators watch only it) and its own Lease.
 */
@ExtendWith(KubeApiServer.class)
class OperatorAgainstApiServerTest {

    static final String CLASS = "breakwater-it";
    static final String OPERATOR_NAMESPACE = "breakwater";
    static final Duration PATIENCE = Duration.ofSeconds(120);

    static KubeApiServer.Server server;
    static KubernetesClient admin;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String ns;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) throws Exception {
        server = started;
        admin = server.adminClient();
        ShippedRbac.apply(admin, OPERATOR_NAMESPACE);
        admin.resource(Fixtures.ingressClass(CLASS, Fixtures.OUR_CONTROLLER, false)).forceConflicts()
                .serverSideApply();
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    @BeforeEach
    void namespace() {
        ns = "t-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        Namespace namespace = new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build();
        admin.resource(namespace).create();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Starts an operator watching this test's namespace, as the operator's ServiceAccount. */
    private RunMode operator(String identity, RecordingPublisher publisher, String lease, String... extra) {
        return operatorVia(null, identity, publisher, lease, extra);
    }

    private RunMode operatorVia(String url, String identity, RecordingPublisher publisher, String lease,
                                String... extra) {
        List<String> args = new ArrayList<>(List.of("--namespaces", ns, "--ingress-class", CLASS,
                "--namespace", OPERATOR_NAMESPACE, "--lease-name", lease, "--identity", identity,
                "--lease-duration", "4s", "--renew-deadline", "3s", "--retry-period", "500ms",
                "--health-bind", "127.0.0.1", "--health-port", "0", "--resync", "0"));
        args.addAll(List.of(extra));
        KubernetesClient client = server.serviceAccountClient(OPERATOR_NAMESPACE, "breakwater-operator", url);
        closeables.add(client);
        RunMode run = RunMode.start(RunOptions.parse(args, k -> null), client, publisher, true);
        closeables.add(run);
        return run;
    }

    /** Waits (at most a minute) until the pipeline's counters stay the same for a second. */
    private static void quiet(RunMode operator) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Object before = operator.stats();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Object now = operator.stats();
            if (now.equals(before)) {
                return;
            }
            before = now;
        }
    }

    private String lease() {
        return "lease-" + ns;
    }

    private <T extends HasMetadata> T apply(T object) {
        if (object.getMetadata().getNamespace() == null && !(object instanceof Node)) {
            object.getMetadata().setNamespace(ns);
        }
        return admin.resource(object).fieldManager("test").forceConflicts().serverSideApply();
    }

    private Service service(String name) {
        return Fixtures.service(ns, name).port("http", 80, 8080).build();
    }

    private EndpointSlice slice(String name, String service, String... addresses) {
        return Fixtures.endpointSlice(ns, name, service).port("http", 8080).endpoint(addresses).build();
    }

    private Ingress ingress(String name, String host, String service) {
        return Fixtures.ingress(ns, name).className(CLASS).host(host).prefix("/", service, 80).build();
    }

    private Ingress ingressNow(String name) {
        return admin.network().v1().ingresses().inNamespace(ns).withName(name).get();
    }

    /** Polls {@code probe} until it gives a non-null, non-false value, for at most {@link #PATIENCE}. */
    static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        T value = null;
        while (System.nanoTime() < deadline) {
            value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what + "; last seen: " + value);
    }

    private static List<String> endpoints(RoutingTable table, String cluster) {
        if (table == null || table.cluster(cluster) == null) {
            return List.of();
        }
        return table.cluster(cluster).endpoints().stream().map(Endpoint::authority).toList();
    }

    private static boolean serves(RoutingTable table, String host) {
        return table != null && table.virtualHosts().stream().anyMatch(v -> v.hostname().equals(host));
    }

    private static List<String> statusIps(Ingress ingress) {
        if (ingress == null || ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return ingress.getStatus().getLoadBalancer().getIngress().stream()
                .map(lb -> lb.getIp() != null ? lb.getIp() : lb.getHostname()).toList();
    }

    /** The field managers that own something of the Ingress's status. */
    private static List<String> statusManagers(Ingress ingress) {
        return ingress.getMetadata().getManagedFields().stream()
                .filter(m -> "status".equals(m.getSubresource()))
                .map(ManagedFieldsEntry::getManager).distinct().sorted().toList();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void anIngressIsCompiledWithItsEndpoints_andWhatChangesNothingMakesNoNewVersion() {
        apply(service("web"));
        apply(slice("web-1", "web", "10.1.0.1"));
        Ingress ingress = apply(ingress("web", "web.example.com", "web"));
        RecordingPublisher tables = new RecordingPublisher();
        RunMode operator = operator("op-a", tables, lease(), "--status-address", "203.0.113.10");

        RoutingTable table = await("a table with web.example.com and its endpoint",
                () -> endpoints(tables.last(), ns + "/web:http").contains("10.1.0.1:8080") ? tables.last() : null);
        VirtualHost host = table.virtualHosts().stream().filter(v -> v.hostname().equals("web.example.com")).findFirst()
                .orElseThrow();
        assertThat(host.routes()).singleElement().satisfies(route -> {
            assertThat(route.match().path().value()).isEqualTo("/");
            assertThat(route.action()).isEqualTo(RouteAction.Forward.to(ns + "/web:http"));
        });
        assertThat(table.version()).isEqualTo(1);
        assertThat(operator.isLeader()).isTrue();
        await("the status written", () -> statusIps(ingressNow("web")).equals(List.of("203.0.113.10")));
        assertThat(statusManagers(ingressNow("web"))).containsExactly("breakwater");

        // applying the very same Ingress again: the API server changes nothing, nothing is compiled
        String resourceVersion = ingressNow("web").getMetadata().getResourceVersion();
        apply(ingress("web", "web.example.com", "web"));
        assertThat(ingressNow("web").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);

        // a change that compiles to the same table: compiled, same content hash, no new version
        long compiled = operator.stats().fullCompilations();
        long unchanged = operator.stats().unchanged();
        Ingress annotated = ingress("web", "web.example.com", "web");
        annotated.getMetadata().getAnnotations().put("example.com/owner", "team-a");
        apply(annotated);
        await("a compilation of the annotated Ingress", () -> operator.stats().unchanged() > unchanged);
        assertThat(operator.stats().fullCompilations()).isGreaterThan(compiled);
        assertThat(tables.count()).isEqualTo(1);
        assertThat(ingress.getMetadata().getUid()).isEqualTo(ingressNow("web").getMetadata().getUid());
    }

    @Test
    void anEndpointSliceChangeTakesTheFastPath() {
        apply(service("web"));
        apply(service("api"));
        apply(slice("web-1", "web", "10.1.0.1"));
        apply(slice("api-1", "api", "10.2.0.1"));
        apply(Fixtures.ingress(ns, "web").className(CLASS).host("web.example.com").prefix("/", "web", 80)
                .prefix("/api", "api", 80).build());
        RecordingPublisher tables = new RecordingPublisher();
        RunMode operator = operator("op-a", tables, lease());
        await("the first table", () -> endpoints(tables.last(), ns + "/web:http").contains("10.1.0.1:8080"));
        // let anything else the start-up stirred (informers of other kinds syncing) be compiled first, so that the
        // slice change below is a batch of its own
        quiet(operator);
        long full = operator.stats().fullCompilations();

        apply(slice("web-1", "web", "10.1.0.1", "10.1.0.2"));
        RoutingTable table = await("the new endpoint",
                () -> endpoints(tables.last(), ns + "/web:http").contains("10.1.0.2:8080") ? tables.last() : null);
        assertThat(endpoints(table, ns + "/web:http")).containsExactly("10.1.0.1:8080", "10.1.0.2:8080");
        assertThat(endpoints(table, ns + "/api:http")).containsExactly("10.2.0.1:8080");
        assertThat(operator.stats().fastPaths()).isGreaterThanOrEqualTo(1);
        assertThat(operator.stats().fullCompilations()).isEqualTo(full);

        // a second slice of the same Service, then an endpoint that is terminating
        apply(Fixtures.endpointSlice(ns, "web-2", "web").port("http", 8080)
                .endpoint(false, true, true, null, "10.1.0.3").build());
        table = await("the terminating endpoint", () -> tables.last().cluster(ns + "/web:http").endpoints().stream()
                .anyMatch(e -> e.address().equals("10.1.0.3") && e.terminating()) ? tables.last() : null);
        assertThat(operator.stats().fullCompilations()).isEqualTo(full);
        assertThat(table.version()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void certificatesAndCaBundlesComeFromTheirSecrets() {
        TestPki pki = TestPki.create("Operator test CA");
        TestPki.Issued first = pki.server("shop.example.com");
        apply(service("web"));
        apply(slice("web-1", "web", "10.1.0.1"));
        apply(tlsSecret("shop-tls", first));
        apply(new SecretBuilder().withNewMetadata().withName("clients").endMetadata().withType("Opaque")
                .addToStringData("ca.crt", pki.caPem()).addToStringData("password", "hunter2").build());
        apply(new SecretBuilder().withNewMetadata().withName("login").endMetadata().withType("kubernetes.io/basic-auth")
                .addToStringData("username", "u").addToStringData("password", "p").build());
        apply(Fixtures.ingress(ns, "shop").className(CLASS).annotation("breakwater.dev/client-ca-secret", "clients")
                .host("shop.example.com").prefix("/", "web", 80).tls("shop-tls", "shop.example.com").build());
        RecordingPublisher tables = new RecordingPublisher();
        operator("op-a", tables, lease());

        RoutingTable table = await("the certificate of shop-tls", () -> tables.last() != null
                && !tables.last().certificates().isEmpty() ? tables.last() : null);
        assertThat(table.certificates()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo(ns + "/shop-tls");
            assertThat(c.hosts()).containsExactly("shop.example.com");
            assertThat(c.certificateChain()).isEqualTo(first.chainPem());
        });
        VirtualHost shop = table.virtualHosts().stream().filter(v -> v.hostname().equals("shop.example.com"))
                .findFirst().orElseThrow();
        assertThat(shop.clientAuth()).isNotNull();
        assertThat(shop.clientAuth().caCertificates()).contains(pki.caPem().strip());

        // a rotated certificate is served from the next table
        TestPki.Issued second = pki.server("shop.example.com");
        apply(tlsSecret("shop-tls", second));
        await("the rotated certificate", () -> tables.last().certificates().get(0).certificateChain()
                .equals(second.chainPem()));
    }

    @Test
    void basicAuthUsersComeFromAnOpaqueSecretAndFollowItsChanges() {
        String alice = dev.breakwater.dataplane.testing.Htpasswd.line("alice", "wonderland", "-B");
        String bob = dev.breakwater.dataplane.testing.Htpasswd.line("bob", "builder", "-m");
        apply(service("web"));
        apply(slice("web-1", "web", "10.1.0.1"));
        apply(new SecretBuilder().withNewMetadata().withName("basic-auth").endMetadata().withType("Opaque")
                .addToStringData("auth", alice + "\n").build());
        apply(Fixtures.ingress(ns, "admin").className(CLASS)
                .annotation("nginx.ingress.kubernetes.io/auth-type", "basic")
                .annotation("nginx.ingress.kubernetes.io/auth-secret", "basic-auth")
                .host("admin.example.com").prefix("/", "web", 80).build());
        RecordingPublisher tables = new RecordingPublisher();
        operator("op-a", tables, lease());

        java.util.function.Supplier<java.util.Map<String, String>> users = () -> {
            RoutingTable t = tables.last();
            if (t == null) {
                return null;
            }
            return t.virtualHosts().stream().filter(v -> v.hostname().equals("admin.example.com"))
                    .flatMap(v -> v.routes().stream()).map(r -> r.policy().basicAuth())
                    .filter(java.util.Objects::nonNull).map(b -> b.users()).findFirst().orElse(null);
        };
        assertThat(await("alice in the table", users)).containsOnlyKeys("alice");

        // a user added to the Secret is in the next table; the Secret removed, the route fails closed
        apply(new SecretBuilder().withNewMetadata().withName("basic-auth").endMetadata().withType("Opaque")
                .addToStringData("auth", alice + "\n" + bob + "\n").build());
        await("bob in the table", () -> users.get() != null && users.get().containsKey("bob"));
        admin.secrets().inNamespace(ns).withName("basic-auth").delete();
        await("the route answering 503", () -> dev.breakwater.operator.TableLookup.status(tables.last(),
                "admin.example.com", "/") == 503);
    }

    private io.fabric8.kubernetes.api.model.Secret tlsSecret(String name, TestPki.Issued cert) {
        return new SecretBuilder().withNewMetadata().withName(name).endMetadata().withType("kubernetes.io/tls")
                .addToStringData("tls.crt", cert.chainPem()).addToStringData("tls.key", cert.keyPem()).build();
    }

    @Test
    void statusComesFromALoadBalancerService() {
        apply(service("web"));
        apply(slice("web-1", "web", "10.1.0.1"));
        apply(ingress("web", "web.example.com", "web"));
        Service edge = Fixtures.service(ns, "edge").port("http", 80, 8080).build();
        edge.getSpec().setType("LoadBalancer");
        apply(edge);
        operator("op-a", new RecordingPublisher(), lease(), "--status-service", ns + "/edge");
        await("the table's Ingress status to be empty while the load balancer has no address",
                () -> ingressNow("web").getStatus() != null && ingressNow("web").getStatus().getLoadBalancer() != null);
        assertThat(statusIps(ingressNow("web"))).isEmpty();

        setLoadBalancer("edge", "lb-1.example.com");
        await("the load balancer's host name", () -> statusIps(ingressNow("web")).equals(List.of("lb-1.example.com")));
        setLoadBalancer("edge", "198.51.100.7");
        await("the load balancer's new address", () -> statusIps(ingressNow("web")).equals(List.of("198.51.100.7")));
    }

    private void setLoadBalancer(String service, String address) {
        Service s = admin.services().inNamespace(ns).withName(service).get();
        LoadBalancerIngress lb = new LoadBalancerIngress();
        if (Character.isDigit(address.charAt(0))) {
            lb.setIp(address);
            lb.setIpMode("VIP");
        } else {
            lb.setHostname(address);
        }
        s.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
                .withIngress(lb).endLoadBalancer().build());
        admin.services().inNamespace(ns).resource(s).updateStatus();
    }

    @Test
    void statusComesFromTheNodesOfTheDataPlanePods() {
        apply(service("web"));
        apply(slice("web-1", "web", "10.1.0.1"));
        apply(ingress("web", "web.example.com", "web"));
        String n1 = ns + "-n1";
        String n2 = ns + "-n2";
        node(n1, new NodeAddress("10.9.0.1", "InternalIP"), new NodeAddress("203.0.113.1", "ExternalIP"));
        node(n2, new NodeAddress("10.9.0.2", "InternalIP"));
        dataPlanePod("dp-1", n1);
        try {
            operator("op-a", new RecordingPublisher(), lease(), "--status-pods", "app=dataplane",
                    "--status-pods-namespace", ns);
            await("the address of node 1", () -> statusIps(ingressNow("web")).equals(List.of("203.0.113.1")));
            dataPlanePod("dp-2", n2);
            await("the addresses of both nodes",
                    () -> statusIps(ingressNow("web")).equals(List.of("10.9.0.2", "203.0.113.1")));
            admin.pods().inNamespace(ns).withName("dp-1").withGracePeriod(0).delete();
            await("the address of node 2 alone", () -> statusIps(ingressNow("web")).equals(List.of("10.9.0.2")));
        } finally {
            admin.nodes().withName(n1).delete();
            admin.nodes().withName(n2).delete();
        }
    }

    private void node(String name, NodeAddress... addresses) {
        Node node = admin.resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().withAddresses(addresses).build());
        admin.nodes().resource(node).updateStatus();
    }

    private void dataPlanePod(String name, String node) {
        admin.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withLabels(Map.of("app", "dataplane")).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("proxy").withImage("breakwater/dataplane")
                .endContainer().endSpec().build()).create();
    }

    @Test
    void anInvalidIngressGetsWarningEvents_andTheOthersStillCompile() {
        apply(service("web"));
        apply(slice("web-1", "web", "10.1.0.1"));
        apply(ingress("good", "good.example.com", "web"));
        apply(Fixtures.ingress(ns, "bad").className(CLASS).annotation("breakwater.dev/load-balance", "fastest")
                .host("bad.example.com").prefix("/", "ghost", 80).prefix("/web", "web", 80).build());
        RecordingPublisher tables = new RecordingPublisher();
        operator("op-a", tables, lease(), "--status-address", "203.0.113.10");

        RoutingTable table = await("the good Ingress served", () -> serves(tables.last(), "good.example.com")
                ? tables.last() : null);
        assertThat(endpoints(table, ns + "/web:http")).containsExactly("10.1.0.1:8080");
        // what the bad one says well is served too; its unresolvable path answers 503
        assertThat(serves(table, "bad.example.com")).isTrue();
        List<io.fabric8.kubernetes.api.model.Event> events = await("two Warning Events about Ingress bad", () -> {
            List<io.fabric8.kubernetes.api.model.Event> list = admin.v1().events().inNamespace(ns).list().getItems()
                    .stream().filter(e -> "bad".equals(e.getInvolvedObject().getName())).toList();
            return list.size() >= 2 ? list : null;
        });
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Ingress");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(ingressNow("bad").getMetadata().getUid());
            assertThat(e.getSource().getComponent()).isEqualTo("breakwater-operator");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("BackendNotResolved");
            assertThat(e.getMessage()).startsWith("spec.rules[0].http.paths[0].backend.service.name: ")
                    .contains("ghost").contains("does not exist");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("InvalidAnnotation");
            assertThat(e.getMessage()).contains("breakwater.dev/load-balance");
        });
        assertThat(admin.v1().events().inNamespace(ns).list().getItems())
                .noneMatch(e -> "good".equals(e.getInvolvedObject().getName()));
        // both still get the status: each is served, the bad one in part
        await("both statuses", () -> statusIps(ingressNow("good")).equals(List.of("203.0.113.10"))
                && statusIps(ingressNow("bad")).equals(List.of("203.0.113.10")));

        // fixing it: no new Event, and the next problem gets one of its own. The slice goes first: a compilation
        // between the two would otherwise see a Service without EndpointSlice, a problem of its own (and Event)
        apply(slice("ghost-1", "ghost", "10.3.0.1"));
        apply(service("ghost"));
        await("the fixed backend", () -> endpoints(tables.last(), ns + "/ghost:http").contains("10.3.0.1:8080"));
        assertThat(admin.v1().events().inNamespace(ns).list().getItems()
                .stream().filter(e -> "bad".equals(e.getInvolvedObject().getName()))).hasSize(2);
    }

    @Test
    void oneOfSeveralReplicasLeads_andAnotherTakesOverWhenItStops() throws Exception {
        apply(service("web"));
        apply(slice("web-1", "web", "10.1.0.1"));
        apply(ingress("web", "web.example.com", "web"));
        String channel = "channel-" + ns;
        String[] common = {"--status-address", "203.0.113.10", "--channel-service", channel, "--channel-port", "18000"};
        RecordingPublisher tablesA = new RecordingPublisher();
        RecordingPublisher tablesB = new RecordingPublisher();
        RecordingPublisher tablesC = new RecordingPublisher();
        try (TcpCut relay = new TcpCut(server.url())) {
            // A reaches the API server through a relay the test can cut; it starts first, so it leads
            RunMode a = operatorVia(relay.url(), "op-a", tablesA, lease(),
                    concat(common, "--field-manager", "bw-a", "--pod-ip", "10.244.0.1"));
            await("A to lead", a::isLeader);
            RunMode b = operator("op-b", tablesB, lease(), concat(common, "--field-manager", "bw-b",
                    "--pod-ip", "10.244.0.2"));
            await("A's table", () -> serves(tablesA.last(), "web.example.com"));
            await("the status written", () -> statusIps(ingressNow("web")).equals(List.of("203.0.113.10")));
            await("the channel Service pointing at A", () -> channelAddress(channel).equals("10.244.0.1"));
            apply(slice("web-1", "web", "10.1.0.1", "10.1.0.2"));
            await("A to publish a change", () -> endpoints(tablesA.last(), ns + "/web:http").contains("10.1.0.2:8080"));
            assertThat(b.isLeader()).isFalse();
            assertThat(tablesB.count()).isZero();
            assertThat(b.stats().fullCompilations()).isZero();
            assertThat(statusManagers(ingressNow("web"))).containsExactly("bw-a");

            // A loses the API server (a partition; or a crash, which the Lease cannot tell apart): it stops
            // leading once it cannot renew, and B takes over once the Lease has expired
            int published = tablesA.count();
            relay.cut();
            await("A to stop leading", () -> !a.isLeader());
            await("B to lead", b::isLeader);
            RoutingTable taken = await("B's table", tablesB::last);
            assertThat(taken.version()).isGreaterThan(tablesA.last().version()); // a new term: versions only grow
            assertThat(taken.hash()).isEqualTo(tablesA.last().hash());
            assertThat(tablesA.count()).isEqualTo(published);
            assertThat(tablesA.withdrawals()).isEqualTo(1);
            await("the channel Service pointing at B", () -> channelAddress(channel).equals("10.244.0.2"));
            // B writes status now: someone else changes it, and B puts it back
            Ingress web = ingressNow("web");
            web.getStatus().getLoadBalancer()
                    .setIngress(List.of(new io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder()
                            .withIp("192.0.2.99").build()));
            admin.network().v1().ingresses().inNamespace(ns).resource(web).updateStatus();
            await("the status put back by B", () -> statusIps(ingressNow("web")).equals(List.of("203.0.113.10"))
                    && statusManagers(ingressNow("web")).contains("bw-b"));
            assertThat(statusManagers(ingressNow("web"))).doesNotContain("bw-a");

            // C joins; B is stopped (SIGTERM): it stops publishing, releases the Lease, and C takes over at once
            RunMode c = operator("op-c", tablesC, lease(), concat(common, "--field-manager", "bw-c",
                    "--pod-ip", "10.244.0.3"));
            assertThat(c.isLeader()).isFalse();
            b.close();
            int publishedByB = tablesB.count();
            await("C to lead", c::isLeader);
            await("C's table", () -> tablesC.last() != null && tablesC.last().version() > tablesB.last().version());
            await("the channel Service pointing at C", () -> channelAddress(channel).equals("10.244.0.3"));
            apply(slice("web-1", "web", "10.1.0.1", "10.1.0.9"));
            await("C to publish the change", () -> endpoints(tablesC.last(), ns + "/web:http").contains("10.1.0.9:8080"));
            assertThat(tablesB.count()).isEqualTo(publishedByB);
            assertThat(tablesA.count()).isEqualTo(published);
        }
    }

    private String channelAddress(String channel) {
        EndpointSlice slice = admin.discovery().v1().endpointSlices().inNamespace(OPERATOR_NAMESPACE)
                .withName(channel + "-leader").get();
        return slice == null ? "" : slice.getEndpoints().get(0).getAddresses().get(0);
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

}
