package dev.breakwater.operator.compile;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Each Gateway's own Service: where the operator puts, for every Gateway of ours, a Service selecting the data planes,
 * whose ports are the Gateway's listener ports and whose target ports are data-plane ports of that Gateway alone
 * (taken from {@code firstPort} on), so that the Gateway's address serves its own listeners and routes only. The
 * Gateway's {@code status.addresses} are that Service's.
 *
 * @param namespace the data planes' namespace, where the Services are made (a Service selects pods of its own)
 * @param selector  the labels of the data-plane pods
 * @param type      {@code ClusterIP}, {@code NodePort} or {@code LoadBalancer}
 * @param firstPort the first data-plane port given to a Gateway's listener port, 1024-65535
 * @param ports     how many ports from {@code firstPort} on may be given, at least 1
 */
public record GatewayServices(String namespace, Map<String, String> selector, String type, int firstPort, int ports) {

    static final Set<String> TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer");

    public GatewayServices {
        Objects.requireNonNull(namespace, "namespace");
        selector = Map.copyOf(selector);
        if (selector.isEmpty()) {
            throw new IllegalArgumentException("selector: empty (expected: the data-plane pods' labels)");
        }
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("type: " + type + " (expected: ClusterIP, NodePort or LoadBalancer)");
        }
        if (firstPort < 1024 || firstPort > 65535) {
            throw new IllegalArgumentException("firstPort: " + firstPort + " (expected: 1024-65535)");
        }
        if (ports < 1 || firstPort + ports - 1 > 65535) {
            throw new IllegalArgumentException("ports: " + ports + " (expected: 1-" + (65536 - firstPort) + ")");
        }
    }
}
