package dev.breakwater.dataplane.backend;

import dev.breakwater.routing.Endpoint;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * An endpoint as the proxy uses it: its socket address (unresolved for DNS names, which are resolved
 * asynchronously at connect time) and the pool key its connections are kept under. Pools are keyed by
 * address, not by table, so pooled connections survive table swaps.
 */
public final class UpstreamEndpoint {

    private final Endpoint endpoint;
    private final String key;
    private final InetSocketAddress socketAddress;

    public UpstreamEndpoint(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.key = endpoint.authority();
        this.socketAddress = socketAddress(endpoint.address(), endpoint.port());
    }

    private static InetSocketAddress socketAddress(String address, int port) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(address);
        if (literal == null) {
            return InetSocketAddress.createUnresolved(address, port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address: " + address, e);
        }
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** {@code address:port}: the identity of the endpoint and the key of its connection pool. */
    public String key() {
        return key;
    }

    public InetSocketAddress socketAddress() {
        return socketAddress;
    }

    @Override
    public String toString() {
        return key;
    }
}
