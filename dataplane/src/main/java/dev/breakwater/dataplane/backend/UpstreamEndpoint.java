package dev.breakwater.dataplane.backend;

import dev.breakwater.routing.Cluster;
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
    private final Cluster.Protocol protocol;
    private final Cluster.UpstreamTls tls;
    private final String key;
    private final String authority;
    private final InetSocketAddress socketAddress;

    private final EndpointState state;

    public UpstreamEndpoint(Endpoint endpoint, Cluster.Protocol protocol, Cluster.UpstreamTls tls,
                            EndpointRegistry registry) {
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.tls = tls;
        this.key = key(endpoint, protocol, tls);
        this.authority = endpoint.authority();
        this.socketAddress = socketAddress(endpoint.address(), endpoint.port());
        this.state = registry.state(key);
    }

    /** Requests in flight and health of this endpoint, shared across event loops and tables. */
    public EndpointState state() {
        return state;
    }

    /** The pool key of an endpoint of a cluster. */
    public static String key(Endpoint e, Cluster cluster) {
        return key(e, cluster.protocol(), cluster.tls());
    }

    private static String key(Endpoint e, Cluster.Protocol protocol, Cluster.UpstreamTls tls) {
        String k = protocol.name().toLowerCase(java.util.Locale.ROOT) + "://" + e.authority();
        return tls == null ? k : k + "#" + Integer.toHexString(tls.hashCode());
    }

    public Cluster.Protocol protocol() {
        return protocol;
    }

    /** Verification settings for TLS endpoints, or null. */
    public Cluster.UpstreamTls tls() {
        return tls;
    }

    /** The name to send as SNI and to verify: the configured server name, else a DNS address, else null. */
    public String serverName() {
        if (tls != null && tls.serverName() != null) {
            return tls.serverName();
        }
        return socketAddress.isUnresolved() ? endpoint.address() : null;
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

    /** {@code address:port} ({@code [v6]:port}), made once: what access-log lines and spans name. */
    public String authority() {
        return authority;
    }

    /** {@code protocol://address:port}: the identity of the endpoint and the key of its connection pool. */
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
