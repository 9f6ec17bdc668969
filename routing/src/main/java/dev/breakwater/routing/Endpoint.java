package dev.breakwater.routing;

import java.util.Objects;

/**
 * One address and port of a cluster, with the conditions EndpointSlices report.
 *
 * @param address     an IP literal, or a DNS name (ExternalName Services), resolved by the data plane
 * @param port        1-65535
 * @param weight      relative share of traffic, >= 1
 * @param zone        topology zone, or null
 * @param ready       ready to serve new requests
 * @param serving     serving, regardless of terminating
 * @param terminating the endpoint is going away
 */
public record Endpoint(String address, int port, int weight, String zone,
                       boolean ready, boolean serving, boolean terminating) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
    }

    /** A ready, serving endpoint of weight 1 and no zone. */
    public static Endpoint ready(String address, int port) {
        return new Endpoint(address, port, 1, null, true, true, false);
    }

    /** {@code address:port}, with IPv6 literals bracketed. */
    public String authority() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
