package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The endpoint fast path gives exactly the table a full compilation gives after EndpointSlice changes. */
class EndpointRefreshTest {

    private static final CompilerOptions OPTIONS = CompilerOptions.local(null);

    private final List<Ingress> ingresses = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> slices = new ArrayList<>();

    EndpointRefreshTest() {
        for (int i = 0; i < 8; i++) {
            String svc = "svc" + i;
            var ingress = Fixtures.ingress("ns" + (i % 2), "ing" + i).host("h" + i + ".example.com")
                    .prefix("/", svc, 80).exact("/named", svc, "http");
            if (i % 3 == 0) {
                ingress.annotation("breakwater.dev/backend-protocol", "GRPC"); // a cluster of its own: "|h2c"
            }
            if (i % 4 == 1) {
                ingress.annotation("breakwater.dev/load-balance", "least-request"); // a policy digest in the name
            }
            ingresses.add(ingress.build());
            services.add(Fixtures.service("ns" + (i % 2), svc).port("http", 80, 8080).port(null, 81, 8081).build());
            slices.add(Fixtures.endpointSlice("ns" + (i % 2), svc + "-a", svc).port("http", 8080)
                    .endpoint("10.0." + i + ".1").build());
            slices.add(Fixtures.endpointSlice("ns" + (i % 2), svc + "-b", svc).port("http", 8080).port(null, 8081)
                    .endpoint(false, true, true, "z1", "10.0." + i + ".2").build());
        }
        services.add(Fixtures.service("ns0", "unused").port("http", 80, 8080).build());
        slices.add(Fixtures.endpointSlice("ns0", "unused-a", "unused").port("http", 8080).endpoint("10.9.9.9").build());
        services.add(Fixtures.service("ns0", "external").externalName("backend.example.org").build());
        ingresses.add(Fixtures.ingress("ns0", "ext").host("ext.example.com").prefix("/", "external", 443).build());
    }

    private ClusterSnapshot snapshot() {
        return new ClusterSnapshot(ingresses, List.of(), services, slices, List.of());
    }

    private RoutingTable full() {
        return Compiler.compile(snapshot(), OPTIONS).table();
    }

    private RoutingTable fast(RoutingTable previous, String... serviceKeys) {
        List<Service> changed = new ArrayList<>();
        List<EndpointSlice> theirSlices = new ArrayList<>();
        for (String key : serviceKeys) {
            String ns = key.substring(0, key.indexOf('/'));
            String name = key.substring(key.indexOf('/') + 1);
            services.stream().filter(s -> s.getMetadata().getNamespace().equals(ns)
                    && s.getMetadata().getName().equals(name)).forEach(changed::add);
            slices.stream().filter(s -> s.getMetadata().getNamespace().equals(ns)
                    && name.equals(s.getMetadata().getLabels().get("kubernetes.io/service-name")))
                    .forEach(theirSlices::add);
        }
        return EndpointRefresh.refresh(previous, List.of(serviceKeys), changed, theirSlices);
    }

    private void replaceSlice(String namespace, String name, EndpointSlice replacement) {
        slices.removeIf(s -> s.getMetadata().getNamespace().equals(namespace) && s.getMetadata().getName().equals(name));
        if (replacement != null) {
            slices.add(replacement);
        }
    }

    @Test
    void anEndpointChangeGivesTheFullCompilersTable() {
        RoutingTable before = full();
        replaceSlice("ns0", "svc2-a", Fixtures.endpointSlice("ns0", "svc2-a", "svc2").port("http", 8080)
                .endpoint("10.0.2.1", "10.0.2.7").build());
        RoutingTable fast = fast(before, "ns0/svc2");
        RoutingTable full = full();
        assertThat(fast.hash()).isNotEqualTo(before.hash()).isEqualTo(full.hash());
        assertThat(TableCodec.encodeToString(fast)).isEqualTo(TableCodec.encodeToString(full));
        assertThat(fast.cluster("ns0/svc2:http").endpoints()).extracting(e -> e.address())
                .contains("10.0.2.7");
    }

