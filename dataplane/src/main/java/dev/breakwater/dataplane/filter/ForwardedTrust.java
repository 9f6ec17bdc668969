package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.ForwardedHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Whose forwarded headers a data plane believes, compiled once per table: from the table's
 * {@link ForwardedHeaders} (the controller ConfigMap's), else from the data plane's own
 * {@link ProxyConfig#trustForwardedHeaders()} (every peer trusted, the last address of {@code X-Forwarded-For} the
 * client), else none (every forwarded header replaced). Immutable; read by any event loop.
 */
public final class ForwardedTrust {

    private static final String XFF = "x-forwarded-for";

    /** Nobody's headers are believed. */
    public static final ForwardedTrust NONE = new ForwardedTrust(false, false, List.of(), XFF, false, false, false);
    /** The data plane's {@code trustForwardedHeaders}: a trusted load balancer in front of every connection. */
    static final ForwardedTrust EVERY_PEER = new ForwardedTrust(true, true, List.of(), XFF, true, true, false);

    private final boolean enabled;
    private final boolean anyPeer;
    private final List<Cidr> peers;
    private final String header;
    private final boolean keepOthers;
    private final boolean append;
    private final boolean realIpIsClient;

    private ForwardedTrust(boolean enabled, boolean anyPeer, List<Cidr> peers, String header, boolean keepOthers,
                           boolean append, boolean realIpIsClient) {
        this.enabled = enabled;
        this.anyPeer = anyPeer;
        this.peers = peers;
        this.header = header;
        this.keepOthers = keepOthers;
        this.append = append;
        this.realIpIsClient = realIpIsClient;
    }

    /** The data plane's own setting. */
    public static ForwardedTrust of(ProxyConfig config) {
        return config.trustForwardedHeaders() ? EVERY_PEER : NONE;
    }

    /** The table's settings ({@code settings}), or the data plane's own when the table has none. */
    public static ForwardedTrust of(ForwardedHeaders settings, ProxyConfig config) {
        if (settings == null) {
            return of(config);
        }
        return new ForwardedTrust(true, false, settings.ranges(), settings.clientHeader().toLowerCase(Locale.ROOT),
                settings.keepOthers(), settings.appendForwardedFor(), true);
    }

    /** True when the headers of a request from {@code peer} (the connection's address) are read. */
    public boolean trusts(String peer) {
        if (!enabled) {
            return false;
        }
        return anyPeer || inPeers(peer);
    }

    /**
     * The client's address in {@code value} (the {@link #header()} of a trusted peer's request): its addresses from
     * the right, the first not among the trusted peers, the leftmost when all are (nginx's {@code real_ip_recursive});
     * null when it holds none.
     */
    public String clientIn(String value) {
        String[] hops = value.split(",");
        String leftmost = null;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            leftmost = hop;
            if (!inPeers(hop)) {
                return hop;
            }
        }
        return leftmost;
    }

    private boolean inPeers(String address) {
        if (peers.isEmpty() || address == null) {
            return false;
        }
        byte[] bytes = Cidr.parseAddress(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr c : peers) {
            if (c.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The header that gives the client's address (lower case). */
    public String header() {
        return header;
    }

    /** Keep the trusted peer's X-Forwarded-Proto, -Host and -Port. */
    public boolean keepOthers() {
        return keepOthers;
    }

    /** Send the incoming X-Forwarded-For with the peer appended; else the client's address alone. */
    public boolean appendsForwardedFor() {
        return append;
    }

    /** X-Real-IP is the client's address read from the header; else the connection's. */
    public boolean realIpIsClient() {
        return realIpIsClient;
    }
}
