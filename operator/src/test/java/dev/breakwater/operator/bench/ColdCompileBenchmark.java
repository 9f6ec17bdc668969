package dev.breakwater.operator.bench;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.IncrementalCompiler;
import dev.breakwater.operator.local.ManifestLoader;
import dev.breakwater.operator.local.Manifests;
import dev.breakwater.routing.RoutingTable;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Local mode's first table in a fresh JVM, step by step, on a folder of manifests (such as the one
 * {@code bench/scale.py} generates, kept in {@code bench/run/scale/manifests-*}): the folder read (YAML parsed), the
 * first compilation (what local mode logs as "compiled in"), the data plane's first table applied; then
 * {@code rounds} more reads (of a fresh loader) and full compilations (of a fresh compiler), to tell the cold costs
 * from the warm ones. Not a test: run by hand (see docs/performance.md, "Cold compilation"),
 * {@code ColdCompileBenchmark DIR [rounds]}.
 */
public final class ColdCompileBenchmark {

    private ColdCompileBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long t0 = System.nanoTime();
        Manifests manifests = new ManifestLoader().load(dir);
        long t1 = System.nanoTime();
        if (!manifests.errors().isEmpty()) {
            throw new IllegalStateException("manifest errors: " + manifests.errors());
        }
        IncrementalCompiler.Result first = new IncrementalCompiler().compile(manifests.snapshot(),
                CompilerOptions.local().at(Instant.now()), null);
        long t2 = System.nanoTime();
        RoutingTable table = first.compilation().table().withVersion(1);
        long applied;
        try (DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .build().start()) {
            long a = System.nanoTime();
            proxy.apply(table);
            applied = System.nanoTime() - a;
        }
        System.out.printf("%s: %d hosts, %d clusters, %d certificates, %d diagnostics%n", dir,
                table.virtualHosts().size(), table.clusters().size(), table.certificates().size(),
                first.compilation().diagnostics().size());
        System.out.printf("cold: read %.0f ms, compiled %.0f ms, first table applied %.0f ms%n", (t1 - t0) / 1e6,
                (t2 - t1) / 1e6, applied / 1e6);
        for (int r = 0; r < rounds; r++) {
            long a = System.nanoTime();
            Manifests again = new ManifestLoader().load(dir);
            long b = System.nanoTime();
            new IncrementalCompiler().compile(again.snapshot(), CompilerOptions.local().at(Instant.now()), null);
            long c = System.nanoTime();
            System.out.printf("warm %d: read %.0f ms, compiled %.0f ms%n", r + 1, (b - a) / 1e6, (c - b) / 1e6);
        }
    }
}
