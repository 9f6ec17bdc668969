package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.GatewayService;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Makes each Gateway's own Service what the compiler says it should be ({@link GatewayService}), on the leader: applied
 * (server-side, its own field manager) when the cached one differs in type, selector, ports, labels or annotation,
 * left alone when it does not; Services labelled {@link GatewayService#LABEL} that no Gateway wants are deleted.
 * Kubernetes gives the Service its cluster IP (and a load balancer its address); the next snapshot reads them back
 * as the Gateway's {@code status.addresses}.
 */
final class GatewayServiceWriter {

    static final String FIELD_MANAGER = "breakwater-gateway-services";

    private final KubernetesClient client;
    /** The cached Service {@code namespace, name}, or null. */
    private final BiFunction<String, String, Service> cached;

    GatewayServiceWriter(KubernetesClient client, BiFunction<String, String, Service> cached) {
        this.client = Objects.requireNonNull(client, "client");
        this.cached = Objects.requireNonNull(cached, "cached");
    }

    /** Applies what differs and deletes what is stale; throws the client's exception when a write fails. */
    void sync(List<GatewayService> wanted, List<String> stale) {
        for (GatewayService w : wanted) {
            Service desired = desired(w);
            Service current = cached.apply(w.namespace(), w.name());
            if (current != null && same(current, desired)) {
                continue;
            }
            client.services().inNamespace(w.namespace()).resource(desired).fieldManager(FIELD_MANAGER)
                    .forceConflicts().serverSideApply();
        }
        for (String key : stale) {
            int slash = key.indexOf('/');
            client.services().inNamespace(key.substring(0, slash)).withName(key.substring(slash + 1)).delete();
        }
    }

    /** The Service of {@code w}: type, selector, one port per listener port (UDP for UDP listeners) with its target. */
    static Service desired(GatewayService w) {
        List<ServicePort> ports = new ArrayList<>();
        for (GatewayService.Port p : w.ports()) {
            ports.add(new ServicePortBuilder().withName(p.name()).withProtocol(p.protocol()).withPort(p.port())
                    .withTargetPort(new IntOrString(p.targetPort())).build());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(GatewayService.LABEL, "true");
        labels.put("app.kubernetes.io/managed-by", "breakwater");
        return new ServiceBuilder().withNewMetadata().withNamespace(w.namespace()).withName(w.name())
                .withLabels(labels)
                .withAnnotations(Map.of(GatewayService.GATEWAY_ANNOTATION, w.gatewayNamespace() + "/" + w.gatewayName()))
                .endMetadata()
                .withNewSpec().withType(w.type()).withSelector(w.selector()).withPorts(ports).endSpec().build();
    }

    private static boolean same(Service current, Service desired) {
        if (current.getSpec() == null || current.getMetadata() == null) {
            return false;
        }
        if (!Objects.equals(current.getSpec().getType(), desired.getSpec().getType())
                || !Objects.equals(current.getSpec().getSelector(), desired.getSpec().getSelector())) {
            return false;
        }
        Map<String, String> labels = current.getMetadata().getLabels() == null ? Map.of()
                : current.getMetadata().getLabels();
        Map<String, String> annotations = current.getMetadata().getAnnotations() == null ? Map.of()
                : current.getMetadata().getAnnotations();
        if (!labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
                || !annotations.entrySet().containsAll(desired.getMetadata().getAnnotations().entrySet())) {
            return false;
        }
        List<ServicePort> have = current.getSpec().getPorts() == null ? List.of() : current.getSpec().getPorts();
        List<ServicePort> want = desired.getSpec().getPorts();
        if (have.size() != want.size()) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            ServicePort h = have.get(i);
            ServicePort w = want.get(i);
            if (!Objects.equals(h.getName(), w.getName()) || !Objects.equals(h.getPort(), w.getPort())
                    || !Objects.equals(h.getProtocol() == null ? "TCP" : h.getProtocol(), w.getProtocol())
                    || h.getTargetPort() == null || !Objects.equals(h.getTargetPort().getIntVal(),
                    w.getTargetPort().getIntVal())) {
                return false;
            }
        }
        return true;
    }

    /** The addresses of {@code w} as the status writes them; null while its Service has none. */
    static List<LoadBalancerAddress> addresses(GatewayService w) {
        if (w.addresses() == null) {
            return null;
        }
        List<LoadBalancerAddress> out = new ArrayList<>();
        for (String a : w.addresses()) {
            out.add(LoadBalancerAddress.parse(a));
        }
        return out;
    }
}
