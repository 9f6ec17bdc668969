package dev.breakwater.operator.watch;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Points the push channel's Service at the leader. The Service has no selector; its one EndpointSlice,
 * {@code <service>-leader}, is written by each new leader with its own pod IP, so data planes that connect (or
 * reconnect, after a failover) through the Service reach the leader and only it. Standby replicas stay Ready
 * (their readiness means "caches synced"), so Deployment rollouts are not held up by replicas that do not lead.
 *
 * @param namespace the operator's namespace (the Service's)
 * @param service   the channel Service's name
 * @param podIp     this replica's pod IP
 * @param port      the channel's port on the pod
 */
public record LeaderEndpoint(String namespace, String service, String podIp, int port) {

    static final String MANAGED_BY = "operator.breakwater.dev"; // a label value: no "/"

    public LeaderEndpoint {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(podIp, "podIp");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    /** The slice naming this replica, written by server-side apply (field manager {@code fieldManager}). */
    public void claim(KubernetesClient client, String fieldManager, String podName) {
        client.resource(slice(podName)).fieldManager(fieldManager).forceConflicts().serverSideApply();
    }

    EndpointSlice slice(String podName) {
        EndpointSlice slice = new EndpointSlice();
        slice.setApiVersion("discovery.k8s.io/v1");
        slice.setKind("EndpointSlice");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(service + "-leader");
        meta.setNamespace(namespace);
        meta.setLabels(Map.of("kubernetes.io/service-name", service,
                "endpointslice.kubernetes.io/managed-by", MANAGED_BY));
        slice.setMetadata(meta);
        slice.setAddressType(podIp.indexOf(':') >= 0 ? "IPv6" : "IPv4");
        Endpoint endpoint = new Endpoint();
        endpoint.setAddresses(List.of(podIp));
        EndpointConditions conditions = new EndpointConditions();
        conditions.setReady(true);
        conditions.setServing(true);
        conditions.setTerminating(false);
        endpoint.setConditions(conditions);
        if (podName != null) {
            io.fabric8.kubernetes.api.model.ObjectReference target = new io.fabric8.kubernetes.api.model.ObjectReference();
            target.setKind("Pod");
            target.setName(podName);
            target.setNamespace(namespace);
            endpoint.setTargetRef(target);
        }
        slice.setEndpoints(List.of(endpoint));
        EndpointPort port = new EndpointPort();
        port.setName("channel");
        port.setPort(this.port);
        port.setProtocol("TCP");
        slice.setPorts(List.of(port));
        return slice;
    }
}
