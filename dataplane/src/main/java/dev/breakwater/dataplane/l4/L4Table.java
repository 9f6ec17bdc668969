package dev.breakwater.dataplane.l4;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SniRoute;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The L4 part of one routing table, checked and compiled: listeners by key, the HTTPS port's passthrough hosts, and
 * the endpoints of every cluster an L4 route names.
 */
final class L4Table {

    /** The key of the HTTPS port's passthrough hosts in metrics and drains. */
    static final String HTTPS = "https";

    static final L4Table EMPTY = new L4Table(Map.of(), List.of(), Map.of());

    private final Map<String, L4Listener> listeners;
    private final List<SniRoute> httpsPassthrough;
    private final Map<String, L4Cluster> clusters;

    private L4Table(Map<String, L4Listener> listeners, List<SniRoute> httpsPassthrough,
                    Map<String, L4Cluster> clusters) {
        this.listeners = listeners;
        this.httpsPassthrough = httpsPassthrough;
        this.clusters = clusters;
    }

    /**
     * Compiles the L4 part of {@code table}.
     *
     * @throws IllegalArgumentException naming the listener and route whose cluster is not in the table
     */
    static L4Table compile(RoutingTable table) {
        L4Routes l4 = table.l4Routes();
        if (l4.isEmpty()) {
            return EMPTY;
        }
        Map<String, L4Cluster> clusters = new HashMap<>();
        Map<String, L4Listener> listeners = new LinkedHashMap<>();
        for (L4Listener l : l4.listeners()) {
            for (L4Route r : l.routes()) {
                resolve(table, "L4 listener " + l.key(), r, clusters);
            }
            listeners.put(l.key(), l);
        }
        for (SniRoute s : l4.httpsPassthrough()) {
            resolve(table, "HTTPS passthrough host " + s.hostname(), s.route(), clusters);
        }
        return new L4Table(Map.copyOf(listeners), l4.httpsPassthrough(), Map.copyOf(clusters));
    }

    private static void resolve(RoutingTable table, String where, L4Route route, Map<String, L4Cluster> out) {
        for (RouteAction.BackendRef b : route.backends()) {
            Cluster c = table.cluster(b.cluster());
            if (c == null) {
                throw new IllegalArgumentException(where + ": route " + route.name() + ": cluster " + b.cluster()
                        + " is not in the table");
            }
            out.computeIfAbsent(c.name(), n -> L4Cluster.of(c));
        }
    }

    Map<String, L4Listener> listeners() {
        return listeners;
    }

    L4Listener listener(String key) {
        return listeners.get(key);
    }

    List<SniRoute> httpsPassthrough() {
        return httpsPassthrough;
    }

    /** The endpoints of {@code name}, or null when no L4 route of this table names it. */
    L4Cluster cluster(String name) {
        return clusters.get(name);
    }

    /** True when a connection of {@code listenerKey} may keep running to {@code authority} of {@code cluster}. */
    boolean keeps(String listenerKey, String cluster, String authority) {
        boolean listenerStays = HTTPS.equals(listenerKey) ? !httpsPassthrough.isEmpty()
                : listeners.containsKey(listenerKey);
        L4Cluster c = clusters.get(cluster);
        return listenerStays && c != null && c.serves(authority);
    }
}
