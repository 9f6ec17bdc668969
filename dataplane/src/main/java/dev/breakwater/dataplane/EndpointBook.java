package dev.breakwater.dataplane;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.metrics.EndpointMeters;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the endpoints of each router swapped in mean beyond it ({@link DataPlane#apply}): the endpoint registry keeps
 * the states of the endpoints the table knows (and of those still busy), the endpoint meters follow the table, and
 * every event loop's pool drains what no longer gets requests, an endpoint that left the table by its former
 * cluster's drain timeout. A swap whose router holds the very compiled clusters of the swap before (a swap keeps a
 * cluster whose content stays: a change of routes only) changes none of it and costs a look at each cluster.
 * One applying thread at a time.
 */
final class EndpointBook {

    private final EndpointRegistry registry;
    private final EndpointMeters meters;
    private final Collection<UpstreamPool> pools;
    private final long defaultDrainMillis;
    private Map<String, Long> previousDrainMillis = Map.of();
    /** The compiled clusters and authentication endpoints of the last swap booked (null: none yet). */
    private Set<CompiledCluster> bookedClusters;
    private Set<String> bookedAuthKeys;

    /** @param pools every event loop's pool (read at each swap: the pools are made when the data plane starts) */
    EndpointBook(EndpointRegistry registry, EndpointMeters meters, Collection<UpstreamPool> pools,
                 long defaultDrainMillis) {
        this.registry = registry;
        this.meters = meters;
        this.pools = pools;
        this.defaultDrainMillis = defaultDrainMillis;
    }

    /** {@code router} serves from now on. */
    synchronized void swapped(Router router) {
        if (sameEndpoints(router)) {
            return;
        }
        Set<String> serving = new HashSet<>();
        Map<String, Long> drainMillis = new HashMap<>();
        // each endpoint's host:port by its pool key: the endpoints the table knows
        Map<String, String> authorities = new HashMap<>();
        for (CompiledCluster c : router.clusters()) {
            // keys and authorities made once per cluster content (a kept cluster keeps them)
            List<String> keys = c.endpointKeys();
            List<String> hostPorts = c.endpointAuthorities();
            Long drain = c.drainTimeoutMillis();
            for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i);
                authorities.putIfAbsent(k, hostPorts.get(i));
                drainMillis.merge(k, drain, Math::max);
            }
            serving.addAll(c.servingKeys());
        }
        Set<String> known = authorities.keySet();
        // the connections to external authentication services stay pooled while a route asks them
        serving.addAll(router.authEndpointKeys());
        registry.retainOnly(known);
        meters.retain(authorities, registry::state);
        // endpoints that just left the table drain by their former cluster's timeout
        Map<String, Long> thisTable = Map.copyOf(drainMillis);
        previousDrainMillis.forEach(drainMillis::putIfAbsent);
        previousDrainMillis = thisTable;
        Set<String> servingNow = Set.copyOf(serving);
        Map<String, Long> drainNow = Map.copyOf(drainMillis);
        for (UpstreamPool pool : pools) {
            pool.eventLoop().execute(() -> pool.drainOthers(servingNow, drainNow, defaultDrainMillis));
        }
        Set<CompiledCluster> booked = Collections.newSetFromMap(new IdentityHashMap<>());
        booked.addAll(router.clusters());
        bookedClusters = booked;
        bookedAuthKeys = Set.copyOf(router.authEndpointKeys());
    }

    /**
     * True when {@code router} forwards to the very compiled clusters, and asks the very authentication endpoints,
     * of the last swap booked: then every endpoint key, drain timeout and serving set is as it was.
     */
    private boolean sameEndpoints(Router router) {
        Set<CompiledCluster> booked = bookedClusters;
        if (booked == null || booked.size() != router.clusters().size()
                || !bookedAuthKeys.equals(router.authEndpointKeys())) {
            return false;
        }
        for (CompiledCluster c : router.clusters()) {
            if (!booked.contains(c)) {
                return false;
            }
        }
        return true;
    }
}
