package dev.breakwater.dataplane.l4;

import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.RouteAction;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the endpoint of a new L4 connection or session: a backend of the route by weight, then an endpoint of that
 * cluster's tier in use by the route's balancer, skipping the endpoints already tried for this client.
 */
final class L4Balancer {

    /** A cluster and one of its endpoints. */
    record Pick(String cluster, Endpoint endpoint) {
        String authority() {
            return endpoint.authority();
        }
    }

    private L4Balancer() {
    }

    /** An endpoint for {@code client}, or null when every endpoint is tried or none may serve. */
    static Pick pick(L4Route route, L4Table table, L4LoopState state, InetSocketAddress client, Set<String> tried) {
        L4Cluster cluster = backend(route, table, tried);
        if (cluster == null) {
            return null;
        }
        List<Endpoint> candidates = new ArrayList<>();
        for (Endpoint e : cluster.endpoints()) {
            if (!tried.contains(e.authority())) {
                candidates.add(e);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        Endpoint chosen = switch (route.policy().balancer()) {
            case ROUND_ROBIN -> roundRobin(candidates, state.nextCursor(cluster.name()));
            case LEAST_CONNECTIONS -> leastConnections(candidates, cluster.name(), state);
            case SOURCE_HASH -> sourceHash(candidates, client);
        };
        return new Pick(cluster.name(), chosen);
    }

    /** A backend by weight among those with an endpoint not yet tried. */
    private static L4Cluster backend(L4Route route, L4Table table, Set<String> tried) {
        List<L4Cluster> usable = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        long total = 0;
        for (RouteAction.BackendRef b : route.backends()) {
            L4Cluster c = table.cluster(b.cluster());
            if (c == null || b.weight() == 0 || c.endpoints().stream().allMatch(e -> tried.contains(e.authority()))) {
                continue;
            }
            usable.add(c);
            weights.add(b.weight());
            total += b.weight();
        }
        if (usable.isEmpty()) {
            return null;
        }
        if (usable.size() == 1) {
            return usable.get(0);
        }
        long r = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < usable.size(); i++) {
            r -= weights.get(i);
            if (r < 0) {
                return usable.get(i);
            }
        }
        return usable.get(usable.size() - 1);
    }

    /** Weighted round-robin: position {@code cursor} of the sequence in which each endpoint appears weight times. */
    private static Endpoint roundRobin(List<Endpoint> candidates, long cursor) {
        long total = 0;
        for (Endpoint e : candidates) {
            total += e.weight();
        }
        long at = Math.floorMod(cursor, total);
        for (Endpoint e : candidates) {
            at -= e.weight();
            if (at < 0) {
                return e;
            }
        }
        return candidates.get(0);
    }

    /** The fewest open connections (of this event loop) per unit of weight; the first such in table order. */
    private static Endpoint leastConnections(List<Endpoint> candidates, String cluster, L4LoopState state) {
        Endpoint best = null;
        double bestLoad = Double.MAX_VALUE;
        for (Endpoint e : candidates) {
            double load = (double) state.active(cluster, e.authority()) / e.weight();
            if (load < bestLoad) {
                best = e;
                bestLoad = load;
            }
        }
        return best;
    }

    /**
     * Weighted rendezvous hashing of the client's IP address: each endpoint scores {@code -weight / ln(h)} for a hash
     * {@code h} in (0, 1) of address and endpoint; the highest wins. A client keeps its endpoint while that endpoint
     * stays, and removing an endpoint moves only its clients. Without an address, the first candidate.
     */
    private static Endpoint sourceHash(List<Endpoint> candidates, InetSocketAddress client) {
        if (client == null || client.getAddress() == null) {
            return candidates.get(0);
        }
        byte[] ip = client.getAddress().getAddress();
        Endpoint best = null;
        double bestScore = -Double.MAX_VALUE;
        for (Endpoint e : candidates) {
            long h = mix(ip, e.authority().getBytes(StandardCharsets.UTF_8));
            double unit = ((h >>> 11) + 1) / (double) ((1L << 53) + 1);
            double score = -e.weight() / Math.log(unit);
            if (score > bestScore) {
                best = e;
                bestScore = score;
            }
        }
        return best;
    }

    /** FNV-1a over both byte strings, then a 64-bit finaliser (splitmix). */
    private static long mix(byte[] a, byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : a) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0xff) * 0x100000001b3L;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
