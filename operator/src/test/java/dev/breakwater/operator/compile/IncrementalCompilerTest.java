package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.operator.fixture.RouteFixture;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every incremental compilation equals a full compilation of the same snapshot, over seeded random sequences of
 * adds, changes and deletes of Ingresses, Routes, Services, EndpointSlices and Secrets (the same few hosts,
 * Services and Secrets, so that objects collide: conflicting paths, shared certificates, missing backends, the
 * cluster default backend, canaries, client certificates, Ingresses of another class), now and then with objects
 * replaced by copies of equal content (as local mode parses a changed file again); 8 seeds of 250 steps. Compared
 * by content (hosts, clusters, certificates, L4, diagnostics, Route statuses) and by hash.
 */
class IncrementalCompilerTest {

    private static final TestPki PKI = TestPki.create("Incremental compiler test CA");
    private static final TestPki.Issued WILDCARD = PKI.server("*.example.com");
    private static final TestPki.Issued PAIR = PKI.server("h1.example.com", "h2.example.com");
    private static final String[] NAMESPACES = {"a", "b"};
    private static final String[] HOSTS = {"h0.example.com", "h1.example.com", "h2.example.com",
        "h3.example.com", "*.example.com", ""};
    private static final String[] PATHS = {"/", "/api", "/api/v1", "/x"};
    private static final CompilerOptions OPTIONS = CompilerOptions.local().at(Instant.parse("2026-12-01T00:00:00Z"));

    /** The objects of the random world, by name. */
    private static final class World {
        final Map<String, Ingress> ingresses = new TreeMap<>();
        final Map<String, dev.breakwater.operator.crd.Route> routes = new TreeMap<>();
        final Map<String, Service> services = new TreeMap<>();
        final Map<String, EndpointSlice> slices = new TreeMap<>();
        final Map<String, Secret> secrets = new TreeMap<>();

