package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The objects of the latest snapshot by name, brought up to date from snapshot to snapshot in place
 * ({@link #update}), telling what changed ({@link IncrementalCompiler}); and the lookups of Services, EndpointSlices
 * and Secrets a compilation of that snapshot uses ({@link #lookups}), kept rather than made again. Two versions of
 * an object are the same when they are one instance (costing a lookup by identity: informers and local mode keep the
 * instances of unchanged objects), carry the same uid and resource version (an API server's cache), or have equal
 * content (local mode, which parses a changed file again).
 */
final class SnapshotIndex {

    /**
     * What changed since the previous snapshot.
     *
     * @param objects             Ingresses and Routes added, changed or removed, as {@code Kind/namespace/name}
     * @param services            Services whose Service or EndpointSlices changed, as {@code namespace/name}
     * @param secrets             Secrets changed, as {@code namespace/name}
     * @param classesOrConfigMaps whether the IngressClasses or ConfigMaps changed
     */
    record Changes(Set<String> objects, Set<String> services, Set<String> secrets, boolean classesOrConfigMaps) {
    }

    private ClusterSnapshot snapshot;
    private final NamedObjects<HasMetadata> objects = new NamedObjects<>(SnapshotIndex::objectName,
            SnapshotIndex::same);
    private final NamedObjects<Service> services = new NamedObjects<>(SnapshotLookups::serviceName,
            SnapshotIndex::same);
    private final NamedObjects<EndpointSlice> slices = new NamedObjects<>(SnapshotLookups::sliceName,
            SnapshotIndex::same);
    private final NamedObjects<Secret> secrets = new NamedObjects<>(SnapshotLookups::secretName, SnapshotIndex::same);
    private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
    private final SnapshotLookups lookups = new SnapshotLookups(services.byName(),
            Collections.unmodifiableMap(slicesByService), secrets.byName());

    /**
     * Makes {@code next} the indexed snapshot.
     *
     * @return what changed since the snapshot indexed before (everything, for the first); null when two objects of
     *         one kind share a name in {@code next}: this index is then unusable (a new one must be made)
     */
    Changes update(ClusterSnapshot next) {
        Set<String> changedObjects = new HashSet<>();
        Set<String> changedServices = new HashSet<>();
        Set<String> changedSlices = new HashSet<>();
        Set<String> changedSecrets = new HashSet<>();
        List<HasMetadata> ours = new ArrayList<>(next.ingresses().size() + next.routes().size());
        ours.addAll(next.ingresses());
        ours.addAll(next.routes());
        boolean unique = objects.update(ours, changedObjects, null)
                && services.update(next.services(), changedServices, null)
                && slices.update(next.endpointSlices(), changedSlices, (name, before, after, same) -> {
                    // the lists hold the very instances of the snapshot, so that the next replacement finds them
                    if (before != null) {
                        removeSlice(before, same ? null : changedServices);
                    }
                    if (after != null) {
                        addSlice(after, same ? null : changedServices);
                    }
                })
                && secrets.update(next.secrets(), changedSecrets, null);
        if (!unique) {
            return null;
        }
        boolean classes = snapshot == null || !sameList(snapshot.ingressClasses(), next.ingressClasses())
                || !sameList(snapshot.configMaps(), next.configMaps());
        snapshot = next;
        return new Changes(changedObjects, changedServices, changedSecrets, classes);
    }

    /** Takes {@code slice} out of its Service's list; {@code changedServices} (may be null) is told its Service. */
    private void removeSlice(EndpointSlice slice, Set<String> changedServices) {
        String service = SnapshotLookups.serviceOf(slice);
        if (service == null) {
            return;
        }
        if (changedServices != null) {
            changedServices.add(service);
        }
        List<EndpointSlice> list = slicesByService.get(service);
        if (list != null) {
            list.removeIf(s -> s == slice);
            if (list.isEmpty()) {
                slicesByService.remove(service);
            }
        }
    }

    private void addSlice(EndpointSlice slice, Set<String> changedServices) {
        String service = SnapshotLookups.serviceOf(slice);
        if (service == null) {
            return;
        }
        if (changedServices != null) {
            changedServices.add(service);
        }
        List<EndpointSlice> list = slicesByService.computeIfAbsent(service, k -> new ArrayList<>(1));
        list.add(slice);
        list.sort(SnapshotLookups.SLICE_ORDER);
    }

    /** The lookups of the snapshot indexed (read only; they change with the next {@link #update}). */
    SnapshotLookups lookups() {
        return lookups;
    }

    int objectCount() {
        return objects.size();
    }

    boolean hasObject(String name) {
        return objects.byName().containsKey(name);
    }

    HasMetadata object(String name) {
        return objects.byName().get(name);
    }

    /** The snapshot indexed with only {@code ours} as its Ingresses and Routes. */
    ClusterSnapshot subset(List<HasMetadata> ours) {
        List<Ingress> ingresses = new ArrayList<>();
        List<dev.breakwater.operator.crd.Route> routes = new ArrayList<>();
        for (HasMetadata o : ours) {
            if (o instanceof Ingress i) {
                ingresses.add(i);
            } else {
                routes.add((dev.breakwater.operator.crd.Route) o);
            }
        }
        return new ClusterSnapshot(ingresses, snapshot.ingressClasses(), snapshot.services(),
                snapshot.endpointSlices(), snapshot.secrets(), routes, snapshot.configMaps());
    }

    private static String objectName(HasMetadata object) {
        return IncrementalCompiler.named(object) ? Compiler.traceName(object) : null;
    }

    private static <T extends HasMetadata> boolean sameList(List<T> a, List<T> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!same(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean same(HasMetadata a, HasMetadata b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        String va = a.getMetadata() == null ? null : a.getMetadata().getResourceVersion();
        String vb = b.getMetadata() == null ? null : b.getMetadata().getResourceVersion();
        String ua = a.getMetadata() == null ? null : a.getMetadata().getUid();
        String ub = b.getMetadata() == null ? null : b.getMetadata().getUid();
        if (va != null && ua != null && va.equals(vb) && ua.equals(ub)) {
            return true;
        }
        return Objects.equals(a, b);
    }
}
