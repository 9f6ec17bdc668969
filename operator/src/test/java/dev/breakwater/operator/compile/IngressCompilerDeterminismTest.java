package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IngressCompilerDeterminismTest {

    private static ClusterSnapshot snapshot(long seed) {
        List<Ingress> ingresses = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String service = "svc" + i;
            ingresses.add(Fixtures.ingress("ns" + (i % 3), "ing" + i)
                    .created(i % 4 == 0 ? null : "2024-01-0" + (1 + i % 5) + "T00:00:00Z")
                    .defaultBackend(service, 80)
                    .host("h" + (i % 4) + ".example.com").prefix("/p" + (i % 6), service, 80).exact("/", service, 80)
                    .host("*.w" + (i % 2) + ".example.com").prefix("/", service, "http")
                    .anyHost().prefix("/any" + (i % 5), service, 80)
                    .build());
            if (i % 5 == 0) {
                // canaries, several for one path (the oldest wins), one of them of the default backend
                ingresses.add(Fixtures.ingress("ns" + (i % 3), "canary" + i)
                        .created(i % 10 == 0 ? null : "2024-01-0" + (1 + i % 5) + "T00:00:00Z")
                        .annotation("nginx.ingress.kubernetes.io/canary", "true")
                        .annotation("nginx.ingress.kubernetes.io/canary-by-header", "X-Canary-" + i)
                        .annotation("nginx.ingress.kubernetes.io/canary-by-cookie", "c" + i)
                        .annotation("nginx.ingress.kubernetes.io/canary-weight", Integer.toString(i))
                        .defaultBackend("svc" + ((i + 3) % 20), 80)
                        .host("h" + (i % 4) + ".example.com").exact("/", "svc" + ((i + 3) % 20), 80)
                        .build());
            }
            services.add(Fixtures.service("ns" + (i % 3), service).port("http", 80, 8080).build());
            slices.add(Fixtures.endpointSlice("ns" + (i % 3), service + "-b", service).port("http", 8080)
                    .endpoint("10.1.0." + i, "10.2.0." + i).build());
            slices.add(Fixtures.endpointSlice("ns" + (i % 3), service + "-a", service).port("http", 8080)
                    .endpoint(false, null, null, "z", "10.2.0." + i).build());
        }
        Random random = new Random(seed);
        Collections.shuffle(ingresses, random);
        Collections.shuffle(services, random);
        Collections.shuffle(slices, random);
        return new ClusterSnapshot(ingresses, List.of(), services, slices, List.of());
    }

    @Test
    void shuffledInputGivesTheSameTableAndHash() {
        Compilation first = Compiler.compile(snapshot(1), CompilerOptions.local());
        assertThat(first.diagnostics()).isNotEmpty();
        for (long seed = 2; seed < 12; seed++) {
            Compilation other = Compiler.compile(snapshot(seed), CompilerOptions.local());
            assertThat(other.table().hash()).isEqualTo(first.table().hash());
            assertThat(TableCodec.encodeToString(other.table())).isEqualTo(TableCodec.encodeToString(first.table()));
            assertThat(other.diagnostics()).isEqualTo(first.diagnostics());
        }
    }

    @Test
    void unchangedSnapshotCompilesToTheSameHash() {
        ClusterSnapshot snapshot = snapshot(7);
        RoutingTable a = Compiler.compile(snapshot, CompilerOptions.local()).table();
        RoutingTable b = Compiler.compile(snapshot, CompilerOptions.local()).table();

        assertThat(a.sameContentAs(b)).isTrue();
        assertThat(a).isEqualTo(b);
        assertThat(a.hash()).isEqualTo(TableCodec.contentHash(a));
    }

    @Test
    void routeNamesAreUniqueAcrossTheTable() {
        RoutingTable table = Compiler.compile(snapshot(3), CompilerOptions.local()).table();
        List<String> names = table.virtualHosts().stream().flatMap(v -> v.routes().stream()).map(r -> r.name())
                .toList();

        assertThat(names).doesNotHaveDuplicates();
        assertThat(names).as("canaries attached to paths and to the default backend")
                .anyMatch(n -> n.endsWith("/#canary-by-header")).anyMatch(n -> n.endsWith("#default-backend#canary-by-cookie"));
    }
}
