package dev.breakwater.operator.kube;

import static dev.breakwater.operator.kube.OperatorAgainstApiServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.channel.ChannelTls;
import dev.breakwater.dataplane.channel.TableClient;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.crd.BackendSpec;
import dev.breakwater.operator.crd.ListenerSpec;
import dev.breakwater.operator.crd.ProxyProtocolSpec;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.crd.RouteCondition;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.channel.ChannelCredentials;
import dev.breakwater.operator.publish.RecordingPublisher;
import dev.breakwater.operator.publish.TablePublisher;
import dev.breakwater.operator.publish.TableServer;
import dev.breakwater.operator.run.RunMode;
import dev.breakwater.operator.run.RunOptions;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Routes in a cluster, against a real kube-apiserver with the CRD of {@code crds/} installed, the operator running
 * as the ServiceAccount of the chart's RBAC ({@code deploy/operator-rbac.yaml}): Routes are compiled with the Ingresses, their status
 * ({@code observedGeneration}, {@code Accepted}, {@code ResolvedRefs}, {@code Programmed}) is written, the schema
 * refuses what it can, and a real data plane's ACK makes a Route {@code Programmed}.
 */
@ExtendWith(KubeApiServer.class)
class RouteStatusAgainstApiServerTest {

    static final String CRD = "routes.breakwater.dev";
    static final String CLASS = OperatorAgainstApiServerTest.CLASS;
    static final String OPERATOR_NAMESPACE = OperatorAgainstApiServerTest.OPERATOR_NAMESPACE;

