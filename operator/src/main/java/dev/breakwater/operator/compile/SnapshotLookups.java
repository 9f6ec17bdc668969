package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot's Services, EndpointSlices and Secrets by name, as {@link BackendResolver} and {@link TlsSecrets} look
 * them up: made from the lists for one compilation ({@link #of}), or kept from snapshot to snapshot by
 * {@link SnapshotIndex} so that an incremental compilation does not index every object again. Read only.
 *
 * @param services        Services by {@code namespace/name} (the first of a name)
 * @param slicesByService EndpointSlices by the {@code namespace/name} of the Service they are labelled with, each
 *                        list ordered by slice name
 * @param secrets         Secrets by {@code namespace/name} (namespace {@code default} when they name none; the first
 *                        of a name)
 */
record SnapshotLookups(Map<String, Service> services, Map<String, List<EndpointSlice>> slicesByService,
                       Map<String, Secret> secrets) {

    static final Comparator<EndpointSlice> SLICE_ORDER =
            Comparator.comparing(s -> Objects.toString(s.getMetadata().getName(), ""));

    /** The lookups of {@code snapshot}, made from its lists. */
    static SnapshotLookups of(ClusterSnapshot snapshot) {
        return of(snapshot.services(), snapshot.endpointSlices(), snapshot.secrets());
    }

    static SnapshotLookups of(List<Service> services, List<EndpointSlice> slices, List<Secret> secrets) {
        Map<String, Service> byName = new HashMap<>();
        for (Service service : services) {
            String name = serviceName(service);
            if (name != null) {
                byName.putIfAbsent(name, service);
            }
        }
        Map<String, List<EndpointSlice>> byService = new HashMap<>();
        for (EndpointSlice slice : slices) {
            String service = serviceOf(slice);
            if (service != null) {
                byService.computeIfAbsent(service, k -> new ArrayList<>()).add(slice);
            }
        }
        byService.values().forEach(list -> list.sort(SLICE_ORDER));
        Map<String, Secret> secretsByName = new HashMap<>();
        for (Secret s : secrets) {
            String name = secretName(s);
            if (name != null) {
                secretsByName.putIfAbsent(name, s);
            }
        }
        return new SnapshotLookups(byName, byService, secretsByName);
    }

    /** {@code namespace/name} of a Service, or null. */
    static String serviceName(Service service) {
        return service.getMetadata() == null ? null
                : service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    }

    /** {@code namespace/name} of an EndpointSlice, or null. */
    static String sliceName(EndpointSlice slice) {
        return slice.getMetadata() == null ? null
                : slice.getMetadata().getNamespace() + "/" + slice.getMetadata().getName();
    }

    /** {@code namespace/name} of the Service an EndpointSlice is labelled with, or null. */
    static String serviceOf(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
        String service = labels == null ? null : labels.get(BackendResolver.SERVICE_NAME_LABEL);
        return service == null ? null : slice.getMetadata().getNamespace() + "/" + service;
    }

    /** {@code namespace/name} of a Secret (namespace {@code default} when it names none), or null. */
    static String secretName(Secret s) {
        if (s.getMetadata() == null || s.getMetadata().getName() == null) {
            return null;
        }
        String ns = s.getMetadata().getNamespace() == null ? "default" : s.getMetadata().getNamespace();
        return ns + "/" + s.getMetadata().getName();
    }
}
