package dev.breakwater.dataplane;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.metrics.EndpointMeters;
import dev.breakwater.dataplane.persistent.ShardedMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the endpoints of each router swapped in mean beyond it ({@link DataPlane#apply}): the endpoint registry keeps
 * the states of the endpoints the table knows (and of those still busy), the endpoint meters follow the table, and
 * every event loop's pool drains what no longer gets requests, an endpoint that left the table by its former
 * cluster's drain timeout.
 *
 * <p>A swap costs in proportion to the clusters it changed: the book keeps, between swaps, each endpoint's clusters
 * (by pool key) and the set of keys that get requests, and compares the router's compiled clusters with those of the
 * swap before ({@link ShardedMap#forEachDifference}: a cluster kept is the very same object). Only the endpoints of
 * clusters added, changed or removed are looked at, and the pools are told only of the keys that stopped getting
 * requests. One applying thread at a time.
 */
final class EndpointBook {

    private final EndpointRegistry registry;
    private final EndpointMeters meters;
    private final Collection<UpstreamPool> pools;
    private final long defaultDrainMillis;
    /** The compiled clusters and authentication endpoints of the last swap booked. */
    private ShardedMap<String, CompiledCluster> bookedClusters = ShardedMap.empty();
    private ShardedMap<String, Integer> bookedAuth = ShardedMap.empty();
    /** Each endpoint the table knows, by pool key. */
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    /** The keys that get new requests: every cluster's serving keys and the authentication endpoints asked. */
    private ShardedMap<String, Boolean> serving = ShardedMap.empty();
    /** Keys that left the table while requests were in flight on them: their states are forgotten later. */
    private final Set<String> lingering = new HashSet<>();

    /** The clusters that list one endpoint (usually one), and in how many of them it serves. */
    private static final class Endpoint {
        final String authority;
        final List<CompiledCluster> clusters = new ArrayList<>(1);
        int servingIn;

        Endpoint(String authority) {
            this.authority = authority;
        }

        long drainMillis(long otherwise) {
            long max = -1;
            for (CompiledCluster c : clusters) {
                max = Math.max(max, c.drainTimeoutMillis());
            }
            return max < 0 ? otherwise : max;
        }
    }

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
        ShardedMap<String, CompiledCluster> clusters = router.clusterMap();
        ShardedMap<String, Integer> auth = router.authEndpointKeyCounts();
        List<CompiledCluster> gone = new ArrayList<>();
        List<CompiledCluster> come = new ArrayList<>();
        clusters.forEachDifference(bookedClusters, (name, before, after) -> {
            if (before != null) {
                gone.add(before);
            }
            if (after != null) {
                come.add(after);
            }
        });
        Set<String> authChanged = new HashSet<>();
        auth.forEachDifference(bookedAuth, (key, before, after) -> {
            if (before == null || after == null) {
                authChanged.add(key);
            }
        });
        if (gone.isEmpty() && come.isEmpty() && authChanged.isEmpty() && lingering.isEmpty()) {
            bookedAuth = auth;
            return;
        }
        // every key looked at, with whether it got requests and its drain timeout before the swap
        Map<String, Long> before = new LinkedHashMap<>();
        Set<String> servedBefore = new HashSet<>();
        for (List<CompiledCluster> side : List.of(gone, come)) {
            for (CompiledCluster c : side) {
                for (String k : c.endpointKeys()) {
                    look(k, before, servedBefore);
                }
            }
        }
        for (String k : authChanged) {
            look(k, before, servedBefore);
        }
        for (CompiledCluster c : gone) {
            for (String k : c.endpointKeys()) {
                endpoints.get(k).clusters.remove(c);
            }
            for (String k : c.servingKeys()) {
                endpoints.get(k).servingIn--;
            }
        }
        for (CompiledCluster c : come) {
            List<String> keys = c.endpointKeys();
            List<String> hostPorts = c.endpointAuthorities();
            for (int i = 0; i < keys.size(); i++) {
                String hostPort = hostPorts.get(i);
                endpoints.computeIfAbsent(keys.get(i), k -> new Endpoint(hostPort)).clusters.add(c);
            }
            for (String k : c.servingKeys()) {
                endpoints.get(k).servingIn++;
            }
        }
        ShardedMap.Editor<String, Boolean> servingNow = serving.edit();
        Map<String, Long> stopped = new HashMap<>();
        for (Map.Entry<String, Long> e : before.entrySet()) {
            String k = e.getKey();
            Endpoint now = endpoints.get(k);
            boolean known = now != null && !now.clusters.isEmpty();
            boolean knownBefore = e.getValue() != null;
            if (!known && now != null) {
                endpoints.remove(k);
            }
            if (known && !knownBefore) {
                lingering.remove(k);
                meters.add(k, now.authority, registry::state);
            } else if (!known && knownBefore) {
                meters.remove(k, registry::state);
            }
            if (!known && (knownBefore || authChanged.contains(k)) && !auth.containsKey(k)
                    && !registry.forget(k)) {
                lingering.add(k);
            }
            boolean servesNow = known && now.servingIn > 0 || auth.containsKey(k);
            if (servesNow) {
                servingNow.put(k, Boolean.TRUE);
            } else {
                servingNow.remove(k);
                if (servedBefore.contains(k)) {
                    // endpoints that just left the table drain by their former cluster's timeout
                    stopped.put(k, known ? now.drainMillis(defaultDrainMillis)
                            : knownBefore ? e.getValue() : defaultDrainMillis);
                }
            }
        }
        lingering.removeIf(k -> !endpoints.containsKey(k) && registry.forget(k));
        if (registry.size() > endpoints.size() + lingering.size() + auth.size()) {
            // states no table served knows (made for a table that was refused): rare, then a walk of the registry
            registry.retainOnly(k -> endpoints.containsKey(k) || auth.containsKey(k) || lingering.contains(k));
        }
        ShardedMap<String, Boolean> next = servingNow.done();
        bookedClusters = clusters;
        bookedAuth = auth;
        if (next != serving || !stopped.isEmpty()) {
            serving = next;
            Set<String> keys = next.keySet();
            Map<String, Long> drain = Map.copyOf(stopped);
            for (UpstreamPool pool : pools) {
                pool.eventLoop().execute(() -> pool.drainOthers(keys, drain, defaultDrainMillis));
            }
        }
    }

    /**
     * Notes key {@code k}'s state before the swap, once: its drain timeout (null when the table did not know it) and
     * whether it got requests.
     */
    private void look(String k, Map<String, Long> before, Set<String> servedBefore) {
        if (before.containsKey(k)) {
            return;
        }
        Endpoint e = endpoints.get(k);
        boolean known = e != null && !e.clusters.isEmpty();
        before.put(k, known ? e.drainMillis(defaultDrainMillis) : null);
        if (serving.containsKey(k)) {
            servedBefore.add(k);
        }
    }

    /** The keys that get new requests now (tests). */
    synchronized Set<String> servingKeys() {
        return serving.keySet();
    }

    /** The endpoints the table knows, by pool key: their {@code host:port} (tests). */
    synchronized Map<String, String> knownEndpoints() {
        Map<String, String> out = new HashMap<>();
        endpoints.forEach((k, e) -> out.put(k, e.authority));
        return out;
    }
}