    @Test
    void clustersWithAProtocolOrAPolicyOfTheirOwnAreRefreshedToo() {
        RoutingTable before = full();
        assertThat(before.clusters()).extracting(Cluster::name)
                .contains("ns0/svc0:http|h2c").anyMatch(n -> n.startsWith("ns1/svc1:http|"));
        replaceSlice("ns0", "svc0-a", null);
        replaceSlice("ns1", "svc1-b", Fixtures.endpointSlice("ns1", "svc1-b", "svc1").port("http", 8080)
                .port(null, 8081).endpoint("10.7.7.7").build());
        RoutingTable fast = fast(before, "ns0/svc0", "ns1/svc1");
        assertThat(fast.hash()).isEqualTo(full().hash());
        assertThat(fast.cluster("ns0/svc0:http|h2c").endpoints()).extracting(e -> e.address())
                .containsExactly("10.0.0.2");
    }

    @Test
    void slicesOfAServiceNoRouteUsesLeaveTheTableAsItIs() {
        RoutingTable before = full();
        replaceSlice("ns0", "unused-a", Fixtures.endpointSlice("ns0", "unused-a", "unused").port("http", 8080)
                .endpoint("10.9.9.8").build());
        assertThat(fast(before, "ns0/unused")).isSameAs(before);
    }

    @Test
    void aSliceChangeThatMovesNoEndpointLeavesTheTableAsItIs() {
        RoutingTable before = full();
        replaceSlice("ns0", "svc2-a", Fixtures.endpointSlice("ns0", "svc2-a", "svc2").port("http", 8080)
                .endpoint("10.0.2.1").build());
        assertThat(fast(before, "ns0/svc2")).isSameAs(before);
    }

    @Test
    void aServiceThatLostThePortOfACluster_needsTheFullCompiler() {
        RoutingTable before = full();
        services.removeIf(s -> s.getMetadata().getName().equals("svc5"));
        services.add(Fixtures.service("ns1", "svc5").port("web", 80, 8080).build());
        assertThat(fast(before, "ns1/svc5")).isNull();
        services.removeIf(s -> s.getMetadata().getName().equals("svc5"));
        assertThat(fast(before, "ns1/svc5")).isNull();
    }

    @Test
    void externalNameServicesKeepTheirDnsEndpoint() {
        RoutingTable before = full();
        assertThat(fast(before, "ns0/external")).isSameAs(before);
    }

    @Test
    void randomSliceChangesAlwaysMatchTheFullCompiler() {
        Random random = new Random(42);
        RoutingTable previous = full();
        for (int round = 0; round < 60; round++) {
            int i = random.nextInt(8);
            String ns = "ns" + (i % 2);
            String svc = "svc" + i;
            String sliceName = svc + (random.nextBoolean() ? "-a" : "-b");
            var slice = Fixtures.endpointSlice(ns, sliceName, svc).port("http", 8080);
            if (random.nextBoolean()) {
                slice.port(null, 8081);
            }
            int endpoints = 1 + random.nextInt(3);
            for (int e = 0; e < endpoints; e++) {
                slice.endpoint(random.nextBoolean(), random.nextBoolean() ? null : Boolean.TRUE,
                        random.nextInt(4) == 0, random.nextBoolean() ? "z1" : null,
                        "10." + i + "." + random.nextInt(4) + "." + random.nextInt(4));
            }
            replaceSlice(ns, sliceName, slice.build());
            RoutingTable fast = fast(previous, ns + "/" + svc);
            RoutingTable full = full();
            assertThat(fast.hash()).as("round %d", round).isEqualTo(full.hash());
            previous = fast;
        }
        assertThat(Set.of(previous.hash())).doesNotContain(Compiler.compile(new ClusterSnapshot(ingresses,
                List.of(), services, List.of(), List.of()), OPTIONS).table().hash());
    }
}
