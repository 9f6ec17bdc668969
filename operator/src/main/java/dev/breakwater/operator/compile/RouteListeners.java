package dev.breakwater.operator.compile;

import dev.breakwater.operator.crd.BackendSpec;
import dev.breakwater.operator.crd.ListenerSpec;
import dev.breakwater.operator.crd.ProxyProtocolSpec;
import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.ProxyProtocolVersion;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.SniRoute;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code spec.listeners} of Routes, oldest Route first, compiled to L4 listeners: TCP and UDP ports to their
 * backends, TLS ports (and the HTTPS port, for a TLS listener without a port) to backends chosen by SNI name.
 * A port belongs to the first object that asks for it (ports of the TCP and UDP services ConfigMaps are taken
 * before any Route); TLS listeners of several Routes share a port, each hostname going to the oldest Route that names
 * it. What a Route cannot have is an error or warning on its field, and only that listener (or hostname) is left out.
 */
final class RouteListeners {

    private final TableBuilder table;
    private final Set<String> reserved;
    /** The HTTPS port's passthrough hosts, shared with the {@code ssl-passthrough} Ingresses. */
    private final Map<String, SniRoute> httpsPassthrough;
    /** {@code tcp/5432}: a listener of one Route, or the SNI hosts of a TLS port. */
    private final Map<String, Claim> ports = new LinkedHashMap<>();

    /** A port and who has it. */
    private static final class Claim {
        final String owner;
        final L4Listener plain;
        final Map<String, SniRoute> sni = new TreeMap<>();
        final List<String> acceptFrom;

        Claim(String owner, L4Listener plain, List<String> acceptFrom) {
            this.owner = owner;
            this.plain = plain;
            this.acceptFrom = acceptFrom;
        }
    }

    /** @param reserved listener keys ({@code tcp/5432}) the ConfigMaps have */
    RouteListeners(TableBuilder table, Set<String> reserved, Map<String, SniRoute> httpsPassthrough) {
        this.table = table;
        this.reserved = Set.copyOf(reserved);
        this.httpsPassthrough = httpsPassthrough;
    }

    /** Adds a Route's listeners; returns how many are served (in part at least). */
    int add(RouteContext c, List<ListenerSpec> specs) {
        int served = 0;
        for (int i = 0; specs != null && i < specs.size(); i++) {
            if (add(c, "spec.listeners[" + i + "]", i, specs.get(i))) {
                served++;
            }
        }
        return served;
    }

    private boolean add(RouteContext c, String field, int index, ListenerSpec spec) {
        if (spec == null || spec.protocol == null) {
            c.error(field + ".protocol", "a protocol is required (TCP, UDP or TLS)");
            return false;
        }
        boolean tls = spec.protocol == ListenerSpec.Protocol.TLS;
        if (spec.port == null && !tls) {
            c.error(field + ".port", "a port is required for " + spec.protocol);
            return false;
        }
        if (spec.port != null && (spec.port < 1 || spec.port > 65535)) {
            c.error(field + ".port", "port " + spec.port + " is not 1-65535");
            return false;
        }
        List<String> hosts = tls ? hostnames(c, field, spec.hostnames) : List.of();
        if (tls && hosts.isEmpty()) {
            c.error(field + ".hostnames", "TLS passthrough needs at least one valid hostname (the SNI name)");
            return false;
        }
        if (!tls && spec.hostnames != null && !spec.hostnames.isEmpty()) {
            c.warning(field + ".hostnames", "hostnames are for TLS only; ignored for " + spec.protocol);
        }
        ProxyProtocolSpec proxy = spec.proxyProtocol;
        if (proxy != null && spec.protocol == ListenerSpec.Protocol.UDP) {
            c.error(field + ".proxyProtocol", "the PROXY protocol is for TCP and TLS only");
            return false;
        }
        List<String> acceptFrom = proxy == null || proxy.acceptFrom == null ? List.of()
                : cidrs(c, field + ".proxyProtocol.acceptFrom", proxy.acceptFrom);
        if (acceptFrom == null) {
            return false;
        }
        if (spec.port == null && !acceptFrom.isEmpty()) {
            c.error(field + ".proxyProtocol.acceptFrom", "needs a port: on the HTTPS port, PROXY headers are "
                    + "accepted from the data plane's --proxy-protocol-from");
            return false;
        }
        List<RouteAction.BackendRef> backends = backends(c, field, spec.backends);
        if (backends.isEmpty()) {
            return false;
        }
        L4Policy policy = policy(spec);
        String name = c.namespace + "/" + c.name + "#listeners[" + index + "]";
        L4Route route = new L4Route(name, c.object, backends, policy);
        if (spec.port == null) {
            int taken = 0;
            for (String host : hosts) {
                SniRoute before = httpsPassthrough.get(host);
                if (before != null) {
                    c.warning(field + ".hostnames", "TLS passthrough of " + host + " on the HTTPS port is already "
                            + "asked by " + before.route().source() + " (older); ignored here");
                    continue;
                }
                httpsPassthrough.put(host, new SniRoute(host, route));
                taken++;
            }
            return taken > 0;
        }
        String key = (spec.protocol == ListenerSpec.Protocol.UDP ? "udp/" : "tcp/") + spec.port;
        if (reserved.contains(key)) {
            c.error(field + ".port", key + " is a listener of the TCP/UDP services ConfigMap; ignored here");
            return false;
        }
        Claim claim = ports.get(key);
        if (claim != null && (!tls || claim.plain != null)) {
            c.error(field + ".port", key + " is already a listener of " + claim.owner + " (older); ignored here");
            return false;
        }
        if (!tls) {
            L4Listener.Protocol protocol = spec.protocol == ListenerSpec.Protocol.UDP ? L4Listener.Protocol.UDP
                    : L4Listener.Protocol.TCP;
            ports.put(key, new Claim(c.object, new L4Listener(spec.port, protocol, route, List.of(), acceptFrom),
                    acceptFrom));
            return true;
        }
        if (claim == null) {
            claim = new Claim(c.object, null, acceptFrom);
            ports.put(key, claim);
        } else if (!claim.acceptFrom.equals(acceptFrom)) {
            c.warning(field + ".proxyProtocol.acceptFrom", key + " accepts PROXY headers as " + claim.owner
                    + " (older) says: " + (claim.acceptFrom.isEmpty() ? "from no peer" : claim.acceptFrom));
        }
        int taken = 0;
        for (String host : hosts) {
            SniRoute before = claim.sni.get(host);
            if (before != null) {
                c.warning(field + ".hostnames", "TLS passthrough of " + host + " on " + key + " is already asked "
                        + "by " + before.route().source() + " (older); ignored here");
                continue;
            }
            claim.sni.put(host, new SniRoute(host, route));
            taken++;
        }
        return taken > 0;
    }

