package dev.breakwater.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The layer-4 part of a table: L4 listeners, and the TLS passthrough hosts of the HTTPS port (whose ClientHello is
 * spliced to their endpoints, never terminated; other names on that port reach the HTTP stack as before).
 *
 * @param listeners        in port order, at most one per port and protocol
 * @param httpsPassthrough passthrough hosts of the HTTPS listener
 */
public record L4Routes(List<L4Listener> listeners, List<SniRoute> httpsPassthrough) {

    public L4Routes {
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        httpsPassthrough = httpsPassthrough == null ? List.of() : List.copyOf(httpsPassthrough);
        Set<String> keys = new HashSet<>();
        for (L4Listener l : listeners) {
            if (!keys.add(l.key())) {
                throw new IllegalArgumentException("listeners: " + l.key() + " twice (expected: one per port)");
            }
        }
        Set<String> hosts = new HashSet<>();
        for (SniRoute s : httpsPassthrough) {
            if (!hosts.add(s.hostname())) {
                throw new IllegalArgumentException("httpsPassthrough: " + s.hostname() + " twice");
            }
        }
    }

    /** Nothing at layer 4. */
    public static final L4Routes NONE = new L4Routes(List.of(), List.of());

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return listeners.isEmpty() && httpsPassthrough.isEmpty();
    }

    /** Every route, of every listener and passthrough host. */
    public List<L4Route> routes() {
        List<L4Route> all = new java.util.ArrayList<>();
        listeners.forEach(l -> all.addAll(l.routes()));
        httpsPassthrough.forEach(s -> all.add(s.route()));
        return all;
    }
}
