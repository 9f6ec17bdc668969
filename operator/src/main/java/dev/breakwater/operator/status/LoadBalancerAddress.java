package dev.breakwater.operator.status;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressPortStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One entry of an Ingress's {@code status.loadBalancer.ingress}: an IP or a host name where the Ingress is
 * reachable, with optional port states (copied from a LoadBalancer Service).
 *
 * @param ip       an IP literal, or null
 * @param hostname a DNS name, or null (exactly one of the two is set)
 * @param ports    port states; empty when unknown
 */
public record LoadBalancerAddress(String ip, String hostname, List<Port> ports) implements Comparable<LoadBalancerAddress> {

    private static final Comparator<LoadBalancerAddress> ORDER = Comparator
            .comparing((LoadBalancerAddress a) -> a.ip == null ? "" : a.ip)
            .thenComparing(a -> a.hostname == null ? "" : a.hostname)
            .thenComparing(a -> a.ports.toString());

    /** A port's state as a load balancer reports it. */
    public record Port(int port, String protocol, String error) {
    }

    public LoadBalancerAddress {
        if ((ip == null) == (hostname == null)) {
            throw new IllegalArgumentException("exactly one of ip (" + ip + ") and hostname (" + hostname
                    + ") must be set");
        }
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** An IP literal or a host name, told apart by their syntax. */
    public static LoadBalancerAddress parse(String address) {
        Objects.requireNonNull(address, "address");
        String a = address.trim();
        if (a.isEmpty()) {
            throw new IllegalArgumentException("an empty address");
        }
        if (isIp(a)) {
            return new LoadBalancerAddress(a, null, List.of());
        }
        if (!a.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
                || a.length() > 253) {
            throw new IllegalArgumentException("'" + address + "' is neither an IP address nor a DNS name");
        }
        return new LoadBalancerAddress(null, a.toLowerCase(java.util.Locale.ROOT), List.of());
    }

    static boolean isIp(String a) {
        if (a.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")) {
            return true;
        }
        return a.indexOf(':') >= 0 && a.matches("[0-9A-Fa-f:.]+");
    }

    /** From a LoadBalancer Service's {@code status.loadBalancer.ingress} entry. */
    public static LoadBalancerAddress of(LoadBalancerIngress lb) {
        List<Port> ports = new ArrayList<>();
        if (lb.getPorts() != null) {
            lb.getPorts().forEach(p -> ports.add(new Port(p.getPort() == null ? 0 : p.getPort(), p.getProtocol(),
                    p.getError())));
        }
        return new LoadBalancerAddress(empty(lb.getIp()) ? null : lb.getIp(),
                empty(lb.getIp()) ? lb.getHostname() : null, ports);
    }

    /** From an Ingress's own status entry. */
    public static LoadBalancerAddress of(IngressLoadBalancerIngress lb) {
        List<Port> ports = new ArrayList<>();
        if (lb.getPorts() != null) {
            lb.getPorts().forEach(p -> ports.add(new Port(p.getPort() == null ? 0 : p.getPort(), p.getProtocol(),
                    p.getError())));
        }
        if (empty(lb.getIp()) && empty(lb.getHostname())) {
            return null;
        }
        return new LoadBalancerAddress(empty(lb.getIp()) ? null : lb.getIp(),
                empty(lb.getIp()) ? lb.getHostname() : null, ports);
    }

    /** As an Ingress status entry. */
    public IngressLoadBalancerIngress toIngressStatus() {
        IngressLoadBalancerIngress lb = new IngressLoadBalancerIngress();
        lb.setIp(ip);
        lb.setHostname(hostname);
        if (!ports.isEmpty()) {
            List<IngressPortStatus> out = new ArrayList<>();
            ports.forEach(p -> out.add(new IngressPortStatus(p.error(), p.port(), p.protocol())));
            lb.setPorts(out);
        }
        return lb;
    }

    @Override
    public int compareTo(LoadBalancerAddress other) {
        return ORDER.compare(this, other);
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
