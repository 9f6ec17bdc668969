package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.routing.RoutingTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Local mode fed the files the watch names gives, after every step, the table a fresh reading of the whole folder
 * compiles to: seeded random sequences of edits of a folder (endpoints of a slice changed, mostly; slice ports,
 * a slice moved to another Service, a slice added or removed, Service ports, Ingress backends, a file rewritten with
 * the same objects, a file added and removed), so that every way is taken: an update read alone and the endpoint
 * fast path, an update compiled, the whole folder read. 6 seeds of 120 steps; compared by hosts, clusters and hash.
 */
class LocalModeUpdateEquivalenceTest {

    private static final int SERVICES = 4;

    /** One EndpointSlice of the folder: the Service it names, its port and its endpoints (YAML). */
    private static final class Slice {
        int service;
        int port;
        String endpoints;

        Slice(int service, Random r) {
            this.service = service;
            this.port = 8080 + r.nextInt(2);
            this.endpoints = endpoints(service, r);
        }
    }

    /** What the folder holds: each Service's port name and slices, and each Ingress's Service. */
    private static final class Folder {
        final String[] portName = new String[SERVICES];
        final List<List<Slice>> slices = new ArrayList<>();
        final int[] backend = new int[SERVICES];
        boolean extra;

        Folder(Random r) {
            for (int k = 0; k < SERVICES; k++) {
                portName[k] = "http";
                List<Slice> s = new ArrayList<>();
                s.add(new Slice(k, r));
                slices.add(s);
                backend[k] = k;
            }
        }
    }

    private static String endpoints(int service, Random r) {
        StringBuilder out = new StringBuilder();
        int n = r.nextInt(4);
        for (int e = 0; e < n; e++) {
            out.append(e == 0 ? "" : ", ").append("{addresses: [\"10.0.").append(service).append('.')
                    .append(1 + r.nextInt(6)).append("\"]")
                    .append(r.nextInt(5) == 0 ? ", conditions: {ready: false}" : "").append('}');
        }
        return "[" + out + "]";
    }

    private static String serviceFile(Folder f, int k) {
        StringBuilder out = new StringBuilder("""
                apiVersion: v1
                kind: Service
                metadata: {name: s%d}
                spec:
                  ports: [{name: %s, port: 80}]
                """.formatted(k, f.portName[k]));
        List<Slice> slices = f.slices.get(k);
        for (int i = 0; i < slices.size(); i++) {
            Slice s = slices.get(i);
            out.append("""
                    ---
                    apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata: {name: s%d-%d, labels: {kubernetes.io/service-name: s%d}}
                    addressType: IPv4
                    ports: [{name: http, port: %d}]
                    endpoints: %s
                    """.formatted(k, i, s.service, s.port, s.endpoints));
        }
        return out.toString();
    }

