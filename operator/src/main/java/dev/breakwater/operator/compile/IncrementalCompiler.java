package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compiles snapshot after snapshot, recompiling only what a change can reach, with the same result as a full
 * {@link Compiler#compile} of each snapshot (tested against it over random changes).
 *
 * <p>Objects are compared with those of the previous snapshot ({@link SnapshotIndex}: the same instance, the same
 * uid and resource version, or equal content). The Ingresses and Routes that changed, and those that looked up a
 * Service, EndpointSlice or Secret that changed ({@link DependencyIndex}, from the {@link CompileTrace} of earlier
 * compilations), are the seeds. With them go every object that touches a host a seed touched, before or now, and
 * the objects that take part in choosing the cluster default backend, until no new host turns up; those objects
 * alone are compiled, against the whole snapshot's Services and Secrets (looked up in the index, which is brought
 * up to date in place rather than made again), and their hosts, clusters, certificates, diagnostics and Route
 * statuses replace those of the previous compilation ({@link TableSplice}, merging in host and cluster order, with
 * {@link ClusterUsers} telling which clusters are still used). Objects keep their relative age, so every claim is
 * decided as in a full compilation.
 *
 * <p>A full compilation runs instead for the first snapshot, when the options (but the clock) or the
 * IngressClasses or ConfigMaps changed, when a certificate held became valid or expired since, when the previous
 * table has canary Ingresses or L4 routes (which span hosts), when a seed chooses the cluster default, when more
 * than a quarter of the objects are seeds, when two objects of one kind share a name, and once every {@value #FULL_EVERY} incremental compilations (which
 * forgets Secret contents no longer used). Not thread-safe: one compiling thread.
 */
public final class IncrementalCompiler {

    /** Incremental compilations between two full ones. */
    static final int FULL_EVERY = 1000;

    private boolean lastHadGatewayApi;

    /** How a snapshot was compiled. */
    public enum Kind {
        /** Every object compiled. */
        FULL,
        /** Only the objects a change reaches. */
        INCREMENTAL,
        /** Nothing changed: the previous compilation. */
        UNCHANGED
    }

    /**
     * One compilation.
     *
     * @param compilation what the snapshot compiles to
     * @param kind        how it was compiled
     * @param objects     the Ingresses and Routes compiled
     * @param reason      why a full compilation ran, or null
     */
    public record Result(Compilation compilation, Kind kind, int objects, String reason) {
    }

    private final SecretChecks checks;
    private CompilerOptions options;
    private Compilation last;
    private SnapshotIndex index = new SnapshotIndex();
    /** The index lost track (two objects shared a name): the next compilation is a full one. */
    private boolean indexReset;
    private DependencyIndex dependencies;
    private ClusterUsers clusterUsers;
    private int sinceFull;

    /** Checking Secrets with {@code checks}, shared with whoever else compiles (may be a fresh one). */
    public IncrementalCompiler(SecretChecks checks) {
        this.checks = Objects.requireNonNull(checks, "checks");
    }

    public IncrementalCompiler() {
        this(new SecretChecks());
    }

