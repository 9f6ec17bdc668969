package dev.breakwater.operator.publish;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/** The watched objects as they are now: informer caches in a cluster, plain lists in tests. */
public interface ClusterView {

    /** Every watched object: the full compiler's input. */
    ClusterSnapshot snapshot();

    /** The Service {@code namespace/name}, or null. */
    Service service(String namespace, String name);

    /** The EndpointSlices labelled {@code kubernetes.io/service-name: service} in {@code namespace}. */
    List<EndpointSlice> endpointSlices(String namespace, String service);
}