    private static String ingresses(Folder f) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < SERVICES; k++) {
            out.append("""
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata: {name: i%d}
                    spec:
                      rules:
                      - host: h%d.example.com
                        http:
                          paths:
                          - {path: /, pathType: Prefix, backend: {service: {name: s%d, port: {number: 80}}}}
                    """.formatted(k, k, f.backend[k]));
        }
        return out.toString();
    }

    private static void writeAll(Path dir, Folder f) throws IOException {
        Files.writeString(dir.resolve("ingresses.yaml"), ingresses(f));
        for (int k = 0; k < SERVICES; k++) {
            Files.writeString(dir.resolve("s" + k + ".yaml"), serviceFile(f, k));
        }
    }

    /** One random edit of the folder: the files it changed, and whether it changed endpoints of a slice only. */
    private record Edit(List<String> files, boolean endpointsOnly) {
    }

    private static Edit edit(Path dir, Folder f, Random r) throws IOException {
        int k = r.nextInt(SERVICES);
        String file = "s" + k + ".yaml";
        int what = r.nextInt(20);
        List<Slice> slices = f.slices.get(k);
        boolean endpointsOnly = false;
        if (what < 9 && !slices.isEmpty()) {
            // a slice's endpoints, now and then its port too
            Slice s = slices.get(r.nextInt(slices.size()));
            s.endpoints = endpoints(k, r);
            if (r.nextInt(4) == 0) {
                s.port = 8080 + r.nextInt(2);
            } else {
                endpointsOnly = true;
            }
        } else if (what < 11 && !slices.isEmpty()) {
            // a slice moved to another Service (its label), or back
            slices.get(r.nextInt(slices.size())).service = r.nextInt(SERVICES);
        } else if (what < 13) {
            if (slices.size() < 2 && r.nextBoolean()) {
                slices.add(new Slice(k, r));
            } else if (!slices.isEmpty()) {
                slices.remove(slices.size() - 1);
            }
        } else if (what < 15) {
            f.portName[k] = f.portName[k].equals("http") ? "web" : "http";
        } else if (what < 17) {
            f.backend[r.nextInt(SERVICES)] = r.nextInt(SERVICES);
            file = "ingresses.yaml";
        } else if (what < 18) {
            Files.writeString(dir.resolve(file), "# the same objects\n" + serviceFile(f, k));
            return new Edit(List.of(file), false);
        } else {
            f.extra = !f.extra;
            file = "extra.yaml";
            if (f.extra) {
                Files.writeString(dir.resolve(file), """
                        apiVersion: networking.k8s.io/v1
                        kind: Ingress
                        metadata: {name: extra}
                        spec:
                          rules:
                          - host: extra.example.com
                            http:
                              paths:
                              - {path: /, pathType: Prefix, backend: {service: {name: s0, port: {number: 80}}}}
                        """);
            } else {
                Files.delete(dir.resolve(file));
            }
            return new Edit(List.of(file), false);
        }
        Files.writeString(dir.resolve(file), file.equals("ingresses.yaml") ? ingresses(f) : serviceFile(f, k));
        return new Edit(List.of(file), endpointsOnly);
    }

    private static FolderChanges named(Path dir, List<String> files) {
        FolderChanges changes = new FolderChanges(dir);
        List<WatchEvent<?>> events = new ArrayList<>();
        for (String file : files) {
            events.add(new LocalModePipelineTest.Event(StandardWatchEventKinds.ENTRY_MODIFY, Path.of(file)));
        }
        events.add(new LocalModePipelineTest.Event(StandardWatchEventKinds.ENTRY_CREATE, Path.of(".s0.yaml.tmp")));
        changes.take(events);
        return changes;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void everyReloadOfTheFilesNamedServesWhatTheWholeFolderCompilesTo(long seed, @TempDir Path dir)
            throws Exception {
        Random random = new Random(seed);
        Folder folder = new Folder(random);
        writeAll(dir, folder);
        List<RoutingTable> served = new ArrayList<>();
        int readAlone = 0;
        try (LocalMode local = new LocalMode(dir, served::add, CompilerOptions.local(), m -> { })) {
            local.reload();
            for (int step = 0; step < 120; step++) {
                Edit edit = edit(dir, folder, random);
                int before = local.filesRead();
                LocalMode.Reload reload = local.reload(named(dir, edit.files()));

                String where = "seed " + seed + ", step " + step + " (" + edit + ", " + reload.outcome() + ")";
                assertThat(reload.outcome()).as(where).isNotEqualTo(LocalMode.Outcome.REJECTED);
                RoutingTable expected = Compiler.compile(new ManifestLoader().load(dir).snapshot(),
                        CompilerOptions.local()).table();
                RoutingTable actual = served.get(served.size() - 1);
                assertThat(actual.virtualHosts()).as("hosts, %s", where).isEqualTo(expected.virtualHosts());
                assertThat(actual.clusters()).as("clusters, %s", where).isEqualTo(expected.clusters());
                assertThat(actual.hash()).as("hash, %s", where).isEqualTo(expected.hash());
                if (edit.endpointsOnly()) {
                    // only the file named was read (a whole reading reads every file written in the last 3 s)
                    assertThat(local.filesRead() - before).as("files read, %s", where).isEqualTo(1);
                    readAlone++;
                }
            }
            assertThat(readAlone).isGreaterThan(20);
            assertThat(local.stats().fastPaths()).as("%s", local.stats()).isGreaterThan(20);
            assertThat(local.stats().fullCompilations()).as("%s", local.stats()).isGreaterThan(10);
        }
    }
}
