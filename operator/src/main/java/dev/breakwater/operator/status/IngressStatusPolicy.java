package dev.breakwater.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What to write into an Ingress's {@code status.loadBalancer}, if anything: an Ingress we serve carries our
 * addresses; one we do not serve (any more) loses them when it carries exactly ours (it moved to another
 * class), and is otherwise left to its own controller. Nothing is written when the status already says it.
 */
public final class IngressStatusPolicy {

    private IngressStatusPolicy() {
    }

    /**
     * The addresses to write, or empty to leave the status as it is.
     *
     * @param facts     what the last compilation knows of it; null before the first one
     * @param addresses our addresses; null while unknown (no address source)
     */
    public static Optional<List<LoadBalancerAddress>> desired(Ingress ingress, StatusBook.IngressFacts facts,
                                                              List<LoadBalancerAddress> addresses) {
        if (facts == null || addresses == null) {
            return Optional.empty();
        }
        List<LoadBalancerAddress> now = current(ingress);
        if (facts.served()) {
            return now.equals(addresses) ? Optional.empty() : Optional.of(addresses);
        }
        return !now.isEmpty() && now.equals(addresses) ? Optional.of(List.of()) : Optional.empty();
    }

    /** The addresses an Ingress's status holds, sorted. */
    public static List<LoadBalancerAddress> current(Ingress ingress) {
        IngressStatus status = ingress.getStatus();
        if (status == null || status.getLoadBalancer() == null || status.getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        TreeSet<LoadBalancerAddress> out = new TreeSet<>();
        for (IngressLoadBalancerIngress lb : status.getLoadBalancer().getIngress()) {
            LoadBalancerAddress a = LoadBalancerAddress.of(lb);
            if (a != null) {
                out.add(a);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The smallest Ingress that says it: apiVersion, kind, name, namespace and {@code status.loadBalancer}, for a
     * server-side apply of the status subresource (whose field manager then owns only that list).
     */
    public static Ingress statusPatch(Ingress ingress, List<LoadBalancerAddress> addresses) {
        Objects.requireNonNull(addresses, "addresses");
        Ingress patch = new Ingress();
        patch.setApiVersion("networking.k8s.io/v1");
        patch.setKind("Ingress");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(ingress.getMetadata().getName());
        meta.setNamespace(ingress.getMetadata().getNamespace());
        patch.setMetadata(meta);
        IngressLoadBalancerStatus lb = new IngressLoadBalancerStatus();
        lb.setIngress(addresses.stream().map(LoadBalancerAddress::toIngressStatus).toList());
        IngressStatus status = new IngressStatus();
        status.setLoadBalancer(lb);
        patch.setStatus(status);
        return patch;
    }
}
