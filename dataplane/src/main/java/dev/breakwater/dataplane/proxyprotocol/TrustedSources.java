package dev.breakwater.dataplane.proxyprotocol;

import dev.breakwater.routing.Cidr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * The peers allowed to speak the PROXY protocol on a listener: CIDR ranges (a load balancer's addresses). Empty
 * means the protocol is off there.
 */
public record TrustedSources(List<Cidr> ranges) {

    public static final TrustedSources NONE = new TrustedSources(List.of());

    public TrustedSources {
        ranges = List.copyOf(ranges);
    }

    /**
     * Parses CIDR ranges.
     *
     * @throws IllegalArgumentException naming the range that is not one
     */
    public static TrustedSources parse(List<String> cidrs) {
        return new TrustedSources(cidrs.stream().map(Cidr::parse).toList());
    }

    public boolean enabled() {
        return !ranges.isEmpty();
    }

    /** True when {@code peer} is in one of the ranges. */
    public boolean trusts(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress a) || a.getAddress() == null) {
            return false;
        }
        byte[] bytes = a.getAddress().getAddress();
        for (Cidr c : ranges) {
            if (c.contains(bytes)) {
                return true;
            }
        }
        return false;
    }
}
