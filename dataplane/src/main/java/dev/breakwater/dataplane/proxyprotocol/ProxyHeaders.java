package dev.breakwater.dataplane.proxyprotocol;

import dev.breakwater.routing.ProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The PROXY protocol header a data plane sends ahead of a client's bytes to an endpoint. */
public final class ProxyHeaders {

    private ProxyHeaders() {
    }

    /**
     * The header telling that {@code client} connected to {@code local}. Both must be of one family; an IPv4 client
     * on an IPv6 socket is sent as IPv4-mapped IPv6. The caller owns (writes or releases) the message.
     */
    public static HAProxyMessage of(ProxyProtocolVersion version, boolean tcp, InetSocketAddress client,
                                    InetSocketAddress local) {
        HAProxyProtocolVersion v = version == ProxyProtocolVersion.V1 ? HAProxyProtocolVersion.V1
                : HAProxyProtocolVersion.V2;
        InetAddress source = client.getAddress();
        InetAddress destination = local.getAddress();
        boolean ipv4 = source instanceof Inet4Address && destination instanceof Inet4Address;
        HAProxyProxiedProtocol protocol = ipv4 ? (tcp ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.UDP4)
                : (tcp ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.UDP6);
        return new HAProxyMessage(v, HAProxyCommand.PROXY, protocol, text(source, ipv4), text(destination, ipv4),
                client.getPort(), local.getPort());
    }

    private static String text(InetAddress address, boolean ipv4) {
        if (ipv4 || !(address instanceof Inet4Address)) {
            return address.getHostAddress();
        }
        return "::ffff:" + address.getHostAddress();
    }
}
