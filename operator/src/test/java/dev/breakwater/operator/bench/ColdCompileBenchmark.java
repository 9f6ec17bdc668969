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

    /**
     * CPU time of the whole process (every thread: the JIT compilers' and the collector's too), in ns, and the time
     * the JIT compilers spent so far, in ms, as a pair.
     */
    private static long[] processCpu() {
        return new long[] {((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime(),
                jitCpuMillis()};
    }

    /**
     * CPU time of the JIT compiler threads so far, in ms, from {@code /proc/self/task} (Linux; their names start with
     * C1 or C2 CompilerThread); -1 elsewhere.
     */
    private static long jitCpuMillis() {
        try (java.util.stream.Stream<Path> tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            long ticks = 0;
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = java.nio.file.Files.readString(task.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close);
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    String[] fields = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            }
            return ticks * 10; // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Wall time, process CPU time and JIT compilation time of a step. */
    private static String step(String name, long wall0, long wall1, long[] cpu0, long[] cpu1) {
        return String.format("%s %.0f ms (CPU %.0f ms, of which JIT compilers %d ms)", name, (wall1 - wall0) / 1e6,
                (cpu1[0] - cpu0[0]) / 1e6, cpu1[1] - cpu0[1]);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long[] c0 = processCpu();
        long t0 = System.nanoTime();
        Manifests manifests = new ManifestLoader().load(dir);
        long t1 = System.nanoTime();
        long[] c1 = processCpu();
        if (!manifests.errors().isEmpty()) {
            throw new IllegalStateException("manifest errors: " + manifests.errors());
        }
        IncrementalCompiler.Result first = new IncrementalCompiler().compile(manifests.snapshot(),
                CompilerOptions.local().at(Instant.now()), null);
        long t2 = System.nanoTime();
        long[] c2 = processCpu();
        RoutingTable table = first.compilation().table().withVersion(1);
        String applied;
        try (DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .build().start()) {
            long[] c3 = processCpu();
            long a = System.nanoTime();
            proxy.apply(table);
            applied = step("first table applied", a, System.nanoTime(), c3, processCpu());
        }
        System.out.printf("%s: %d hosts, %d clusters, %d certificates, %d diagnostics%n", dir,
                table.virtualHosts().size(), table.clusters().size(), table.certificates().size(),
                first.compilation().diagnostics().size());
        System.out.printf("cold: %s, %s, %s%n", step("read", t0, t1, c0, c1), step("compiled", t1, t2, c1, c2),
                applied);
        if (Boolean.getBoolean("bench.marks")) {
            // to cut a recording (JFR, a profile) into the steps: their start and end in wall-clock time
            long epochNanos = Instant.now().toEpochMilli() * 1_000_000 - System.nanoTime();
            System.out.printf("marks (epoch ms): read %d, compiled %d%n", (epochNanos + t0) / 1_000_000,
                    (epochNanos + t1) / 1_000_000);
            System.out.printf("marks (epoch ms): end %d%n", (epochNanos + t2) / 1_000_000);
        }
        for (int r = 0; r < rounds; r++) {
            long[] ca = processCpu();
            long a = System.nanoTime();
            Manifests again = new ManifestLoader().load(dir);
            long b = System.nanoTime();
            long[] cb = processCpu();
            new IncrementalCompiler().compile(again.snapshot(), CompilerOptions.local().at(Instant.now()), null);
            long c = System.nanoTime();
            System.out.printf("warm %d: %s, %s%n", r + 1, step("read", a, b, ca, cb),
                    step("compiled", b, c, cb, processCpu()));
        }
    }
}