    static KubeApiServer.Server server;
    static KubernetesClient admin;
    static Path root;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String ns;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) throws Exception {
        server = started;
        admin = server.adminClient();
        root = ShippedRbac.projectRoot();
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

    /** The CRD of {@code crds/}, applied as a user would ({@code kubectl apply -f crds/}), and served. */
    static void installCrd() throws Exception {
        try (InputStream crd = Files.newInputStream(root.resolve("crds/routes.breakwater.dev-v1.yml"))) {
            admin.load(crd).forceConflicts().serverSideApply();
        }
        await("the Route CRD to be established", () -> {
            CustomResourceDefinition d = admin.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
            return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                    && d.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
        });
        await("discovery to list Routes", () -> admin.supports(Route.API_VERSION, Route.KIND));
    }

    @BeforeEach
    void namespace() throws Exception {
        installCrd();
        ns = "r-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private RunMode operator(TablePublisher publisher, String... extra) {
        List<String> args = new ArrayList<>(List.of("--namespaces", ns, "--ingress-class", CLASS,
                "--namespace", OPERATOR_NAMESPACE, "--lease-name", "lease-" + ns, "--identity", "op-a",
                "--lease-duration", "4s", "--renew-deadline", "3s", "--retry-period", "500ms",
                "--health-bind", "127.0.0.1", "--health-port", "0", "--resync", "0"));
        args.addAll(List.of(extra));
        KubernetesClient client = server.serviceAccountClient(OPERATOR_NAMESPACE, "breakwater-operator");
        closeables.add(client);
        RunMode run = RunMode.start(RunOptions.parse(args, k -> null), client, publisher, true);
        closeables.add(run);
        return run;
    }

    private MixedOperation<Route, KubernetesResourceList<Route>, Resource<Route>> routes() {
        return admin.resources(Route.class);
    }

    private <T extends HasMetadata> T apply(T object) {
        object.getMetadata().setNamespace(ns);
        return admin.resource(object).fieldManager("test").forceConflicts().serverSideApply();
    }

    private void service(String name, String... addresses) {
        apply(Fixtures.service(ns, name).port("http", 80, 8080).build());
        apply(Fixtures.endpointSlice(ns, name + "-1", name).port("http", 8080).endpoint(addresses).build());
    }

    private Route route(String name, String host, String service) {
        return Fixtures.route(ns, name).hostnames(host).rule("main").prefix("/").backend(service, 80).build();
    }

    private Route create(Route route) {
        return routes().inNamespace(ns).resource(route).create();
    }

    private Route routeNow(String name) {
        return routes().inNamespace(ns).withName(name).get();
    }

    private static RouteCondition condition(Route route, String type) {
        if (route == null || route.getStatus() == null || route.getStatus().conditions == null) {
            return null;
        }
        return route.getStatus().conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
    }

    /** The condition once it has {@code status} for the Route's current generation. */
    private RouteCondition awaitCondition(String name, String type, RouteCondition.Status status) {
        return await(name + " " + type + "=" + status, () -> {
            Route r = routeNow(name);
            RouteCondition c = condition(r, type);
            return c != null && c.status == status && r.getMetadata().getGeneration().equals(c.observedGeneration)
                    ? c : null;
        });
    }

    private static boolean serves(RoutingTable table, String host) {
        return table != null && table.virtualHosts().stream().anyMatch(v -> v.hostname().equals(host));
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aValidRouteIsServedAndAcceptedWithResolvedRefsForItsGeneration() {
        service("web", "10.1.0.1");
        Route created = create(route("shop", "shop.example.com", "web"));
        RecordingPublisher tables = new RecordingPublisher(); // every "data plane" ACKs at once
        RunMode operator = operator(tables);
        assertThat(operator.routesWatched()).isTrue();

        RoutingTable table = await("the Route served", () -> serves(tables.last(), "shop.example.com")
                ? tables.last() : null);
        assertThat(table.cluster(ns + "/web:http").endpoints()).extracting(e -> e.authority())
                .containsExactly("10.1.0.1:8080");
        RouteCondition accepted = awaitCondition("shop", "Accepted", RouteCondition.Status.TRUE);
        RouteCondition resolved = awaitCondition("shop", "ResolvedRefs", RouteCondition.Status.TRUE);
        RouteCondition programmed = awaitCondition("shop", "Programmed", RouteCondition.Status.TRUE);
        Route now = routeNow("shop");
        assertThat(now.getMetadata().getGeneration()).isEqualTo(created.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(now.getStatus().observedGeneration).isEqualTo(1L);
        assertThat(now.getStatus().conditions).extracting(c -> c.type)
                .containsExactly("Accepted", "ResolvedRefs", "Programmed");
        assertThat(accepted.reason).isEqualTo("Accepted");
        assertThat(resolved.reason).isEqualTo("ResolvedRefs");
        assertThat(programmed.reason).isEqualTo("Programmed");
        assertThat(programmed.message).contains("table v" + table.version());
        assertThat(accepted.lastTransitionTime).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(statusManagers(now)).containsExactly("breakwater");

        // a new generation: observedGeneration follows, the times of unchanged statuses stay
        Route edited = routeNow("shop");
        edited.getSpec().hostnames = new ArrayList<>(List.of("shop.example.com", "www.shop.example.com"));
        routes().inNamespace(ns).resource(edited).update();
        await("observedGeneration 2", () -> Long.valueOf(2).equals(routeNow("shop").getStatus().observedGeneration));
        await("the new hostname served", () -> serves(tables.last(), "www.shop.example.com"));
        RouteCondition acceptedAgain = awaitCondition("shop", "Accepted", RouteCondition.Status.TRUE);
        awaitCondition("shop", "Programmed", RouteCondition.Status.TRUE);
        assertThat(acceptedAgain.observedGeneration).isEqualTo(2L);
        assertThat(acceptedAgain.lastTransitionTime).isEqualTo(accepted.lastTransitionTime);

        // a status someone else overwrites is put back
        Route meddled = routeNow("shop");
        meddled.getStatus().conditions.get(0).status = RouteCondition.Status.FALSE;
        meddled.getStatus().conditions.get(0).reason = "Meddled";
        routes().inNamespace(ns).resource(meddled).updateStatus();
        await("the status put back", () -> {
            RouteCondition c = condition(routeNow("shop"), "Accepted");
            return c.status == RouteCondition.Status.TRUE && c.reason.equals("Accepted");
        });

        // a compilation that changes nothing of the Route writes nothing
        String resourceVersion = routeNow("shop").getMetadata().getResourceVersion();
        long compiled = operator.stats().fullCompilations();
        service("other", "10.9.0.1");
        await("another compilation", () -> operator.stats().fullCompilations() > compiled);
        assertThat(routeNow("shop").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    }

    private static List<String> statusManagers(Route route) {
        return route.getMetadata().getManagedFields().stream().filter(m -> "status".equals(m.getSubresource()))
                .map(ManagedFieldsEntry::getManager).distinct().sorted().toList();
    }

    @Test
    void aRouteWhoseServiceIsMissingHasUnresolvedRefsAndAWarningEvent_andAnotherRouteStillCompiles() {
        service("web", "10.1.0.1");
        create(route("good", "good.example.com", "web"));
        Route broken = create(route("broken", "broken.example.com", "ghost"));
        RecordingPublisher tables = new RecordingPublisher();
        operator(tables);

        RoutingTable table = await("the good Route served", () -> serves(tables.last(), "good.example.com")
                ? tables.last() : null);
        assertThat(table.cluster(ns + "/web:http").endpoints()).isNotEmpty();
        RouteCondition refs = awaitCondition("broken", "ResolvedRefs", RouteCondition.Status.FALSE);
        assertThat(refs.reason).isEqualTo("BackendNotFound");
        assertThat(refs.message).contains("spec.rules[0].backends[0].name").contains("Service " + ns + "/ghost")
                .contains("does not exist");
        // what it says well is served (its backend answers 503): it is accepted
        assertThat(condition(routeNow("broken"), "Accepted").status).isEqualTo(RouteCondition.Status.TRUE);
        awaitCondition("good", "Accepted", RouteCondition.Status.TRUE);
        awaitCondition("good", "ResolvedRefs", RouteCondition.Status.TRUE);

        Event event = await("a Warning Event about Route broken", () -> admin.v1().events().inNamespace(ns).list()
                .getItems().stream().filter(e -> "broken".equals(e.getInvolvedObject().getName())).findFirst()
                .orElse(null));
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getReason()).isEqualTo("BackendNotResolved");
        assertThat(event.getMessage()).startsWith("spec.rules[0].backends[0].name: ").contains("ghost");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Route");
        assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("breakwater.dev/v1alpha1");
        assertThat(event.getInvolvedObject().getUid()).isEqualTo(broken.getMetadata().getUid());
        assertThat(admin.v1().events().inNamespace(ns).list().getItems())
                .noneMatch(e -> "good".equals(e.getInvolvedObject().getName()));

        // the Service appears: the refs resolve
        service("ghost", "10.3.0.1");
        RouteCondition fixed = awaitCondition("broken", "ResolvedRefs", RouteCondition.Status.TRUE);
        assertThat(fixed.lastTransitionTime).isNotNull();
        assertThat(fixed.observedGeneration).isEqualTo(1L);
    }

    @Test
    void theSchemaRefusesWhatItCanWithAClearMessage() {
        Route badHost = route("bad-host", "Shop_Example.com", "web");
        assertThatThrownBy(() -> create(badHost)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec.hostnames")
                    .contains("a hostname is a lower-case DNS name, optionally starting with '*.'");
        });
        Route heavy = route("heavy", "heavy.example.com", "web");
        BackendSpec backend = heavy.getSpec().rules.get(0).backends.get(0);
        backend.weight = 2_000_000;
        assertThatThrownBy(() -> create(heavy)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec.rules[0].backends[0].weight")
                    .contains("should be less than or equal to 1000000");
        });
        assertThat(routes().inNamespace(ns).list().getItems()).isEmpty();
    }

    private Route listeners(String name, ListenerSpec... listeners) {
        Route route = Fixtures.route(ns, name).build();
        route.getSpec().rules = null;
        route.getSpec().listeners = List.of(listeners);
        return route;
    }

    private static ListenerSpec listener(ListenerSpec.Protocol protocol, Integer port, String service) {
        ListenerSpec l = new ListenerSpec();
        l.protocol = protocol;
        l.port = port;
        BackendSpec b = new BackendSpec();
        b.name = service;
        b.port = new io.fabric8.kubernetes.api.model.IntOrString("http");
        l.backends = List.of(b);
        return l;
    }

    @Test
    void aRouteOfListenersOnlyIsServedAndAccepted_andTheSchemaRefusesBadListeners() {
        service("db", "10.1.0.9");
        ListenerSpec tls = listener(ListenerSpec.Protocol.TLS, null, "db");
        tls.hostnames = List.of("pass.example.com");
        create(listeners("db", listener(ListenerSpec.Protocol.TCP, 5432, "db"), tls));
        RecordingPublisher tables = new RecordingPublisher();
        operator(tables);

        RoutingTable table = await("listener tcp/5432 and passthrough of pass.example.com", () -> {
            RoutingTable t = tables.last();
            return t != null && t.l4Routes().listeners().stream().anyMatch(l -> l.key().equals("tcp/5432"))
                    && !t.l4Routes().httpsPassthrough().isEmpty() ? t : null;
        });
        L4Listener pg = table.l4Routes().listeners().get(0);
        assertThat(pg.route().backends()).extracting(b -> b.cluster()).containsExactly(ns + "/db:http");
        assertThat(table.cluster(ns + "/db:http").endpoints()).extracting(e -> e.authority())
                .containsExactly("10.1.0.9:8080");
        awaitCondition("db", "Accepted", RouteCondition.Status.TRUE);
        awaitCondition("db", "ResolvedRefs", RouteCondition.Status.TRUE);

        ListenerSpec udpProxy = listener(ListenerSpec.Protocol.UDP, 53, "db");
        udpProxy.proxyProtocol = new ProxyProtocolSpec();
        udpProxy.proxyProtocol.send = ProxyProtocolSpec.Version.V1;
        ListenerSpec tlsWithoutHosts = listener(ListenerSpec.Protocol.TLS, 8443, "db");
        ListenerSpec tcpWithoutPort = listener(ListenerSpec.Protocol.TCP, null, "db");
        ListenerSpec badCidr = listener(ListenerSpec.Protocol.TCP, 6000, "db");
        badCidr.proxyProtocol = new ProxyProtocolSpec();
        badCidr.proxyProtocol.acceptFrom = List.of("10.0.0.0/99");
        for (Object[] bad : new Object[][] {
                {listeners("udp-proxy", udpProxy), "proxyProtocol is for TCP and TLS only"},
                {listeners("tls-hosts", tlsWithoutHosts), "hostnames are required for TLS"},
                {listeners("tcp-port", tcpWithoutPort), "port is required for TCP and UDP"},
                {listeners("cidr", badCidr), "an entry is an IPv4 or IPv6 address or CIDR range"},
                {listeners("empty"), "a Route needs rules or listeners"}}) {
            Route route = (Route) bad[0];
            if (route.getSpec().listeners.isEmpty()) {
                route.getSpec().listeners = null;
            }
            assertThatThrownBy(() -> create(route)).as(route.getMetadata().getName())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(422);
                        assertThat(e.getMessage()).contains((String) bad[1]);
                    });
        }
        assertThat(routes().inNamespace(ns).list().getItems()).extracting(r -> r.getMetadata().getName())
                .containsExactly("db");
    }

    @Test
    void programmedStaysFalseWithoutADataPlane_andTurnsTrueOnceARealDataPlaneAcks() throws Exception {
        ChannelCredentials credentials = ChannelCredentials.generate(List.of("localhost", "127.0.0.1"));
        TableServer channel = TableServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(ChannelTls.server(credentials.serverCertificate(), credentials.serverKey(),
                        credentials.caCertificate()))
                .threads(1).build().start();
        closeables.add(channel);
        TestBackend backend = TestBackend.start("shop");
        closeables.add(backend);
        service("web", "10.1.0.1");
        create(route("shop", "shop.example.com", "web"));
        operator(channel);

        RouteCondition none = awaitCondition("shop", "Programmed", RouteCondition.Status.FALSE);
        assertThat(none.reason).isEqualTo("NoDataPlanes");
        assertThat(none.message).contains("no data plane is connected");
        assertThat(channel.latestVersion()).isPositive();
        assertThat(condition(routeNow("shop"), "Accepted").status).isEqualTo(RouteCondition.Status.TRUE);

        // another change, compiled and published: still no data plane, still not programmed
        service("api", "10.2.0.1");
        create(route("api", "api.example.com", "api"));
        RouteCondition apiNone = awaitCondition("api", "Programmed", RouteCondition.Status.FALSE);
        assertThat(apiNone.reason).isEqualTo("NoDataPlanes");
        assertThat(condition(routeNow("shop"), "Programmed").status).isEqualTo(RouteCondition.Status.FALSE);

        // a real data plane connects over mutual TLS, applies the table and ACKs it
        DataPlane dataPlane = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build()
                .start();
        closeables.add(dataPlane);
        TableClient client = TableClient.builder().operator("127.0.0.1", channel.port())
                .tls(ChannelTls.client(credentials.caCertificate(), credentials.clientCertificate(),
                        credentials.clientKey()))
                .serverName("localhost").identity("node-1", "dp-1").dataPlane(dataPlane)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build().start();
        closeables.add(client);

        RouteCondition programmed = awaitCondition("shop", "Programmed", RouteCondition.Status.TRUE);
        assertThat(programmed.reason).isEqualTo("Programmed");
        awaitCondition("api", "Programmed", RouteCondition.Status.TRUE);
        assertThat(channel.allAcked(channel.latestVersion())).isTrue();
        assertThat(serves(dataPlane.table(), "shop.example.com")).isTrue();
        assertThat(serves(dataPlane.table(), "api.example.com")).isTrue();
        assertThat(programmed.lastTransitionTime).isNotNull();

        // the Route points at a real backend (an ExternalName Service: the API server refuses loopback addresses
        // in EndpointSlices): the data plane serves it, and the new generation is programmed
        apply(Fixtures.service(ns, "local").externalName("localhost").build());
        Route edited = routeNow("shop");
        edited.getSpec().rules.get(0).backends.get(0).name = "local";
        edited.getSpec().rules.get(0).backends.get(0).port = new IntOrString(backend.port());
        routes().inNamespace(ns).resource(edited).update();
        await("generation 2 programmed", () -> {
            Route r = routeNow("shop");
            RouteCondition c = condition(r, "Programmed");
            return r.getMetadata().getGeneration() == 2 && c != null && Long.valueOf(2).equals(c.observedGeneration)
                    && c.status == RouteCondition.Status.TRUE;
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String answeredBy = await("the data plane to proxy to the Route's backend", () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + dataPlane.httpPort() + "/"))
                        .header("Host", "shop.example.com").timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.headers().firstValue("x-backend").orElse(null);
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(answeredBy).isEqualTo("shop");
    }

    @Test
    void withoutTheCrdTheOperatorSaysSoAndServesIngresses() throws Exception {
        admin.apiextensions().v1().customResourceDefinitions().withName(CRD).delete();
        try {
            await("the Route CRD gone", () -> admin.apiextensions().v1().customResourceDefinitions().withName(CRD)
                    .get() == null && !admin.supports(Route.API_VERSION, Route.KIND));
            service("web", "10.1.0.1");
            apply(Fixtures.ingress(ns, "web").className(CLASS).host("web.example.com").prefix("/", "web", 80)
                    .build());
            RecordingPublisher tables = new RecordingPublisher();
            RunMode operator = operator(tables);
            await("the Ingress served", () -> serves(tables.last(), "web.example.com"));
            assertThat(operator.routesWatched()).isFalse();
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + operator.healthPort() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("Routes not served")
                    .contains("CustomResourceDefinition routes.breakwater.dev is not installed");
        } finally {
            installCrd();
        }
    }
}
