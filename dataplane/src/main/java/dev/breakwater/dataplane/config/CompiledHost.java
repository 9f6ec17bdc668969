package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.persistent.ShardedMap;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.VirtualHost;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The compiled routes of one virtual host, and the compiled clusters they forward to: what a next router keeps while
 * the host's content and those clusters stay.
 */
record CompiledHost(VirtualHost host, CompiledRoute[] routes, String[] clusterNames, CompiledCluster[] clusters,
                    boolean rateLimited) {

    static CompiledHost of(VirtualHost host, CompiledRoute[] routes, ShardedMap<String, CompiledCluster> byName) {
        Set<String> names = new LinkedHashSet<>();
        boolean limited = false;
        for (CompiledRoute r : routes) {
            if (r.route().action() instanceof RouteAction.Forward forward) {
                forward.backends().forEach(b -> names.add(b.cluster()));
            }
            limited |= r.route().policy().rateLimit() != null;
        }
        String[] n = names.toArray(String[]::new);
        CompiledCluster[] c = new CompiledCluster[n.length];
        for (int i = 0; i < n.length; i++) {
            c[i] = byName.get(n[i]);
        }
        return new CompiledHost(host, routes, n, c, limited);
    }

    /** True when the clusters of {@code byName} are the very ones these routes were compiled with. */
    boolean keeps(ShardedMap<String, CompiledCluster> byName) {
        for (int i = 0; i < clusterNames.length; i++) {
            if (byName.get(clusterNames[i]) != clusters[i]) {
                return false;
            }
        }
        return true;
    }

    String hash() {
        return host.hash();
    }
}
