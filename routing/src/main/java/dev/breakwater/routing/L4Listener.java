package dev.breakwater.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A layer-4 port of the data plane: TCP or UDP, proxied byte for byte (datagram for datagram) to one route, or,
 * for TLS passthrough, to the route the ClientHello's SNI name picks.
 *
 * @param port                    1-65535, on the data plane's bind address
 * @param protocol                TCP or UDP
 * @param route                   where connections go; with {@code sni}, where those whose name matches none go
 *                                (null: they are closed)
 * @param sni                     TLS passthrough hosts (TCP only): exact names first, then {@code *.} wildcards
 * @param acceptProxyProtocolFrom CIDR ranges (TCP only) whose connections must begin with a PROXY protocol header
 *                                (v1 or v2), which then gives the client address; a connection from elsewhere is
 *                                refused. Empty: no header is read (off)
 */
public record L4Listener(int port, Protocol protocol, L4Route route, List<SniRoute> sni,
                         List<String> acceptProxyProtocolFrom) {

    /** The transport protocols of L4 listeners. */
    public enum Protocol {
        TCP, UDP
    }

    public L4Listener {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        Objects.requireNonNull(protocol, "protocol");
        sni = sni == null ? List.of() : List.copyOf(sni);
        acceptProxyProtocolFrom = acceptProxyProtocolFrom == null ? List.of() : List.copyOf(acceptProxyProtocolFrom);
        if (route == null && sni.isEmpty()) {
            throw new IllegalArgumentException("port " + port + ": neither a route nor SNI hosts (expected: one)");
        }
        if (protocol == Protocol.UDP && !sni.isEmpty()) {
            throw new IllegalArgumentException("port " + port + ": SNI hosts on a UDP listener (expected: TCP)");
        }
        if (protocol == Protocol.UDP && !acceptProxyProtocolFrom.isEmpty()) {
            throw new IllegalArgumentException("port " + port
                    + ": acceptProxyProtocolFrom on a UDP listener (expected: TCP)");
        }
        Set<String> hosts = new HashSet<>();
        for (SniRoute s : sni) {
            if (!hosts.add(s.hostname())) {
                throw new IllegalArgumentException("port " + port + ": SNI host " + s.hostname() + " twice");
            }
        }
        for (String cidr : acceptProxyProtocolFrom) {
            Cidr.parse(cidr);
        }
    }

    /** A listener sending everything to {@code route}. */
    public static L4Listener tcp(int port, L4Route route) {
        return new L4Listener(port, Protocol.TCP, route, List.of(), List.of());
    }

    /** A UDP listener sending every client's datagrams to {@code route}. */
    public static L4Listener udp(int port, L4Route route) {
        return new L4Listener(port, Protocol.UDP, route, List.of(), List.of());
    }

    /** {@code tcp/9000}, {@code udp/53}: how metrics and logs name the listener. */
    public String key() {
        return protocol.name().toLowerCase(java.util.Locale.ROOT) + "/" + port;
    }

    /** The route for a ClientHello naming {@code serverName} (null: none sent): exact, wildcard, then the default. */
    public L4Route routeFor(String serverName) {
        return SniRoutes.pick(sni, serverName, route);
    }

    /** Every route of the listener, the default first. */
    public List<L4Route> routes() {
        List<L4Route> all = new java.util.ArrayList<>();
        if (route != null) {
            all.add(route);
        }
        sni.forEach(s -> all.add(s.route()));
        return all;
    }
}
