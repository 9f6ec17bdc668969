package dev.breakwater.operator.compile;

import dev.breakwater.routing.ListenerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gives each Gateway of ours its own data-plane ports ({@link GatewayServices}): one per distinct port of its served
 * listeners, from {@code firstPort} on. A port its Service already has (in the snapshot) stays its own, so a change to
 * one Gateway moves no other Gateway's traffic; the oldest Gateway keeps a port two claim; new listener ports take the
 * lowest free ones, the oldest Gateway first. A Gateway for which no port is left gets no Service (reported).
 */
final class GatewayServicePlan {

    private final Map<String, Map<Integer, ListenerPort>> portsByGateway = new HashMap<>();
    private final List<GatewayService> services = new ArrayList<>();

    /**
     * @param gateways the Gateways of ours, any order
     * @param existing the snapshot's Services by {@code namespace/name}
     */
    GatewayServicePlan(GatewayServices config, List<GatewayListeners.GatewayModel> gateways,
                       Map<String, Service> existing, TableBuilder table) {
        List<GatewayListeners.GatewayModel> byAge = new ArrayList<>(gateways);
        byAge.sort((a, b) -> ObjectAge.OLDEST_FIRST.compare(a.gateway, b.gateway));
        Set<Integer> taken = new HashSet<>();
        Map<GatewayListeners.GatewayModel, Map<Integer, Integer>> targets = new LinkedHashMap<>();
        Map<GatewayListeners.GatewayModel, Map<Integer, String>> wanted = new LinkedHashMap<>();
        for (GatewayListeners.GatewayModel g : byAge) {
            Map<Integer, String> ports = new TreeMap<>();
            for (GatewayListeners.ListenerModel l : g.listeners) {
                if (l.serves()) {
                    ports.put(l.port, l.protocol);
                }
            }
            if (ports.isEmpty()) {
                continue;
            }
            wanted.put(g, ports);
            Map<Integer, Integer> kept = new HashMap<>();
            Service before = existing.get(config.namespace() + "/" + GatewayService.nameOf(g.namespace, g.name));
            if (before != null && before.getSpec() != null && before.getSpec().getPorts() != null) {
                for (ServicePort p : before.getSpec().getPorts()) {
                    Integer target = p.getTargetPort() == null ? null : p.getTargetPort().getIntVal();
                    if (p.getPort() != null && ports.containsKey(p.getPort()) && target != null
                            && target >= config.firstPort() && target < config.firstPort() + config.ports()
                            && taken.add(target)) {
                        kept.put(p.getPort(), target);
                    }
                }
            }
            targets.put(g, kept);
        }
        int next = config.firstPort();
        for (var e : wanted.entrySet()) {
            GatewayListeners.GatewayModel g = e.getKey();
            Map<Integer, Integer> given = targets.get(g);
            boolean full = false;
            for (int port : e.getValue().keySet()) {
                if (given.containsKey(port)) {
                    continue;
                }
                while (next < config.firstPort() + config.ports() && taken.contains(next)) {
                    next++;
                }
                if (next >= config.firstPort() + config.ports()) {
                    full = true;
                    break;
                }
                taken.add(next);
                given.put(port, next);
            }
            if (full) {
                table.error(g.object, "spec.listeners", "no data-plane port is left for its own Service (ports "
                        + config.firstPort() + "-" + (config.firstPort() + config.ports() - 1) + " are all given); "
                        + "it is served on the shared ports only");
                continue;
            }
            Map<Integer, ListenerPort> listenerPorts = new TreeMap<>();
            List<GatewayService.Port> servicePorts = new ArrayList<>();
            for (var p : e.getValue().entrySet()) {
                int target = given.get(p.getKey());
                listenerPorts.put(p.getKey(), new ListenerPort(target, p.getValue().equals("HTTPS")));
                servicePorts.add(new GatewayService.Port(p.getValue().toLowerCase(java.util.Locale.ROOT) + "-"
                        + p.getKey(), p.getKey(), target, p.getValue().equals("UDP") ? "UDP" : "TCP"));
            }
            portsByGateway.put(g.namespace + "/" + g.name, listenerPorts);
            String name = GatewayService.nameOf(g.namespace, g.name);
            services.add(new GatewayService(g.namespace, g.name, config.namespace(), name, config.type(),
                    config.selector(), servicePorts, addresses(existing.get(config.namespace() + "/" + name))));
        }
    }

    /** The data-plane port of {@code listener} alone, or null when its Gateway has none. */
    ListenerPort port(GatewayListeners.ListenerModel listener) {
        Map<Integer, ListenerPort> ports = portsByGateway.get(listener.gateway.namespace + "/" + listener.gateway.name);
        return ports == null ? null : ports.get(listener.port);
    }

    /** The Services the Gateways should have, oldest Gateway first. */
    List<GatewayService> services() {
        return List.copyOf(services);
    }

    /** Load-balancer ingress IPs and host names, else the cluster IP; null when the Service has none (yet). */
    static List<String> addresses(Service service) {
        if (service == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                && service.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress i : service.getStatus().getLoadBalancer().getIngress()) {
                if (i.getIp() != null && !i.getIp().isEmpty()) {
                    out.add(i.getIp());
                } else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
                    out.add(i.getHostname());
                }
            }
        }
        if (out.isEmpty() && service.getSpec() != null && service.getSpec().getClusterIP() != null
                && !service.getSpec().getClusterIP().isEmpty() && !service.getSpec().getClusterIP().equals("None")) {
            out.add(service.getSpec().getClusterIP());
        }
        return out.isEmpty() ? null : out;
    }

    /** True for an object this plan's Services are: labelled {@link GatewayService#LABEL}. */
    static boolean isGatewayService(HasMetadata o) {
        return o.getMetadata() != null && o.getMetadata().getLabels() != null
                && "true".equals(o.getMetadata().getLabels().get(GatewayService.LABEL));
    }
}
