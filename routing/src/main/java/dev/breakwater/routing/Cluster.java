package dev.breakwater.routing;

import java.util.List;
import java.util.Objects;

/**
 * A set of endpoints serving one Service port.
 *
 * @param name      unique within the table, e.g. {@code default/web:http}
 * @param protocol  what the endpoints speak
 * @param endpoints every known endpoint, ready or not; the data plane picks by their conditions
 */
public record Cluster(String name, Protocol protocol, List<Endpoint> endpoints) {

    /** The protocol spoken to the endpoints. */
    public enum Protocol { HTTP1 }

    public Cluster {
        Objects.requireNonNull(name, "name");
        protocol = protocol == null ? Protocol.HTTP1 : protocol;
        endpoints = List.copyOf(endpoints);
    }
}
