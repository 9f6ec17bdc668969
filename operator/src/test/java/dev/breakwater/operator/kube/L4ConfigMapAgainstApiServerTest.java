package dev.breakwater.operator.kube;

import static dev.breakwater.operator.kube.OperatorAgainstApiServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.publish.RecordingPublisher;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-cluster operator reading ingress-nginx's TCP and UDP services ConfigMaps
 * ({@code --tcp-services-configmap}, {@code --udp-services-configmap}) from a real kube-apiserver, as the chart's
 * ServiceAccount with the chart's RBAC plus the Role the chart renders for those ConfigMaps
 * ({@code kube/rbac-l4-configmaps.yaml}, checked against the chart by ChartL4PortsTest): listeners in the table,
 * a change of the ConfigMap compiled, a ConfigMap created after start picked up, and a Warning Event on the
 * ConfigMap naming the bad key and the reason.
 */
@ExtendWith(KubeApiServer.class)
class L4ConfigMapAgainstApiServerTest {

    static final String CONFIG_NAMESPACE = "l4-config";

    static ApiServerSession api;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) throws Exception {
        api = ApiServerSession.withShippedRbac(started);
        api.admin.resource(new NamespaceBuilder().withNewMetadata().withName(CONFIG_NAMESPACE).endMetadata().build())
                .forceConflicts().serverSideApply();
        try (InputStream in = Files.newInputStream(ShippedRbac.projectRoot()
                .resolve("operator/src/test/resources/kube/rbac-l4-configmaps.yaml"))) {
            api.admin.load(in).forceConflicts().serverSideApply();
        }
    }

    @AfterAll
    static void close() {
        if (api != null) {
            api.close();
        }
    }

    private static ConfigMap configMap(String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(CONFIG_NAMESPACE).endMetadata()
                .withData(data).build();
    }

    private static L4Listener listener(RoutingTable table, int port) {
        if (table == null) {
            return null;
        }
        return table.l4Routes().listeners().stream().filter(l -> l.port() == port).findFirst().orElse(null);
    }

    private static List<String> endpoints(RoutingTable table, L4Listener listener) {
        return listener.route().backends().stream().flatMap(b -> table.cluster(b.cluster()).endpoints().stream())
                .map(Endpoint::authority).toList();
    }

    private static List<Event> configMapEvents(String name) {
        return api.admin.v1().events().inNamespace(CONFIG_NAMESPACE).list().getItems().stream()
                .filter(e -> "ConfigMap".equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    @Test
    void theServicesConfigMapsAreWatchedCompiledAndTheirBadKeysReportedAsEvents() {
        String ns = "t-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        api.admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        api.apply(Fixtures.service(ns, "db").port("pg", 5432, 5432).build());
        api.apply(Fixtures.endpointSlice(ns, "db-1", "db").port("pg", 5432).endpoint("10.3.0.1").build());
        api.apply(Fixtures.service(ns, "dns").port("dns", 53, 5353).build());
        api.apply(Fixtures.endpointSlice(ns, "dns-1", "dns").port("dns", 5353).endpoint("10.4.0.1").build());
        api.apply(configMap("tcp-services", Map.of("5432", ns + "/db:5432", "9000", ns + "/db:pg:PROXY",
                "70000", ns + "/db:5432")));
        api.admin.configMaps().inNamespace(CONFIG_NAMESPACE).withName("udp-services").delete();

        RecordingPublisher tables = new RecordingPublisher();
        try (ApiServerSession.Operator operator = api.operator("op-l4-" + ns, tables, "--namespaces", ns,
                "--tcp-services-configmap", CONFIG_NAMESPACE + "/tcp-services", "--udp-services-configmap",
                CONFIG_NAMESPACE + "/udp-services")) {

            RoutingTable table = await("TCP listeners 5432 and 9000 with db's endpoint", () -> {
                RoutingTable t = tables.last();
                L4Listener pg = listener(t, 5432);
                return pg != null && listener(t, 9000) != null && endpoints(t, pg).contains("10.3.0.1:5432") ? t
                        : null;
            });
            assertThat(listener(table, 5432).protocol()).isEqualTo(L4Listener.Protocol.TCP);
            assertThat(listener(table, 5432).acceptProxyProtocolFrom()).isEmpty();
            assertThat(listener(table, 9000).acceptProxyProtocolFrom()).isNotEmpty();
            assertThat(endpoints(table, listener(table, 9000))).containsExactly("10.3.0.1:5432");
            assertThat(table.l4Routes().listeners()).extracting(L4Listener::port).doesNotContain(70000);

            // the bad key: a Warning Event on the ConfigMap naming it and why
            List<Event> events = await("an Event on ConfigMap tcp-services about data['70000']", () -> {
                List<Event> found = configMapEvents("tcp-services").stream()
                        .filter(e -> e.getMessage().contains("data['70000']")).toList();
                return found.isEmpty() ? null : found;
            });
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getMessage()).contains("1 to 65535");
            });

            // a change of the ConfigMap: 9000 goes, 6432 comes
            api.apply(configMap("tcp-services", Map.of("5432", ns + "/db:5432", "6432", ns + "/db:pg",
                    "70000", ns + "/db:5432")));
            table = await("listener 6432 instead of 9000", () -> {
                RoutingTable t = tables.last();
                return listener(t, 6432) != null && listener(t, 9000) == null ? t : null;
            });
            assertThat(listener(table, 5432)).isNotNull();

            // the UDP ConfigMap, created after the operator started
            api.apply(configMap("udp-services", Map.of("53", ns + "/dns:53", "54", ns + "/dns:53:PROXY")));
            table = await("UDP listener 53", () -> listener(tables.last(), 53) != null ? tables.last() : null);
            assertThat(listener(table, 53).protocol()).isEqualTo(L4Listener.Protocol.UDP);
            assertThat(endpoints(table, listener(table, 53))).containsExactly("10.4.0.1:5353");
            assertThat(listener(table, 54)).isNull();
            await("an Event on ConfigMap udp-services about data['54']", () -> configMapEvents("udp-services")
                    .stream().anyMatch(e -> e.getMessage().contains("data['54']")
                            && e.getMessage().contains("PROXY is for TCP services only")));

            // a ConfigMap of the same namespace that no flag names is never read (nor may it be, by RBAC)
            api.apply(configMap("other", Map.of("7000", ns + "/db:5432")));
            api.apply(configMap("tcp-services", Map.of("5432", ns + "/db:5432")));
            table = await("6432 gone", () -> listener(tables.last(), 6432) == null ? tables.last() : null);
            assertThat(table.l4Routes().listeners()).extracting(L4Listener::port).containsExactlyInAnyOrder(5432, 53);
        }
    }
}
