package dev.breakwater.routing;

import java.util.List;
import java.util.Objects;

/**
 * Where an L4 connection (or UDP session) goes: one of the backends, chosen by weight, then one of that
 * cluster's endpoints by the policy's balancer. Gateway API's TCPRoute, UDPRoute and TLSRoute rules map to one
 * each (their {@code backendRefs} to {@code backends}).
 *
 * @param name     unique within the table, e.g. {@code tcp/9000}; names the route in metrics and logs
 * @param source   the object it was compiled from, as {@code Kind/namespace/name} (null when none)
 * @param backends at least one cluster with its share (weight 0: none)
 * @param policy   timeouts, balancing, draining, PROXY protocol ({@link L4Policy#DEFAULTS} when null)
 */
public record L4Route(String name, String source, List<RouteAction.BackendRef> backends, L4Policy policy) {

    public L4Route {
        Objects.requireNonNull(name, "name");
        backends = List.copyOf(backends);
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("backends: empty (expected: at least one)");
        }
        policy = policy == null ? L4Policy.DEFAULTS : policy;
    }

    /** A route to one cluster with the default policy. */
    public static L4Route to(String name, String cluster) {
        return new L4Route(name, null, List.of(new RouteAction.BackendRef(cluster, 1)), L4Policy.DEFAULTS);
    }

    public L4Route withPolicy(L4Policy value) {
        return new L4Route(name, source, backends, value);
    }
}
