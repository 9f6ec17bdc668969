package dev.breakwater.operator.status;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Computes the Ingress status addresses from what an {@link AddressSource} points at. Pure. */
public final class StatusAddresses {

    private StatusAddresses() {
    }

    /** A LoadBalancer Service's addresses, sorted; empty while it has none (or does not exist). */
    public static List<LoadBalancerAddress> ofService(Service service) {
        if (service == null || service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        TreeSet<LoadBalancerAddress> out = new TreeSet<>();
        for (LoadBalancerIngress lb : service.getStatus().getLoadBalancer().getIngress()) {
            boolean hasIp = lb.getIp() != null && !lb.getIp().isEmpty();
            boolean hasName = lb.getHostname() != null && !lb.getHostname().isEmpty();
            if (hasIp || hasName) {
                out.add(LoadBalancerAddress.of(lb));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The addresses of the nodes that run {@code pods} (those scheduled and not finished or being deleted): a
     * node's ExternalIPs when it has any, else its InternalIPs; sorted, without duplicates.
     */
    public static List<LoadBalancerAddress> ofNodes(List<Pod> pods, List<Node> nodes) {
        Map<String, Node> byName = new HashMap<>();
        for (Node node : nodes) {
            if (node.getMetadata() != null) {
                byName.put(node.getMetadata().getName(), node);
            }
        }
        TreeSet<LoadBalancerAddress> out = new TreeSet<>();
        for (Pod pod : pods) {
            if (pod.getSpec() == null || pod.getSpec().getNodeName() == null
                    || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            Node node = byName.get(pod.getSpec().getNodeName());
            if (node == null || node.getStatus() == null || node.getStatus().getAddresses() == null) {
                continue;
            }
            List<String> external = new ArrayList<>();
            List<String> internal = new ArrayList<>();
            for (NodeAddress a : node.getStatus().getAddresses()) {
                if ("ExternalIP".equals(a.getType())) {
                    external.add(a.getAddress());
                } else if ("InternalIP".equals(a.getType())) {
                    internal.add(a.getAddress());
                }
            }
            for (String ip : external.isEmpty() ? internal : external) {
                if (ip != null && LoadBalancerAddress.isIp(ip)) {
                    out.add(new LoadBalancerAddress(ip, null, List.of()));
                }
            }
        }
        return List.copyOf(out);
    }
}
