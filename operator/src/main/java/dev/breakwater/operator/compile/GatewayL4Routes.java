package dev.breakwater.operator.compile;

import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.SniRoute;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The L4 listeners that Gateway listeners of protocol TLS (Passthrough), TCP and UDP become, with the TLSRoutes,
 * TCPRoutes and UDPRoutes attached to them, added oldest route first. A TCP or UDP listener sends everything to its
 * oldest route (the newer ones are accepted and counted, as the spec has it, but get no traffic); on a TLS listener
 * each SNI name goes to the oldest route that has it, a Gateway API wildcard covering one or more labels, and a route
 * that takes every name ({@code *}: no hostname on either side) gets the names no other route has. A name no route
 * has is refused: the connection is closed after its ClientHello.
 */
final class GatewayL4Routes {

    /** One data-plane port: its protocol and routes. */
    private static final class Port {
        final L4Listener.Protocol protocol;
        L4Route fallback;
        final Map<String, SniRoute> sni = new TreeMap<>();
        final String owner;

        Port(L4Listener.Protocol protocol, String owner) {
            this.protocol = protocol;
            this.owner = owner;
        }
    }

    /** {@code tcp/20003}, {@code udp/53}: in the order first asked for. */
    private final Map<String, Port> ports = new LinkedHashMap<>();
    /** TLS listeners on the data planes' shared HTTPS port (Gateways without their own Service). */
    private final Map<String, SniRoute> httpsPassthrough = new TreeMap<>();

    /**
     * Adds {@code route} to the data-plane port {@code port} of a listener of {@code protocol} ({@code TLS},
     * {@code TCP}, {@code UDP}); for TLS, for the SNI names {@code hosts} ({@code *}: every name). {@code owner}
     * names the Gateway listener, so that a port two Gateways want (they have no Service of their own) is kept by the
     * first.
     *
     * @return false when the port is another Gateway listener's of another protocol (nothing is added)
     */
    boolean add(String protocol, int port, String owner, List<String> hosts, L4Route route) {
        L4Listener.Protocol transport = protocol.equals("UDP") ? L4Listener.Protocol.UDP : L4Listener.Protocol.TCP;
        String key = transport.name().toLowerCase(java.util.Locale.ROOT) + "/" + port;
        Port p = ports.computeIfAbsent(key, k -> new Port(transport, owner));
        boolean tls = protocol.equals("TLS");
        if (!tls) {
            if (!p.owner.equals(owner) || !p.sni.isEmpty()) {
                return false;
            }
            if (p.fallback == null) {
                p.fallback = route;
            }
            return true;
        }
        if (p.fallback != null && p.sni.isEmpty() && !p.owner.equals(owner)) {
            return false;
        }
        addHosts(p.sni, hosts, route, p);
        return true;
    }

    /** Adds {@code route} for the SNI names {@code hosts} on the data planes' shared HTTPS port. */
    void addHttpsPassthrough(List<String> hosts, L4Route route) {
        addHosts(httpsPassthrough, hosts, route, null);
    }

    private static void addHosts(Map<String, SniRoute> sni, List<String> hosts, L4Route route, Port port) {
        for (String host : hosts) {
            if (host.equals(VirtualHost.CATCH_ALL)) {
                if (port != null && port.fallback == null) {
                    port.fallback = route;
                }
            } else {
                sni.putIfAbsent(host, new SniRoute(host, route, host.startsWith("*.") ? Boolean.TRUE : null));
            }
        }
    }

    /** The L4 listeners, in the order their ports were first asked for. */
    List<L4Listener> listeners() {
        List<L4Listener> out = new ArrayList<>();
        ports.forEach((key, p) -> {
            if (p.fallback != null || !p.sni.isEmpty()) {
                int port = Integer.parseInt(key.substring(4));
                out.add(new L4Listener(port, p.protocol, p.fallback, List.copyOf(p.sni.values()), List.of()));
            }
        });
        return out;
    }

    /** The passthrough hosts of the shared HTTPS port. */
    List<SniRoute> httpsPassthrough() {
        return List.copyOf(httpsPassthrough.values());
    }
}
