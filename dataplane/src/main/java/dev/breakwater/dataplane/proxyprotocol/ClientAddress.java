package dev.breakwater.dataplane.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The address of the client a connection serves: the one a trusted PROXY protocol header gave, else the socket's
 * peer. An HTTP/2 stream asks its connection.
 */
public final class ClientAddress {

    /** Set on a connection by {@link ProxyProtocolGate} once a trusted header named the client. */
    public static final AttributeKey<InetSocketAddress> KEY = AttributeKey.valueOf("breakwater.clientAddress");

    private ClientAddress() {
    }

    /** The client of {@code channel}, or null when it has no IP peer. */
    public static InetSocketAddress of(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            InetSocketAddress told = c.hasAttr(KEY) ? c.attr(KEY).get() : null;
            if (told != null) {
                return told;
            }
        }
        SocketAddress peer = channel.remoteAddress();
        return peer instanceof InetSocketAddress a ? a : null;
    }

    /** The client's IP address as text, or {@code unknown}. */
    public static String ip(Channel channel) {
        InetSocketAddress a = of(channel);
        return a == null || a.getAddress() == null ? "unknown" : a.getAddress().getHostAddress();
    }
}
