package dev.breakwater.operator.bench;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.EndpointRefresh;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Full compilation against the endpoint fast path after one EndpointSlice change, on N Ingresses (one host, two
 * paths each), N Services and N EndpointSlices of 3 endpoints. Not a test: run by hand (see docs/performance.md,
 * "Compilation and the endpoint fast path"), {@code FastPathBenchmark [N] [rounds]}.
 */
public final class FastPathBenchmark {

    private FastPathBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        List<Ingress> ingresses = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String ns = "ns" + (i % 50);
            String svc = "svc" + i;
            ingresses.add(Fixtures.ingress(ns, "ing" + i).host("h" + i + ".example.com").prefix("/", svc, 80)
                    .exact("/health", svc, "http").build());
            services.add(Fixtures.service(ns, svc).port("http", 80, 8080).build());
            slices.add(slice(ns, svc, i, 0));
        }
        CompilerOptions options = new CompilerOptions(CompilerOptions.DEFAULT_CONTROLLER_NAME, true, null);
        long[] full = new long[rounds];
        long[] fast = new long[rounds];
        long[] hash = new long[rounds];
        RoutingTable table = Compiler.compile(new ClusterSnapshot(ingresses, List.of(), services, slices,
                List.of()), options).table();
        for (int r = 0; r < rounds; r++) {
            int i = (r * 7919) % n;
            String ns = "ns" + (i % 50);
            EndpointSlice changed = slice(ns, "svc" + i, i, r + 1);
            slices.set(i, changed);

            long t0 = System.nanoTime();
            RoutingTable refreshed = EndpointRefresh.refresh(table, List.of(ns + "/svc" + i), List.of(services.get(i)),
                    List.of(changed));
            long t1 = System.nanoTime();
            RoutingTable compiled = Compiler.compile(new ClusterSnapshot(ingresses, List.of(), services, slices,
                    List.of()), options).table();
            long t2 = System.nanoTime();
            RoutingTable.of(compiled.virtualHosts(), compiled.clusters(), compiled.certificates());
            long t3 = System.nanoTime();
            if (!refreshed.hash().equals(compiled.hash())) {
                throw new AssertionError("fast path and full compilation differ in round " + r);
            }
            table = refreshed;
            fast[r] = t1 - t0;
            full[r] = t2 - t1;
            hash[r] = t3 - t2;
        }
        System.out.printf("N=%d (%d rounds, first %d dropped as warm-up)%n", n, rounds, rounds / 3);
        System.out.printf("full compilation:        median %8.2f ms%n", median(full, rounds / 3));
        System.out.printf("endpoint fast path:      median %8.2f ms%n", median(fast, rounds / 3));
        System.out.printf("  of which content hash: median %8.2f ms (RoutingTable.of on the whole table)%n",
                median(hash, rounds / 3));
    }

    private static EndpointSlice slice(String ns, String svc, int i, int generation) {
        return Fixtures.endpointSlice(ns, svc + "-abc", svc).port("http", 8080)
                .endpoint("10." + (i / 65536 % 256) + "." + (i / 256 % 256) + "." + (i % 256))
                .endpoint("10.200." + (generation % 256) + "." + (i % 256))
                .endpoint(false, true, true, "z1", "10.201." + (generation % 256) + "." + (i % 256)).build();
    }

    private static double median(long[] nanos, int skip) {
        long[] kept = Arrays.copyOfRange(nanos, skip, nanos.length);
        Arrays.sort(kept);
        return kept[kept.length / 2] / 1e6;
    }
}
