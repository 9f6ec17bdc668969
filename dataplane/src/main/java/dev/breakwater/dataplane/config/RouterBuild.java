package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.persistent.ShardedMap;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Router} is made of, and how one is made from the router before it and the parts that changed: the
 * maps of the router before are edited ({@link ShardedMap#edit}), so a swap costs in proportion to the hosts and
 * clusters it names, and to the hosts that forward to a cluster it names. From nothing (the first table, or a table
 * with a name twice) every part is named; the compiled parts of the router before are still kept by name and hash.
 */
final class RouterBuild {

    /** The state of a router: every map immutable. */
    record State(ShardedMap<String, CompiledCluster> clusters, ShardedMap<String, CompiledHost> hosts,
                 ShardedMap<String, ShardedMap<String, Boolean>> users, ShardedMap<String, Integer> authKeys,
                 ShardedMap<String, Integer> routeNames, ShardedMap<String, CompiledHost> rateLimited,
                 ShardedMap<String, CompiledCluster> healthChecked, HostIndex shared,
                 Map<Integer, HostIndex> byPort) {

        static final State EMPTY = new State(ShardedMap.empty(), ShardedMap.empty(), ShardedMap.empty(),
                ShardedMap.empty(), ShardedMap.empty(), ShardedMap.empty(), ShardedMap.empty(), HostIndex.EMPTY,
                Map.of());
    }

    private final ProxyMetrics metrics;
    private final EndpointRegistry registry;
    private final RateLimiters.Generation limiters;
    private final ProxyConfig config;
    /** Where compiled parts are kept from (by name and hash), or null. */
    private final State reuse;

    private final ShardedMap.Editor<String, CompiledHost> hosts;
    private final ShardedMap.Editor<String, ShardedMap<String, Boolean>> users;
    private final Map<String, ShardedMap.Editor<String, Boolean>> usersOf = new HashMap<>();
    private final ShardedMap.Editor<String, Integer> authKeys;
    private final ShardedMap.Editor<String, Integer> routeNames;
    /** Route names that some host gave up in this build (some may be back under another host). */
    private final java.util.Set<String> routesLeft = new java.util.HashSet<>();
    private final ShardedMap.Editor<String, CompiledHost> rateLimited;
    private final State base;
    private HostIndex.Editor shared;
    private final Map<Integer, HostIndex.Editor> byPort = new HashMap<>();
    int clustersCompiled;
    int hostsCompiled;

    RouterBuild(State base, State reuse, ProxyMetrics metrics, EndpointRegistry registry,
                RateLimiters.Generation limiters, ProxyConfig config) {
        this.base = base;
        this.reuse = reuse;
        this.metrics = metrics;
        this.registry = registry;
        this.limiters = limiters;
        this.config = config;
        this.hosts = base.hosts().edit();
        this.users = base.users().edit();
        this.authKeys = base.authKeys().edit();
        this.routeNames = base.routeNames().edit();
        this.rateLimited = base.rateLimited().edit();
    }

    /**
     * Applies the changes: by cluster name and by host key, the part the table has now, or null for one removed.
     *
     * @throws IllegalArgumentException if the table is inconsistent (see {@link Router})
     */
    State apply(Map<String, Cluster> clusterChanges, Map<String, VirtualHost> hostChanges) {
        ShardedMap.Editor<String, CompiledCluster> clusters = base.clusters().edit();
        ShardedMap.Editor<String, CompiledCluster> health = base.healthChecked().edit();
        List<String> recompiled = new ArrayList<>();
        for (Map.Entry<String, Cluster> e : clusterChanges.entrySet()) {
            String name = e.getKey();
            Cluster c = e.getValue();
            if (c == null) {
                if (clusters.remove(name) != null) {
                    recompiled.add(name);
                }
                health.remove(name);
                continue;
            }
            CompiledCluster now = clusters.get(name);
            if (now != null && now.cluster().hash().equals(c.hash())) {
                continue;
            }
            CompiledCluster kept = reuse == null ? null : reuse.clusters().get(name);
            CompiledCluster compiled;
            if (kept != null && kept.cluster().hash().equals(c.hash())) {
                compiled = kept;
            } else {
                compiled = new CompiledCluster(c, registry);
                clustersCompiled++;
            }
            clusters.put(name, compiled);
            recompiled.add(name);
            if (c.policy().healthCheck() != null) {
                health.put(name, compiled);
            } else {
                health.remove(name);
            }
        }
        ShardedMap<String, CompiledCluster> clusterMap = clusters.done();
        // the hosts to look at: those named, and those that forward to a cluster compiled again or removed
        Map<String, VirtualHost> todo = new LinkedHashMap<>(hostChanges);
        for (String name : recompiled) {
            ShardedMap<String, Boolean> u = base.users().get(name);
            if (u != null) {
                u.forEach((key, yes) -> {
                    if (!todo.containsKey(key)) {
                        todo.put(key, hosts.get(key).host());
                    }
                });
            }
        }
        // every host leaves first, so that a listener port's hosts are checked against the table's, not the last one's
        List<CompiledHost> before = new ArrayList<>(todo.size());
        for (String key : todo.keySet()) {
            CompiledHost old = hosts.get(key);
            before.add(old);
            if (old != null) {
                unindex(key, old);
            }
        }
        int i = 0;
        for (Map.Entry<String, VirtualHost> e : todo.entrySet()) {
            CompiledHost old = before.get(i++);
            VirtualHost vh = e.getValue();
            if (vh == null) {
                continue;
            }
            CompiledHost candidate = old != null && old.hash().equals(vh.hash()) ? old
                    : reuse == null ? null : reuse.hosts().get(e.getKey());
            CompiledHost compiled;
            if (candidate != null && candidate.hash().equals(vh.hash()) && candidate.keeps(clusterMap)) {
                compiled = candidate;
            } else {
                CompiledRoute[] routes = new CompiledRoute[vh.routes().size()];
                int r = 0;
                Map<String, CompiledCluster> byName = clusterMap.asMap();
                for (Route route : vh.routes()) {
                    routes[r++] = new CompiledRoute(route, vh.clientAuth(), byName, metrics, limiters, config);
                }
                compiled = CompiledHost.of(vh, routes, clusterMap);
                hostsCompiled++;
            }
            index(e.getKey(), compiled);
        }
        usersOf.forEach((name, editor) -> {
            ShardedMap<String, Boolean> u = editor.done();
            if (u.isEmpty()) {
                users.remove(name);
            } else {
                users.put(name, u);
            }
        });
        ShardedMap<String, CompiledHost> limited = rateLimited.done();
        // the limiters in use stay in use (the generation drops those nobody asks for)
        for (CompiledHost h : limited.values()) {
            for (CompiledRoute r : h.routes()) {
                if (r.route().policy().rateLimit() != null) {
                    limiters.limiter(r.route().name(), r.route().policy().rateLimit());
                }
            }
        }
        Map<Integer, HostIndex> ports = new HashMap<>(base.byPort());
        byPort.forEach((port, editor) -> {
            if (editor.size() == 0) {
                ports.remove(port);
            } else {
                ports.put(port, editor.done());
            }
        });
        ShardedMap<String, Integer> names = routeNames.done();
        routesLeft.removeIf(names::containsKey);
        return new State(clusterMap, hosts.done(), users.done(), authKeys.done(), names, limited,
                health.done(), shared == null ? base.shared() : shared.done(), Map.copyOf(ports));
    }

    private HostIndex.Editor indexOf(ListenerPort l) {
        if (l == null) {
            if (shared == null) {
                shared = base.shared().edit();
            }
            return shared;
        }
        return byPort.computeIfAbsent(l.port(), p -> base.byPort().getOrDefault(p, HostIndex.EMPTY).edit());
    }

    private ShardedMap.Editor<String, Boolean> usersOf(String cluster) {
        return usersOf.computeIfAbsent(cluster, c -> {
            ShardedMap<String, Boolean> u = base.users().get(c);
            return (u == null ? ShardedMap.<String, Boolean>empty() : u).edit();
        });
    }

    private void index(String key, CompiledHost h) {
        CompiledHost replaced = hosts.put(key, h);
        if (replaced != null) {
            unindex(key, replaced); // a table that names a host twice: the later one serves, as it always did
            hosts.put(key, h);
        }
        indexOf(h.host().listener()).put(h.host(), h.routes());
        for (String c : h.clusterNames()) {
            usersOf(c).put(key, Boolean.TRUE);
        }
        for (CompiledRoute r : h.routes()) {
            count(routeNames, r.route().name(), 1);
            String auth = authKey(r);
            if (auth != null) {
                count(authKeys, auth, 1);
            }
        }
        if (h.rateLimited()) {
            rateLimited.put(key, h);
        }
    }

    private void unindex(String key, CompiledHost h) {
        hosts.remove(key);
        indexOf(h.host().listener()).remove(h.host(), h.routes());
        for (String c : h.clusterNames()) {
            usersOf(c).remove(key);
        }
        for (CompiledRoute r : h.routes()) {
            count(routeNames, r.route().name(), -1);
            routesLeft.add(r.route().name());
            String auth = authKey(r);
            if (auth != null) {
                count(authKeys, auth, -1);
            }
        }
        rateLimited.remove(key);
    }

    /** The route names of the router before that the new one does not have (valid after {@link #apply}). */
    java.util.Set<String> routesLeft() {
        return routesLeft;
    }

    private static String authKey(CompiledRoute r) {
        return r.authenticator() == null ? null : r.authenticator().externalEndpointKey();
    }

    private static void count(ShardedMap.Editor<String, Integer> counts, String key, int by) {
        Integer n = counts.get(key);
        int now = (n == null ? 0 : n) + by;
        if (now <= 0) {
            counts.remove(key);
        } else {
            counts.put(key, now);
        }
    }
}
