package dev.breakwater.operator.bench;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.IncrementalCompiler;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cold compilation and then incremental compilations of one new Ingress (a new host, with its Service and
 * EndpointSlice) each, on N Ingresses as {@code bench/scale.py} makes them (one host, two paths, a Service and a
 * slice of 3 endpoints each). Not a test: run by hand (see docs/performance.md#scale),
 * {@code IncrementalBenchmark [N] [steps]}; prints medians after the first third of the steps.
 */
public final class IncrementalBenchmark {

    private IncrementalBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        List<Ingress> ingresses = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            add(i, ingresses, services, slices);
        }
        CompilerOptions options = new CompilerOptions(CompilerOptions.DEFAULT_CONTROLLER_NAME, true, null);
        IncrementalCompiler compiler = new IncrementalCompiler();
        long t0 = System.nanoTime();
        IncrementalCompiler.Result first = compiler.compile(snapshot(ingresses, services, slices), options, null);
        long cold = System.nanoTime() - t0;
        RoutingTable previous = first.compilation().table();
        long t1 = System.nanoTime();
        byte[] json = TableCodec.encode(previous);
        long encode = System.nanoTime() - t1;
        long[] compile = new long[steps];
        for (int s = 0; s < steps; s++) {
            add(n + s, ingresses, services, slices);
            ClusterSnapshot snapshot = snapshot(ingresses, services, slices);
            long a = System.nanoTime();
            IncrementalCompiler.Result r = compiler.compile(snapshot, options, previous);
            compile[s] = System.nanoTime() - a;
            if (r.kind() != IncrementalCompiler.Kind.INCREMENTAL) {
                throw new AssertionError("step " + s + " compiled " + r.kind() + ": " + r.reason());
            }
            Compilation c = r.compilation();
            previous = c.table();
        }
        System.out.printf("N=%d: cold compilation %.0f ms, whole table encoded in %.0f ms (%d bytes)%n", n,
                cold / 1e6, encode / 1e6, json.length);
        System.out.printf("one new Ingress, incremental: median %.2f ms, max %.2f ms (%d steps, first %d dropped)%n",
                median(compile, steps / 3), max(compile, steps / 3) / 1e6, steps, steps / 3);
    }

    private static ClusterSnapshot snapshot(List<Ingress> ingresses, List<Service> services,
                                            List<EndpointSlice> slices) {
        return new ClusterSnapshot(List.copyOf(ingresses), List.of(), List.copyOf(services), List.copyOf(slices),
                List.of());
    }

    private static void add(int i, List<Ingress> ingresses, List<Service> services, List<EndpointSlice> slices) {
        String ns = "bench";
        String svc = "svc" + i;
        ingresses.add(Fixtures.ingress(ns, "ing" + i).host("h" + i + ".example.com").prefix("/a", svc, "http")
                .prefix("/", svc, "http").build());
        services.add(Fixtures.service(ns, svc).port("http", 80, 8080).build());
        slices.add(Fixtures.endpointSlice(ns, svc + "-abc", svc).port("http", 8080)
                .endpoint("10." + (i / 65536 % 256) + "." + (i / 256 % 256) + "." + (i % 256))
                .endpoint("10.100." + (i / 256 % 256) + "." + (i % 256))
                .endpoint("10.101." + (i / 256 % 256) + "." + (i % 256)).build());
    }

    private static double median(long[] nanos, int skip) {
        long[] kept = Arrays.copyOfRange(nanos, skip, nanos.length);
        Arrays.sort(kept);
        return kept[kept.length / 2] / 1e6;
    }

    private static long max(long[] nanos, int skip) {
        return Arrays.stream(nanos, skip, nanos.length).max().orElse(0);
    }
}