    /**
     * Compiles {@code snapshot}; {@code previous} is the table served so far (a Secret that turned bad keeps its
     * certificate from it), may be null.
     */
    public Result compile(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(options, "options");
        SnapshotIndex.Changes changes = index.update(snapshot);
        if (changes == null) {
            // two objects of one kind share a name: the first of them counts, as in any full compilation
            index = new SnapshotIndex();
            lastHadGatewayApi = !snapshot.gatewayApi().isEmpty();
            Result result = full(snapshot, options, previous, "two objects share a name",
                    SnapshotLookups.of(snapshot));
            indexReset = true;
            return result;
        }
        // Gateway API objects reach across namespaces (parentRefs, allowedRoutes, ReferenceGrants): every snapshot
        // that holds any, or follows one that did, is compiled whole
        boolean gatewayApi = !snapshot.gatewayApi().isEmpty() || lastHadGatewayApi;
        lastHadGatewayApi = !snapshot.gatewayApi().isEmpty();
        String reason = gatewayApi ? "Gateway API objects" : fullReason(changes, options);
        if (reason != null) {
            return full(snapshot, options, previous, reason);
        }
        Set<String> seeds = new HashSet<>(changes.objects());
        changes.services().forEach(s -> seeds.addAll(dependencies.usersOfService(s)));
        changes.secrets().forEach(s -> seeds.addAll(dependencies.usersOfSecret(s)));
        if (seeds.isEmpty()) {
            this.options = options;
            return new Result(last, Kind.UNCHANGED, 0, null);
        }
        if (seeds.size() > Math.max(16, index.objectCount() / 4)) {
            return full(snapshot, options, previous, seeds.size() + " objects changed");
        }
        for (String seed : seeds) {
            if (dependencies.global(seed)) {
                return full(snapshot, options, previous, seed + " takes part in the cluster default backend");
            }
        }
        Set<String> hosts = new HashSet<>();
        seeds.forEach(s -> hosts.addAll(dependencies.hostsOf(s)));
        Set<String> compiled = new HashSet<>();
        seeds.stream().filter(index::hasObject).forEach(compiled::add);
        compiled.addAll(dependencies.globals());
        for (int round = 0; ; round++) {
            hosts.forEach(h -> dependencies.usersOfHost(h).stream().filter(index::hasObject).forEach(compiled::add));
            List<HasMetadata> subset = new ArrayList<>();
            compiled.forEach(name -> subset.add(index.object(name)));
            CompileTrace trace = new CompileTrace();
            Compilation part = Compiler.compile(index.subset(subset), options, previous, checks, trace, false,
                    index.lookups());
            Set<String> touched = new HashSet<>();
            boolean newGlobal = false;
            for (String name : compiled) {
                CompileTrace.Touched t = trace.byObject().get(name);
                if (t != null) {
                    touched.addAll(t.hosts);
                    newGlobal |= t.clusterDefault && !dependencies.global(name);
                }
            }
            if (trace.hadCanaries() || newGlobal || !part.table().l4Routes().isEmpty()) {
                return full(snapshot, options, previous, trace.hadCanaries() ? "canary Ingresses"
                        : newGlobal ? "a new object takes part in the cluster default backend" : "L4 routes");
            }
            if (hosts.containsAll(touched)) {
                Compilation spliced = TableSplice.splice(last, part, hosts, compiled, seeds, snapshot, clusterUsers);
                if (spliced == null) {
                    return full(snapshot, options, previous, "a host compiled outside the hosts reached");
                }
                dependencies.replace(seeds, compiled, trace);
                this.options = options;
                last = spliced;
                sinceFull++;
                return new Result(spliced, Kind.INCREMENTAL, compiled.size(), null);
            }
            if (round == 8) {
                return full(snapshot, options, previous, "changes reach too far");
            }
            hosts.addAll(touched);
        }
    }

    private String fullReason(SnapshotIndex.Changes changes, CompilerOptions options) {
        if (last == null || indexReset) {
            return "first compilation";
        }
        if (!this.options.at(null).equals(options.at(null))) {
            return "options changed";
        }
        if (sinceFull >= FULL_EVERY) {
            return FULL_EVERY + " incremental compilations since the last full one";
        }
        if (changes.classesOrConfigMaps()) {
            return "IngressClasses or ConfigMaps changed";
        }
        if (dependencies.canaries()) {
            return "canary Ingresses";
        }
        if (!last.table().l4Routes().isEmpty()) {
            return "L4 routes";
        }
        if (checks.validityChanged(this.options.now(), options.now())) {
            return "a certificate became valid or expired";
        }
        return null;
    }

    private Result full(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous, String reason) {
        return full(snapshot, options, previous, reason, index.lookups());
    }

    private Result full(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous, String reason,
                        SnapshotLookups lookups) {
        CompileTrace trace = new CompileTrace();
        Compilation compilation = Compiler.compile(snapshot, options, previous, checks, trace, true, lookups);
        dependencies = new DependencyIndex(trace);
        clusterUsers = new ClusterUsers(compilation.table());
        this.options = options;
        last = compilation;
        sinceFull = 0;
        indexReset = false;
        return new Result(compilation, Kind.FULL, trace.byObject().size(), reason);
    }

    /** The name {@link CompileTrace} and diagnostics give {@code object}. */
    static String name(HasMetadata object) {
        return object instanceof Ingress || object instanceof dev.breakwater.operator.crd.Route
                ? Compiler.traceName(object) : null;
    }

    static boolean named(HasMetadata object) {
        return object.getMetadata() != null && object.getMetadata().getName() != null;
    }

    static Map<String, CompileTrace.Touched> touched(CompileTrace trace) {
        return trace.byObject();
    }
}
