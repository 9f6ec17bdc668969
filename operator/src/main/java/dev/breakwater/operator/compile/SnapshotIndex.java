package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The objects of one snapshot by name, to tell what changed since another ({@link IncrementalCompiler}). Two
 * versions of an object are the same when they are one instance, carry the same uid and resource version (an API
 * server's cache), or have equal content (local mode, which parses its files again).
 */
final class SnapshotIndex {

    /**
     * What changed between two snapshots.
     *
     * @param objects  Ingresses and Routes added, changed or removed, as {@code Kind/namespace/name}
     * @param services Services whose Service or EndpointSlices changed, as {@code namespace/name}
     * @param secrets  Secrets changed, as {@code namespace/name}
     */
    record Changes(Set<String> objects, Set<String> services, Set<String> secrets) {
    }

    private final ClusterSnapshot snapshot;
    private final Map<String, HasMetadata> objects = new HashMap<>();
    private final Map<String, HasMetadata> services = new HashMap<>();
    private final Map<String, HasMetadata> slices = new HashMap<>();
    private final Map<String, HasMetadata> secrets = new HashMap<>();

    SnapshotIndex(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
        for (Ingress i : snapshot.ingresses()) {
            if (IncrementalCompiler.named(i)) {
                objects.putIfAbsent(Compiler.traceName(i), i);
            }
        }
        for (dev.breakwater.operator.crd.Route r : snapshot.routes()) {
            if (IncrementalCompiler.named(r)) {
                objects.putIfAbsent(Compiler.traceName(r), r);
            }
        }
        for (Service s : snapshot.services()) {
            if (s.getMetadata() != null) {
                // as BackendResolver names a Service
                services.putIfAbsent(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
            }
        }
        for (EndpointSlice s : snapshot.endpointSlices()) {
            if (s.getMetadata() != null) {
                slices.putIfAbsent(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
            }
        }
        for (Secret s : snapshot.secrets()) {
            if (s.getMetadata() != null && s.getMetadata().getName() != null) {
                // as TlsSecrets names a Secret
                String ns = s.getMetadata().getNamespace() == null ? "default" : s.getMetadata().getNamespace();
                secrets.putIfAbsent(ns + "/" + s.getMetadata().getName(), s);
            }
        }
    }

    int objectCount() {
        return objects.size();
    }

    boolean hasObject(String name) {
        return objects.containsKey(name);
    }

    HasMetadata object(String name) {
        return objects.get(name);
    }

    /** This snapshot with only {@code ours} as its Ingresses and Routes. */
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

    /** True when {@code other} has the same IngressClasses and ConfigMaps as this one. */
    boolean sameClassesAndConfigMaps(SnapshotIndex other) {
        return sameList(snapshot.ingressClasses(), other.snapshot.ingressClasses())
                && sameList(snapshot.configMaps(), other.snapshot.configMaps());
    }

    /** What changed from this snapshot to {@code now}. */
    Changes changes(SnapshotIndex now) {
        Set<String> changedObjects = changed(objects, now.objects);
        Set<String> changedServices = changed(services, now.services);
        for (String slice : changed(slices, now.slices)) {
            addService(slices.get(slice), changedServices);
            addService(now.slices.get(slice), changedServices);
        }
        return new Changes(changedObjects, changedServices, changed(secrets, now.secrets));
    }

    private static void addService(HasMetadata slice, Set<String> out) {
        Map<String, String> labels = slice == null ? null : slice.getMetadata().getLabels();
        String service = labels == null ? null : labels.get(BackendResolver.SERVICE_NAME_LABEL);
        if (service != null) {
            out.add(slice.getMetadata().getNamespace() + "/" + service);
        }
    }

    private static Set<String> changed(Map<String, HasMetadata> before, Map<String, HasMetadata> after) {
        Set<String> out = new HashSet<>();
        before.forEach((k, v) -> {
            if (!same(v, after.get(k))) {
                out.add(k);
            }
        });
        after.keySet().forEach(k -> {
            if (!before.containsKey(k)) {
                out.add(k);
            }
        });
        return out;
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
