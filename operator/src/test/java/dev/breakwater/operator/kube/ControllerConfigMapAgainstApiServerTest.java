package dev.breakwater.operator.kube;

import static dev.breakwater.operator.kube.OperatorAgainstApiServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.publish.RecordingPublisher;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-cluster operator reading ingress-nginx's controller ConfigMap ({@code --configmap}) from a real
 * kube-apiserver, as the chart's ServiceAccount with the chart's RBAC plus the Role the chart renders for that
 * ConfigMap (its name only; ChartControllerConfigMapTest checks the chart's): its keys in the routes of the table, a
 * change compiled without a restart, a key not read and a bad value as Warning Events on the ConfigMap naming the key,
 * and the last good value kept.
 */
@ExtendWith(KubeApiServer.class)
class ControllerConfigMapAgainstApiServerTest {

    static final String NAME = "ingress-nginx-controller";

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

    private static ConfigMap configMap(String namespace, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(NAME).withNamespace(namespace).endMetadata()
                .withData(data).build();
    }

    private static Long bodyLimit(RoutingTable table) {
        Route route = table == null ? null : TableLookup.find(table, "shop.example.com", "/").orElse(null);
        return route == null ? null : route.policy().maxRequestBodyBytes();
    }

    private static List<Event> events(String namespace, String key) {
        return api.admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "ConfigMap".equals(e.getInvolvedObject().getKind())
                        && NAME.equals(e.getInvolvedObject().getName()) && e.getMessage().contains(key))
                .toList();
    }

    @Test
    void theControllerConfigMapIsWatchedAppliedAndItsProblemsAreEventsOnIt() {
        String ns = "c-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String config = ns + "-nginx";
        for (String name : new String[] {ns, config}) {
            api.createNamespaces(name);
        }
        // what the chart renders for operator.controllerConfigMap=<config>/ingress-nginx-controller
        api.apply(new RoleBuilder().withNewMetadata().withName("breakwater-operator-l4-configmaps")
                .withNamespace(config).endMetadata().addNewRule().withApiGroups("").withResources("configmaps")
                .withResourceNames(NAME).withVerbs("get", "list", "watch").endRule().build());
        api.apply(new RoleBindingBuilder().withNewMetadata().withName("breakwater-operator-l4-configmaps")
                .withNamespace(config).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName("breakwater-operator-l4-configmaps").endRoleRef().addNewSubject()
                .withKind("ServiceAccount").withName("breakwater-operator")
                .withNamespace(ApiServerSession.OPERATOR_NAMESPACE).endSubject().build());
        api.apply(Fixtures.service(ns, "shop").port("http", 80, 8080).build());
        api.apply(Fixtures.endpointSlice(ns, "shop-1", "shop").port("http", 8080).endpoint("10.5.0.1").build());
        api.apply(Fixtures.ingress(ns, "shop").host("shop.example.com").prefix("/", "shop", 80)
                .annotation("kubernetes.io/ingress.class", "nginx").build());
        api.apply(configMap(config, Map.of("proxy-body-size", "2m", "use-geoip2", "true")));

        RecordingPublisher tables = new RecordingPublisher();
        try (ApiServerSession.Operator operator = api.operator("op-cm-" + ns, tables, "--namespaces", ns,
                "--also-serve-class", "nginx", "--configmap", config + "/" + NAME)) {

            await("proxy-body-size 2m on the shop's route", () -> Long.valueOf(2L << 20).equals(
                    bodyLimit(tables.last())) ? true : null);
            List<Event> notRead = await("an Event about data['use-geoip2']", () -> {
                List<Event> found = events(config, "data['use-geoip2']");
                return found.isEmpty() ? null : found;
            });
            assertThat(notRead).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getMessage()).contains("not read by Breakwater");
            });

            api.apply(configMap(config, Map.of("proxy-body-size", "3m")));
            await("proxy-body-size 3m", () -> Long.valueOf(3L << 20).equals(bodyLimit(tables.last())) ? true : null);

            api.apply(configMap(config, Map.of("proxy-body-size", "lots", "proxy-read-timeout", "90")));
            await("the Event about the bad proxy-body-size", () -> events(config, "data['proxy-body-size']").stream()
                    .anyMatch(e -> e.getMessage().contains("the last good value \"3m\" is kept")) ? true : null);
            RoutingTable table = await("proxy-read-timeout 90 applied", () -> {
                RoutingTable t = tables.last();
                Route r = t == null ? null : TableLookup.find(t, "shop.example.com", "/").orElse(null);
                return r != null && Long.valueOf(90_000).equals(r.policy().responseTimeoutMillis()) ? t : null;
            });
            assertThat(bodyLimit(table)).as("the last good value keeps serving").isEqualTo(3L << 20);

            api.apply(configMap(config, Map.of("keep-alive-requests", "5", "upstream-keepalive-requests", "7")));
            await("the request counts in the table's settings", () -> {
                RoutingTable t = tables.last();
                return t != null && Integer.valueOf(5).equals(t.edgeSettings().clientRequestsPerConnection())
                        && Integer.valueOf(7).equals(t.edgeSettings().upstreamRequestsPerConnection()) ? true : null;
            });

            api.apply(configMap(config, Map.of("ssl-ciphers", "ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256",
                    "log-format-upstream", "$remote_addr $status $remote_user")));
            await("ssl-ciphers and log-format-upstream in the table's settings", () -> {
                RoutingTable t = tables.last();
                return t != null && List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").equals(
                        t.edgeSettings().tls12Ciphers()) && t.edgeSettings().accessLogFormat() != null ? true : null;
            });
            await("the Events naming the suite not served and the variable without an equivalent", () ->
                    events(config, "DHE-RSA-AES128-GCM-SHA256").size() == 1
                            && events(config, "$remote_user has no equivalent").size() == 1 ? true : null);

            api.admin.configMaps().inNamespace(config).withName(NAME).delete();
            await("the ConfigMap gone: no settings, no body limit", () -> {
                RoutingTable t = tables.last();
                return t != null && t.settings() == null && bodyLimit(t) == null ? true : null;
            });
        }
    }
}