        ClusterSnapshot snapshot() {
            return new ClusterSnapshot(new ArrayList<>(ingresses.values()), List.of(),
                    new ArrayList<>(services.values()), new ArrayList<>(slices.values()),
                    new ArrayList<>(secrets.values()), new ArrayList<>(routes.values()));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyIncrementalCompilationEqualsAFullOne(long seed) {
        Random random = new Random(seed);
        World world = new World();
        for (int i = 0; i < 30; i++) {
            mutate(world, random);
        }
        IncrementalCompiler incremental = new IncrementalCompiler();
        SecretChecks fullChecks = new SecretChecks();
        Map<IncrementalCompiler.Kind, Integer> kinds = new EnumMap<>(IncrementalCompiler.Kind.class);
        RoutingTable previous = null;
        for (int step = 0; step < 250; step++) {
            int changes = 1 + random.nextInt(random.nextInt(10) == 0 ? 6 : 2);
            for (int c = 0; step > 0 && c < changes; c++) {
                mutate(world, random);
            }
            if (random.nextInt(10) == 0) {
                reparse(world, random); // new instances of equal content, as local mode reads a file again
            }
            ClusterSnapshot snapshot = world.snapshot();
            IncrementalCompiler.Result result = incremental.compile(snapshot, OPTIONS, previous);
            Compilation full = Compiler.compile(snapshot, OPTIONS, previous, fullChecks);
            String where = "seed " + seed + ", step " + step + " (" + result.kind() + ")";
            assertSame(result.compilation(), full, where);
            kinds.merge(result.kind(), 1, Integer::sum);
            previous = result.compilation().table();
        }
        // the sequences exercise the incremental path, not only the full one
        assertThat(kinds.getOrDefault(IncrementalCompiler.Kind.INCREMENTAL, 0)).as("incremental steps of %s", kinds)
                .isGreaterThan(60);
    }

    @Test
    void anUnchangedSnapshotIsNotCompiledAgainAndAChangedIngressAloneIsRecompiled() {
        World world = new World();
        for (int i = 0; i < 50; i++) {
            world.services.put("a/s" + i, Fixtures.service("a", "s" + i).port("http", 80, 8080).build());
            world.ingresses.put("a/i" + i, Fixtures.ingress("a", "i" + i).host("h" + i + ".example.com")
                    .prefix("/", "s" + i, 80).build());
        }
        IncrementalCompiler incremental = new IncrementalCompiler();
        assertThat(incremental.compile(world.snapshot(), OPTIONS, null).kind()).isEqualTo(IncrementalCompiler.Kind.FULL);
        IncrementalCompiler.Result same = incremental.compile(world.snapshot(), OPTIONS, null);
        assertThat(same.kind()).isEqualTo(IncrementalCompiler.Kind.UNCHANGED);

        world.ingresses.put("a/i7", Fixtures.ingress("a", "i7").host("h7.example.com").prefix("/", "s8", 80).build());
        IncrementalCompiler.Result changed = incremental.compile(world.snapshot(), OPTIONS, null);
        assertThat(changed.kind()).isEqualTo(IncrementalCompiler.Kind.INCREMENTAL);
        assertThat(changed.objects()).isEqualTo(1);
        assertSame(changed.compilation(), Compiler.compile(world.snapshot(), OPTIONS), "one Ingress changed");

        world.services.remove("a/s3");
        IncrementalCompiler.Result gone = incremental.compile(world.snapshot(), OPTIONS, null);
        assertThat(gone.kind()).isEqualTo(IncrementalCompiler.Kind.INCREMENTAL);
        assertThat(gone.objects()).isEqualTo(1);
        assertSame(gone.compilation(), Compiler.compile(world.snapshot(), OPTIONS), "one Service removed");
    }

    @Test
    void twoObjectsOfOneNameCompileAsAFullCompilationDoes() {
        World world = new World();
        for (int i = 0; i < 40; i++) {
            world.services.put("a/s" + i, Fixtures.service("a", "s" + i).port("http", 80, 8080).build());
            world.slices.put("a/s" + i, Fixtures.endpointSlice("a", "s" + i + "-0", "s" + i).port("http", 8080)
                    .endpoint("10.0.0." + (i + 1)).build());
            world.ingresses.put("a/i" + i, Fixtures.ingress("a", "i" + i).host("h" + i + ".example.com")
                    .prefix("/", "s" + i, 80).build());
        }
        IncrementalCompiler incremental = new IncrementalCompiler();
        incremental.compile(world.snapshot(), OPTIONS, null);
        // two files of a folder may hold one object twice: the first counts, whatever the compiler did before
        ClusterSnapshot twice = world.snapshot();
        List<Ingress> ingresses = new ArrayList<>(twice.ingresses());
        ingresses.add(0, Fixtures.ingress("a", "i3").host("h3.example.com").prefix("/", "s4", 80).build());
        List<EndpointSlice> slices = new ArrayList<>(twice.endpointSlices());
        slices.add(Fixtures.endpointSlice("a", "s5-0", "s5").port("http", 8080).endpoint("10.9.9.9").build());
        ClusterSnapshot duplicated = new ClusterSnapshot(ingresses, List.of(), twice.services(), slices,
                twice.secrets(), twice.routes());
        IncrementalCompiler.Result result = incremental.compile(duplicated, OPTIONS, null);
        assertThat(result.kind()).isEqualTo(IncrementalCompiler.Kind.FULL);
        assertThat(result.reason()).isEqualTo("two objects share a name");
        assertSame(result.compilation(), Compiler.compile(duplicated, OPTIONS), "one object twice");

        // and back to one of each: a full compilation again (the index was made anew), then incremental ones
        IncrementalCompiler.Result back = incremental.compile(world.snapshot(), OPTIONS, null);
        assertThat(back.kind()).isEqualTo(IncrementalCompiler.Kind.FULL);
        assertSame(back.compilation(), Compiler.compile(world.snapshot(), OPTIONS), "one of each again");
        world.ingresses.put("a/i9", Fixtures.ingress("a", "i9").host("h9.example.com").prefix("/", "s1", 80).build());
        IncrementalCompiler.Result changed = incremental.compile(world.snapshot(), OPTIONS, null);
        assertThat(changed.kind()).isEqualTo(IncrementalCompiler.Kind.INCREMENTAL);
        assertSame(changed.compilation(), Compiler.compile(world.snapshot(), OPTIONS), "one Ingress changed");
    }

    /** Replaces some objects by copies of equal content (other instances, no uid or resource version). */
    private static void reparse(World w, Random r) {
        w.ingresses.replaceAll((k, v) -> r.nextBoolean() ? new io.fabric8.kubernetes.api.model.networking.v1
                .IngressBuilder(v).build() : v);
        w.services.replaceAll((k, v) -> r.nextBoolean() ? new io.fabric8.kubernetes.api.model.ServiceBuilder(v)
                .build() : v);
        w.slices.replaceAll((k, v) -> r.nextBoolean() ? new io.fabric8.kubernetes.api.model.discovery.v1
                .EndpointSliceBuilder(v).build() : v);
        w.secrets.replaceAll((k, v) -> r.nextBoolean() ? new SecretBuilder(v).build() : v);
    }

    private static void assertSame(Compilation actual, Compilation expected, String where) {
        RoutingTable a = actual.table();
        RoutingTable e = expected.table();
        Map<String, List<String>> ah = hosts(a);
        Map<String, List<String>> eh = hosts(e);
        for (String h : new java.util.TreeSet<>(eh.keySet())) {
            assertThat(ah.get(h)).as("routes of host %s, %s", h, where).isEqualTo(eh.get(h));
        }
        assertThat(ah.keySet()).as("hosts, %s", where).isEqualTo(eh.keySet());
        assertThat(a.virtualHosts()).as("virtual hosts, %s", where).isEqualTo(e.virtualHosts());
        assertThat(a.clusters()).as("clusters, %s", where).isEqualTo(e.clusters());
        assertThat(a.certificates()).as("certificates, %s", where).isEqualTo(e.certificates());
        assertThat(a.l4Routes()).as("L4, %s", where).isEqualTo(e.l4Routes());
        assertThat(a.hash()).as("hash, %s", where).isEqualTo(e.hash());
        assertThat(actual.diagnostics()).as("diagnostics, %s", where)
                .containsExactlyInAnyOrderElementsOf(expected.diagnostics());
        assertThat(actual.routeStatuses()).as("Route statuses, %s", where).isEqualTo(expected.routeStatuses());
    }

    /** Each host's routes, by name and source, to show a difference briefly. */
    private static Map<String, List<String>> hosts(RoutingTable t) {
        Map<String, List<String>> out = new TreeMap<>();
        t.virtualHosts().forEach(v -> out.put(v.hostname(), v.routes().stream()
                .map(r -> r.name() + " " + r.action().getClass().getSimpleName()).toList()));
        return out;
    }

    /** Adds, replaces or removes one random object. */
    private static void mutate(World w, Random r) {
        String ns = NAMESPACES[r.nextInt(NAMESPACES.length)];
        boolean remove = r.nextInt(4) == 0;
        switch (r.nextInt(6)) {
            case 0, 1 -> {
                String name = ns + "/i" + r.nextInt(8);
                if (remove) {
                    w.ingresses.remove(name);
                } else {
                    w.ingresses.put(name, ingress(ns, name.substring(ns.length() + 1), r));
                }
            }
            case 2 -> {
                String name = ns + "/r" + r.nextInt(4);
                if (remove) {
                    w.routes.remove(name);
                } else {
                    w.routes.put(name, route(ns, name.substring(ns.length() + 1), r));
                }
            }
            case 3 -> {
                String svc = "s" + r.nextInt(4);
                if (remove) {
                    w.services.remove(ns + "/" + svc);
                } else {
                    var f = Fixtures.service(ns, svc).port(r.nextInt(5) == 0 ? "web" : "http", 80,
                            8080 + r.nextInt(2));
                    w.services.put(ns + "/" + svc, f.build());
                }
            }
            case 4 -> {
                String svc = "s" + r.nextInt(4);
                String name = svc + "-" + r.nextInt(2);
                if (remove) {
                    w.slices.remove(ns + "/" + name);
                } else {
                    var f = Fixtures.endpointSlice(ns, name, svc).port("http", 8080);
                    for (int e = 0; e <= r.nextInt(3); e++) {
                        f.endpoint("10." + r.nextInt(3) + ".0." + (1 + r.nextInt(4)));
                    }
                    w.slices.put(ns + "/" + name, f.build());
                }
            }
            default -> {
                String name = "t" + r.nextInt(3);
                if (remove) {
                    w.secrets.remove(ns + "/" + name);
                } else {
                    w.secrets.put(ns + "/" + name, secret(ns, name, r));
                }
            }
        }
    }

    private static Secret secret(String ns, String name, Random r) {
        SecretBuilder b = new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata();
        switch (r.nextInt(5)) {
            case 0 -> b.withType("kubernetes.io/tls").addToStringData("tls.crt", WILDCARD.chainPem())
                    .addToStringData("tls.key", WILDCARD.keyPem()).addToStringData("ca.crt", PKI.caPem());
            case 1, 2 -> b.withType("kubernetes.io/tls").addToStringData("tls.crt", PAIR.chainPem())
                    .addToStringData("tls.key", PAIR.keyPem());
            case 3 -> b.withType("Opaque").addToStringData("ca.crt", PKI.caPem());
            default -> b.withType("kubernetes.io/tls").addToStringData("tls.crt", "garbage")
                    .addToStringData("tls.key", WILDCARD.keyPem());
        }
        return b.build();
    }

    private static String created(Random r) {
        return "2026-0" + (1 + r.nextInt(3)) + "-01T00:00:00Z";
    }

    private static String host(Random r) {
        return HOSTS[r.nextInt(HOSTS.length)];
    }

    private static Ingress ingress(String ns, String name, Random r) {
        IngressFixture f = Fixtures.ingress(ns, name).created(created(r));
        int kind = r.nextInt(80);
        if (kind == 0) {
            f.annotation("nginx.ingress.kubernetes.io/canary", "true")
                    .annotation("nginx.ingress.kubernetes.io/canary-weight", "30");
        } else if (kind == 1) {
            f.className("someone-else");
        } else if (kind < 4) {
            f.defaultBackend("s" + r.nextInt(4), 80);
        }
        if (r.nextInt(8) == 0) {
            f.annotation("nginx.ingress.kubernetes.io/backend-protocol", "GRPC");
        }
        if (r.nextInt(8) == 0) {
            f.annotation("nginx.ingress.kubernetes.io/auth-tls-secret", ns + "/t" + r.nextInt(3));
        }
        for (int rule = 0; rule <= r.nextInt(2); rule++) {
            String host = host(r);
            if (host.isEmpty()) {
                f.anyHost();
            } else {
                f.host(host);
            }
            for (int p = 0; p <= r.nextInt(2); p++) {
                String service = "s" + r.nextInt(4);
                String path = PATHS[r.nextInt(PATHS.length)];
                switch (r.nextInt(4)) {
                    case 0 -> f.exact(path, service, 80);
                    case 1 -> f.prefix(path, service, "http");
                    default -> f.prefix(path, service, 80);
                }
            }
        }
        if (r.nextInt(3) == 0) {
            String a = host(r);
            String b = host(r);
            f.tls("t" + r.nextInt(3), a.isEmpty() ? "h0.example.com" : a, b.isEmpty() ? "h1.example.com" : b);
        }
        return f.build();
    }

    private static dev.breakwater.operator.crd.Route route(String ns, String name, Random r) {
        RouteFixture f = Fixtures.route(ns, name).created(created(r));
        String a = host(r);
        String b = host(r);
        if (!a.isEmpty()) {
            f.hostnames(b.isEmpty() ? new String[] {a} : new String[] {a, b});
        }
        if (r.nextInt(4) == 0) {
            f.tls("t" + r.nextInt(3), tls -> { });
        }
        for (int rule = 0; rule <= r.nextInt(2); rule++) {
            f.rule();
            if (r.nextBoolean()) {
                f.prefix(PATHS[r.nextInt(PATHS.length)]);
                if (r.nextInt(3) == 0) {
                    f.header("x-canary", "1");
                }
            }
            f.backend("s" + r.nextInt(4), 80);
            if (r.nextInt(3) == 0) {
                f.backend("s" + r.nextInt(4), "http", 1 + r.nextInt(3));
            }
        }
        return f.build();
    }
}
