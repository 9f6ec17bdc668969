package dev.breakwater.operator.kube;

import static dev.breakwater.operator.kube.OperatorAgainstApiServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.publish.RecordingPublisher;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-cluster operator reading the ConfigMaps of headers that Ingresses name ({@code custom-headers}) and that the
 * controller ConfigMap names ({@code proxy-set-headers}) from a real kube-apiserver, as the chart's ServiceAccount
 * with the chart's RBAC: a ConfigMap named before it exists is an error Event on the Ingress (annotation and
 * reason) while the Ingress is served; created, then changed, then deleted, each is compiled without a restart into
 * the routes' header filters (the API server refuses loopback endpoints, so the data plane's side of these filters is
 * tested in local mode: LocalModeControllerConfigTest).
 */
@ExtendWith(KubeApiServer.class)
class HeaderConfigMapsAgainstApiServerTest {

    static final String CONTROLLER = "ingress-nginx-controller";

    static ApiServerSession api;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) throws Exception {
        api = ApiServerSession.withShippedRbac(started);
    }

    @AfterAll
    static void close() {
        if (api != null) {
            api.close();
        }
    }

    private static ConfigMap configMap(String namespace, String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withData(data).build();
    }

    private static Route route(RoutingTable table, String host) {
        return table == null ? null : TableLookup.find(table, host, "/").orElse(null);
    }

    private static List<RouteFilter.Header> responseHeaders(Route route) {
        return route.filters().stream().filter(f -> f instanceof RouteFilter.ResponseHeaderModifier)
                .map(f -> ((RouteFilter.ResponseHeaderModifier) f).set()).findFirst().orElse(List.of());
    }

    private static List<RouteFilter.Header> requestHeaders(Route route) {
        return route.filters().stream().filter(f -> f instanceof RouteFilter.RequestHeaderModifier)
                .map(f -> ((RouteFilter.RequestHeaderModifier) f).set()).findFirst().orElse(List.of());
    }

    @Test
    void headerConfigMapsAreWatchedServedAndAMissingOneIsAnEventOnTheIngress() throws Exception {
        String ns = "h-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String config = ns + "-nginx";
        api.createNamespaces(ns, config);
        {
            api.apply(Fixtures.service(ns, "shop").port("http", 80, 8080).build());
            api.apply(Fixtures.endpointSlice(ns, "shop-1", "shop").port("http", 8080).endpoint("10.5.0.1").build());
            api.apply(Fixtures.ingress(ns, "shop").host("shop.example.com").prefix("/", "shop", 80)
                    .annotation("kubernetes.io/ingress.class", "nginx")
                    .annotation("nginx.ingress.kubernetes.io/custom-headers", "security-headers").build());
            api.apply(Fixtures.ingress(ns, "plain").host("plain.example.com").prefix("/", "shop", 80)
                    .annotation("kubernetes.io/ingress.class", "nginx").build());
            api.apply(configMap(config, CONTROLLER, Map.of("proxy-set-headers", config + "/upstream-headers")));
            api.apply(configMap(config, "upstream-headers", Map.of("X-Team", "shop")));
            // in the watched namespace, named by no Ingress: listed and trimmed, never compiled
            api.apply(configMap(ns, "dashboards", Map.of("board.json", "{\n  \"panels\": []\n}\n")));

            RecordingPublisher tables = new RecordingPublisher();
            try (ApiServerSession.Operator operator = api.operator("op-headers-" + ns, tables, "--namespaces", ns,
                    "--also-serve-class", "nginx", "--configmap", config + "/" + CONTROLLER)) {

                // named before it exists: an error Event naming the annotation; the Ingress is served all the same
                RoutingTable missing = await("both Ingresses served, the proxy-set-headers applied", () -> {
                    RoutingTable t = tables.last();
                    Route shop = route(t, "shop.example.com");
                    return shop != null && route(t, "plain.example.com") != null
                            && !requestHeaders(shop).isEmpty() ? t : null;
                });
                assertThat(responseHeaders(route(missing, "shop.example.com"))).isEmpty();
                List<Event> events = await("an Event about the missing ConfigMap", () -> {
                    List<Event> found = api.admin.v1().events().inNamespace(ns).list().getItems().stream()
                            .filter(e -> "shop".equals(e.getInvolvedObject().getName())
                                    && e.getMessage().contains("custom-headers")).toList();
                    return found.isEmpty() ? null : found;
                });
                assertThat(events).singleElement().satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("Ingress");
                    assertThat(e.getMessage()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/"
                            + "custom-headers']: ConfigMap " + ns + "/security-headers does not exist (or is in a "
                            + "namespace the operator does not watch); no header of it is sent");
                });
                assertThat(requestHeaders(route(missing, "shop.example.com")))
                        .containsExactly(new RouteFilter.Header("X-Team", "shop"));

                // created: compiled without a restart
                api.apply(configMap(ns, "security-headers", Map.of("X-Frame-Options", "DENY",
                        "X-Script", "line one\nline two")));
                RoutingTable created = await("the custom headers on the shop's route", () -> {
                    RoutingTable t = tables.last();
                    Route shop = route(t, "shop.example.com");
                    return shop != null && responseHeaders(shop).equals(
                            List.of(new RouteFilter.Header("X-Frame-Options", "DENY"))) ? t : null;
                });
                assertThat(responseHeaders(route(created, "plain.example.com"))).isEmpty();
                await("the Event about the value of more than one line", () -> api.admin.v1().events().inNamespace(ns)
                        .list().getItems().stream().anyMatch(e -> e.getMessage().contains("data['X-Script']: a "
                                + "value of more than one line; left out")) ? true : null);

                // the ConfigMap being served changes, and so does the one the controller ConfigMap names
                api.apply(configMap(ns, "security-headers", Map.of("X-Frame-Options", "SAMEORIGIN")));
                api.apply(configMap(config, "upstream-headers", Map.of("X-Team", "checkout")));
                RoutingTable changed = await("the changed headers", () -> {
                    RoutingTable t = tables.last();
                    Route shop = route(t, "shop.example.com");
                    return shop != null && responseHeaders(shop).equals(
                            List.of(new RouteFilter.Header("X-Frame-Options", "SAMEORIGIN")))
                            && requestHeaders(route(t, "plain.example.com")).equals(
                                    List.of(new RouteFilter.Header("X-Team", "checkout"))) ? t : null;
                });
                assertThat(requestHeaders(route(changed, "shop.example.com")))
                        .containsExactly(new RouteFilter.Header("X-Team", "checkout"));

                // deleted: the Ingress keeps serving, without those headers
                api.admin.configMaps().inNamespace(ns).withName("security-headers").delete();
                RoutingTable deleted = await("the custom headers gone", () -> {
                    RoutingTable t = tables.last();
                    Route shop = route(t, "shop.example.com");
                    return shop != null && responseHeaders(shop).isEmpty() ? t : null;
                });
                assertThat(route(deleted, "shop.example.com").action()).as("still served")
                        .isEqualTo(route(changed, "shop.example.com").action());
            }
        }
    }
}