    /** The listeners, in the order their ports were first asked for. */
    List<L4Listener> listeners() {
        List<L4Listener> out = new ArrayList<>();
        for (Map.Entry<String, Claim> e : ports.entrySet()) {
            Claim claim = e.getValue();
            if (claim.plain != null) {
                out.add(claim.plain);
            } else if (!claim.sni.isEmpty()) {
                int port = Integer.parseInt(e.getKey().substring(4));
                out.add(new L4Listener(port, L4Listener.Protocol.TCP, null, List.copyOf(claim.sni.values()),
                        claim.acceptFrom));
            }
        }
        return out;
    }

    private static L4Policy policy(ListenerSpec spec) {
        L4Policy policy = L4Policy.DEFAULTS;
        if (spec.balancer != null) {
            policy = policy.withBalancer(switch (spec.balancer) {
                case ROUND_ROBIN -> L4Policy.Balancer.ROUND_ROBIN;
                case LEAST_CONNECTIONS -> L4Policy.Balancer.LEAST_CONNECTIONS;
                case SOURCE_HASH -> L4Policy.Balancer.SOURCE_HASH;
            });
        }
        if (spec.proxyProtocol != null && spec.proxyProtocol.send != null) {
            policy = policy.withSendProxyProtocol(spec.proxyProtocol.send == ProxyProtocolSpec.Version.V2
                    ? ProxyProtocolVersion.V2 : ProxyProtocolVersion.V1);
        }
        return policy;
    }

    private static List<String> hostnames(RouteContext c, String field, List<String> hostnames) {
        List<String> out = new ArrayList<>();
        for (int i = 0; hostnames != null && i < hostnames.size(); i++) {
            String h = hostnames.get(i) == null ? "" : hostnames.get(i).toLowerCase(Locale.ROOT);
            String problem = HostName.problem(h);
            if (problem != null) {
                c.error(field + ".hostnames[" + i + "]", problem);
            } else if (!out.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** The ranges, or null (after an error) when one cannot be read. */
    private static List<String> cidrs(RouteContext c, String field, List<String> entries) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i) == null ? "" : entries.get(i).trim();
            String range = entry.contains("/") ? entry : entry + (entry.contains(":") ? "/128" : "/32");
            try {
                Cidr.parse(range);
            } catch (IllegalArgumentException e) {
                c.error(field + "[" + i + "]", "\"" + entry + "\" is not an IP address or CIDR range");
                return null;
            }
            out.add(range);
        }
        return out;
    }

    private List<RouteAction.BackendRef> backends(RouteContext c, String field, List<BackendSpec> specs) {
        List<RouteAction.BackendRef> refs = new ArrayList<>();
        if (specs == null || specs.isEmpty()) {
            c.error(field + ".backends", "at least one backend is required");
            return refs;
        }
        for (int j = 0; j < specs.size(); j++) {
            String f = field + ".backends[" + j + "]";
            BackendSpec b = specs.get(j);
            if (b == null || b.name == null || b.name.isEmpty()) {
                c.error(f + ".name", "a Service name is required");
                continue;
            }
            int weight = b.weight == null ? 1 : b.weight;
            if (weight < 0 || weight > 1_000_000) {
                c.error(f + ".weight", "weight " + weight + " is not 0-1000000");
                continue;
            }
            ServiceBackendPort port = RouteProcessor.port(c, f + ".port", b.port);
            if (port == null || weight == 0) {
                continue;
            }
            RouteAction resolved = table.backends().resolve(c.object, c.namespace, b.name, port, f + ".name",
                    BackendResolver.PortFields.of(f + ".port"), table.diagnostics(), Cluster.Protocol.HTTP1, null,
                    ClusterPolicy.DEFAULTS);
            if (resolved instanceof RouteAction.Forward forward) {
                refs.add(new RouteAction.BackendRef(forward.backends().get(0).cluster(), weight));
            }
        }
        if (refs.isEmpty()) {
            c.error(field + ".backends", "no backend could be used; the listener is left out");
        }
        return refs;
    }
}
