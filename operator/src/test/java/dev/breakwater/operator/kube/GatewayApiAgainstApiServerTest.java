package dev.breakwater.operator.kube;

import static dev.breakwater.operator.kube.OperatorAgainstApiServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.channel.ChannelCredentials;
import dev.breakwater.channel.ChannelTls;
import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.channel.TableClient;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.gatewayapi.TcpRoute;
import dev.breakwater.operator.publish.TableServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * Gateway API in a cluster: the upstream standard-channel CRDs ({@code tools/gateway-api-crds.sh}, from the Go
 * module proxy) installed in a real kube-apiserver, the operator running as the ServiceAccount of the chart's RBAC.
 * A GatewayClass, a Gateway, HTTPRoutes, a GRPCRoute and a TCPRoute are applied as a user would; their status conditions are
 * written as the spec names them, {@code Programmed} turns True once a real data plane ACKs the table, and that
 * data plane proxies an HTTPRoute's requests to a real backend.
 */
@ExtendWith(KubeApiServer.class)
class GatewayApiAgainstApiServerTest {

    static final List<String> CRDS = List.of("gatewayclasses", "gateways", "httproutes", "grpcroutes",
            "referencegrants", "tlsroutes", "tcproutes", "udproutes");

    static ApiServerSession session;
    static KubernetesClient admin;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String ns;
    private String gatewayClass;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) throws Exception {
        session = ApiServerSession.withShippedRbac(started);
        admin = session.admin;
        session.installGatewayApiCrds(CRDS);
        await("discovery to list HTTPRoutes", () -> admin.supports("gateway.networking.k8s.io/v1", "HTTPRoute")
                && admin.supports("gateway.networking.k8s.io/v1beta1", "ReferenceGrant"));
    }

    @AfterAll
    static void closeSession() {
        if (session != null) {
            session.close();
        }
    }

    @BeforeEach
    void namespace() {
        ns = "g-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        gatewayClass = "breakwater-" + ns;
        session.createNamespaces(ns);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        // cluster-scoped: other tests' operators would see it
        admin.resources(GatewayClass.class).withName(gatewayClass).delete();
    }

    private void operator(TableServer channel) {
        closeables.add(session.operator(ns, channel, "--namespaces", ns, "--ingress-class", "breakwater-it"));
    }

    private <T extends HasMetadata> void apply(String yaml, Class<T> type) {
        T object = Serialization.unmarshal(yaml.replace("NS", ns).replace("CLASS", gatewayClass), type);
        admin.resource(object).fieldManager("test").forceConflicts().serverSideApply();
    }

    private static Condition condition(List<Condition> conditions, String type) {
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElse(null);
    }

    /** The condition of the object {@code read} returns once it is {@code status}, for its current generation. */
    private static Condition awaitCondition(String what, java.util.function.Supplier<HasMetadata> read,
                                            java.util.function.Function<HasMetadata, List<Condition>> conditions,
                                            String type, String status) {
        return await(what + " " + type + "=" + status, () -> {
            HasMetadata o = read.get();
            Condition c = o == null ? null : condition(conditions.apply(o), type);
            return c != null && status.equals(c.getStatus())
                    && o.getMetadata().getGeneration().equals(c.getObservedGeneration()) ? c : null;
        });
    }

    private Gateway gatewayNow() {
        return admin.resources(Gateway.class).inNamespace(ns).withName("edge").get();
    }

    private RouteParentStatus parentOf(String route) {
        HTTPRoute r = admin.resources(HTTPRoute.class).inNamespace(ns).withName(route).get();
        return r == null || r.getStatus() == null || r.getStatus().getParents() == null ? null
                : r.getStatus().getParents().stream()
                .filter(p -> "breakwater.dev/gateway-controller".equals(p.getControllerName())).findFirst()
                .orElse(null);
    }

    private RouteParentStatus grpcParentOf(String route) {
        GRPCRoute r = admin.resources(GRPCRoute.class).inNamespace(ns).withName(route).get();
        return r == null || r.getStatus() == null || r.getStatus().getParents() == null ? null
                : r.getStatus().getParents().stream()
                .filter(p -> "breakwater.dev/gateway-controller".equals(p.getControllerName())).findFirst()
                .orElse(null);
    }

    private Condition awaitParent(String route, String type, String status) {
        return await(route + " parent " + type + "=" + status, () -> {
            RouteParentStatus p = parentOf(route);
            Condition c = p == null ? null : condition(p.getConditions(), type);
            return c != null && status.equals(c.getStatus()) ? c : null;
        });
    }

    private static ListenerStatus listener(Gateway g, String name) {
        return g.getStatus().getListeners().stream().filter(l -> name.equals(l.getName())).findFirst().orElseThrow();
    }

    @Test
    void classGatewayAndRoutesGetTheSpecsConditionsAndARealDataPlaneServesTheRoute() throws Exception {
        ChannelCredentials credentials = ChannelCredentials.generate(List.of("localhost", "127.0.0.1"));
        TableServer channel = TableServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(ChannelTls.server(credentials.serverCertificate(), credentials.serverKey(),
                        credentials.caCertificate()))
                .threads(1).build().start();
        closeables.add(channel);
        TestBackend backend = TestBackend.start("shop");
        closeables.add(backend);
        // the API server refuses loopback addresses in EndpointSlices: an ExternalName Service reaches the backend
        admin.resource(Fixtures.service(ns, "local").externalName("localhost").build()).fieldManager("test")
                .forceConflicts().serverSideApply();
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: CLASS}
                spec: {controllerName: breakwater.dev/gateway-controller}
                """, GatewayClass.class);
        int dbPort = dev.breakwater.dataplane.testing.FreePorts.tcp();
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {namespace: NS, name: edge}
                spec:
                  gatewayClassName: CLASS
                  listeners:
                  - {name: http, protocol: HTTP, port: 80, hostname: "*.example.com"}
                  - {name: db, protocol: TCP, port: %d}
                  - name: terminate
                    protocol: TLS
                    port: 8443
                    hostname: terminate.example.com
                    tls: {mode: Terminate, certificateRefs: [{name: none}]}
                """.formatted(dbPort), Gateway.class);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: TCPRoute
                metadata: {namespace: NS, name: db}
                spec:
                  parentRefs: [{name: edge, sectionName: db}]
                  rules: [{backendRefs: [{name: local, port: %d}]}]
                """.formatted(backend.port()), TcpRoute.class);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {namespace: NS, name: shop}
                spec:
                  parentRefs: [{name: edge, sectionName: http}]
                  hostnames: [shop.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /}}]
                    filters:
                    - type: ResponseHeaderModifier
                      responseHeaderModifier: {set: [{name: x-gateway, value: edge}]}
                    backendRefs: [{name: local, port: %d}]
                """.formatted(backend.port()), HTTPRoute.class);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {namespace: NS, name: elsewhere}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [shop.example.org]
                  rules: [{backendRefs: [{name: local, port: 80}]}]
                """, HTTPRoute.class);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {namespace: NS, name: missing}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [missing.example.com]
                  rules: [{backendRefs: [{name: gone, port: 80}]}]
                """, HTTPRoute.class);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {namespace: NS, name: echo}
                spec:
                  parentRefs: [{name: edge, sectionName: http}]
                  hostnames: [grpc.example.com]
                  rules:
                  - matches: [{method: {service: test.Echo}}]
                    backendRefs: [{name: gone-grpc, port: 9000}]
                """, GRPCRoute.class);
        operator(channel);

        Condition classAccepted = awaitCondition("GatewayClass", () -> admin.resources(GatewayClass.class)
                .withName(gatewayClass).get(), o -> ((GatewayClass) o).getStatus() == null ? null
                : ((GatewayClass) o).getStatus().getConditions(), "Accepted", "True");
        assertThat(classAccepted.getReason()).isEqualTo("Accepted");

        Condition accepted = awaitCondition("Gateway", this::gatewayNow, o -> ((Gateway) o).getStatus() == null
                ? null : ((Gateway) o).getStatus().getConditions(), "Accepted", "True");
        assertThat(accepted.getReason()).isEqualTo("ListenersNotValid");
        Condition notProgrammed = awaitCondition("Gateway", this::gatewayNow, o -> ((Gateway) o).getStatus()
                .getConditions(), "Programmed", "False");
        assertThat(notProgrammed.getReason()).isEqualTo("NoDataPlanes");
        Gateway gateway = gatewayNow();
        ListenerStatus http = listener(gateway, "http");
        // shop, missing and the GRPCRoute echo; elsewhere's hostname does not intersect *.example.com, so it is not
        // accepted there
        assertThat(http.getAttachedRoutes()).isEqualTo(3);
        assertThat(http.getSupportedKinds()).allSatisfy(k -> assertThat(k.getGroup())
                .isEqualTo("gateway.networking.k8s.io")).extracting(RouteGroupKind::getKind)
                .containsExactly("HTTPRoute", "GRPCRoute");
        assertThat(condition(http.getConditions(), "Accepted").getStatus()).isEqualTo("True");
        assertThat(condition(http.getConditions(), "ResolvedRefs").getStatus()).isEqualTo("True");
        assertThat(condition(http.getConditions(), "Conflicted").getStatus()).isEqualTo("False");
        ListenerStatus terminate = listener(gateway, "terminate");
        assertThat(condition(terminate.getConditions(), "Accepted").getReason()).isEqualTo("UnsupportedValue");
        assertThat(condition(terminate.getConditions(), "Programmed").getStatus()).isEqualTo("False");
        ListenerStatus db = listener(gateway, "db");
        assertThat(condition(db.getConditions(), "Accepted").getReason()).isEqualTo("Accepted");
        assertThat(db.getAttachedRoutes()).isEqualTo(1);
        assertThat(db.getSupportedKinds()).extracting(RouteGroupKind::getKind).containsExactly("TCPRoute");
        RouteParentStatus tcpParent = await("TCPRoute db Accepted=True", () -> {
            TcpRoute r = admin.resources(TcpRoute.class).inNamespace(ns).withName("db").get();
            RouteParentStatus p = r == null || r.getStatus() == null || r.getStatus().getParents() == null ? null
                    : r.getStatus().getParents().stream().filter(x -> "breakwater.dev/gateway-controller"
                    .equals(x.getControllerName())).findFirst().orElse(null);
            Condition c = p == null ? null : condition(p.getConditions(), "Accepted");
            return c != null && "True".equals(c.getStatus()) && c.getObservedGeneration() != null ? p : null;
        });
        assertThat(condition(tcpParent.getConditions(), "Accepted").getReason()).isEqualTo("Accepted");
        assertThat(condition(tcpParent.getConditions(), "ResolvedRefs").getReason()).isEqualTo("ResolvedRefs");
        assertThat(tcpParent.getParentRef().getSectionName()).isEqualTo("db");

        assertThat(awaitParent("shop", "Accepted", "True").getReason()).isEqualTo("Accepted");
        assertThat(awaitParent("shop", "ResolvedRefs", "True").getReason()).isEqualTo("ResolvedRefs");
        assertThat(parentOf("shop").getParentRef().getSectionName()).isEqualTo("http");
        assertThat(awaitParent("elsewhere", "Accepted", "False").getReason())
                .isEqualTo("NoMatchingListenerHostname");
        assertThat(awaitParent("missing", "ResolvedRefs", "False").getReason()).isEqualTo("BackendNotFound");
        assertThat(condition(parentOf("missing").getConditions(), "Accepted").getStatus()).isEqualTo("True");
        Condition grpcResolved = await("GRPCRoute echo ResolvedRefs=False", () -> {
            RouteParentStatus p = grpcParentOf("echo");
            Condition c = p == null ? null : condition(p.getConditions(), "ResolvedRefs");
            return c != null && "False".equals(c.getStatus()) ? c : null;
        });
        assertThat(grpcResolved.getReason()).isEqualTo("BackendNotFound");
        assertThat(condition(grpcParentOf("echo").getConditions(), "Accepted").getReason()).isEqualTo("Accepted");
        assertThat(grpcParentOf("echo").getParentRef().getSectionName()).isEqualTo("http");
        io.fabric8.kubernetes.api.model.Event event = await("a Warning Event about HTTPRoute missing", () ->
                admin.v1().events().inNamespace(ns).list().getItems().stream()
                        .filter(e -> "missing".equals(e.getInvolvedObject().getName())).findFirst().orElse(null));
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getMessage()).startsWith("spec.rules[0].backendRefs[0].name: ").contains("gone");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("HTTPRoute");
        assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");

        // a real data plane connects over mutual TLS, applies the table and ACKs it: the Gateway is Programmed
        DataPlane dataPlane = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build()
                .start();
        closeables.add(dataPlane);
        closeables.add(TableClient.builder().operator("127.0.0.1", channel.port())
                .tls(ChannelTls.client(credentials.caCertificate(), credentials.clientCertificate(),
                        credentials.clientKey()))
                .serverName("localhost").identity("node-1", "dp-1").dataPlane(dataPlane)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build().start());
        Condition programmed = awaitCondition("Gateway", this::gatewayNow, o -> ((Gateway) o).getStatus()
                .getConditions(), "Programmed", "True");
        assertThat(programmed.getReason()).isEqualTo("Programmed");
        assertThat(condition(listener(gatewayNow(), "http").getConditions(), "Programmed").getStatus())
                .isEqualTo("True");

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> shop = await("the data plane to proxy shop.example.com", () -> {
            HttpResponse<String> r = get(client, dataPlane.httpPort(), "shop.example.com");
            return r != null && r.headers().firstValue("x-backend").isPresent() ? r : null;
        });
        assertThat(shop.headers().firstValue("x-backend")).hasValue("shop");
        assertThat(shop.headers().firstValue("x-gateway")).hasValue("edge");
        assertThat(get(client, dataPlane.httpPort(), "missing.example.com").statusCode()).isEqualTo(500);
        assertThat(get(client, dataPlane.httpPort(), "shop.example.org").statusCode()).isEqualTo(404);

        // the TCPRoute: bytes through the data plane's L4 listener on the Gateway listener's port reach the backend
        String answer = await("the data plane to splice TCP port " + dbPort, () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", dbPort)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: db\r\nConnection: close\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            } catch (java.io.IOException e) {
                return null;
            }
        });
        assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("x-backend: shop");
    }

    private static HttpResponse<String> get(HttpClient client, int port, String host) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .header("Host", host).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }
}
