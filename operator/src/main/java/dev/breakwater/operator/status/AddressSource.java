package dev.breakwater.operator.status;

import java.util.List;
import java.util.Objects;

/**
 * Where the address written into Ingresses' {@code status.loadBalancer.ingress} comes from.
 */
public sealed interface AddressSource {

    /** No address: Ingress status is left alone. */
    record None() implements AddressSource {
    }

    /** Fixed addresses ({@code --status-address}). */
    record Fixed(List<LoadBalancerAddress> addresses) implements AddressSource {
        public Fixed {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("--status-address: no address");
            }
        }
    }

    /** The {@code status.loadBalancer} of a Service of type LoadBalancer ({@code --status-service}). */
    record FromService(String namespace, String name) implements AddressSource {
        public FromService {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * The addresses of the nodes running the pods that {@code labelSelector} selects in {@code namespace}
     * (the data plane's DaemonSet): each node's ExternalIP, else its InternalIP ({@code --status-pods}).
     */
    record FromPods(String namespace, String labelSelector) implements AddressSource {
        public FromPods {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(labelSelector, "labelSelector");
        }
    }

    static AddressSource none() {
        return new None();
    }
}
