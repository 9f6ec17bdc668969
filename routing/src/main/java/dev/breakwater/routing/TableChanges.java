package dev.breakwater.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The virtual hosts and clusters by which a table differs from a base table, as one or more {@link TableDelta deltas}
 * applied one after the other name them: for each host key ({@link VirtualHost#key}) and cluster name touched, the
 * part the table has now, or none when it was removed. What a data plane that applies deltas hands its router, so that
 * a swap looks at these parts only (see {@code docs/push-channel.md#deltas}). Certificates, the L4 part and the
 * settings are not listed: they are looked at whole.
 *
 * @param baseHash the content hash of the table these changes apply to
 * @param hash     the content hash of the table they give
 * @param hosts    by host key: the host the table has, or null for a host removed
 * @param clusters by cluster name: the cluster the table has, or null for a cluster removed
 */
public record TableChanges(String baseHash, String hash, Map<String, VirtualHost> hosts,
                           Map<String, Cluster> clusters) {

    public TableChanges {
        Objects.requireNonNull(baseHash, "baseHash");
        Objects.requireNonNull(hash, "hash");
        // null values mean "removed": copied into maps that allow them, read-only
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
    }

    /** What {@code delta} changes. */
    public static TableChanges of(TableDelta delta) {
        return new TableChanges(delta.baseHash(), delta.baseHash(), Map.of(), Map.of()).then(delta);
    }

    /**
     * These changes followed by {@code next}, whose base must be the table these give.
     *
     * @throws IllegalArgumentException if {@code next} does not apply to the table these changes give
     */
    public TableChanges then(TableDelta next) {
        if (!next.baseHash().equals(hash)) {
            throw new IllegalArgumentException("delta from " + next.baseHash() + " does not follow changes to " + hash);
        }
        Map<String, VirtualHost> h = new LinkedHashMap<>(hosts);
        next.removedHosts().forEach(k -> h.put(k, null));
        next.virtualHosts().forEach(c -> h.put(c.host().key(), c.host()));
        Map<String, Cluster> c = new LinkedHashMap<>(clusters);
        next.removedClusters().forEach(n -> c.put(n, null));
        next.clusters().forEach(ch -> c.put(ch.cluster().name(), ch.cluster()));
        return new TableChanges(baseHash, next.hash(), h, c);
    }

    /**
     * The changes from {@code base} to {@code next}, found by comparing their parts by name and content hash; null when a
     * host key or cluster name appears twice in one of them.
     */
    public static TableChanges between(RoutingTable base, RoutingTable next) {
        Map<String, VirtualHost> hosts = diff(base.virtualHosts(), next.virtualHosts(), VirtualHost::key,
                VirtualHost::hash);
        Map<String, Cluster> clusters = diff(base.clusters(), next.clusters(), Cluster::name, Cluster::hash);
        if (hosts == null || clusters == null) {
            return null;
        }
        return new TableChanges(base.hash(), next.hash(), hosts, clusters);
    }

    private static <T> Map<String, T> diff(java.util.List<T> base, java.util.List<T> next,
                                           java.util.function.Function<T, String> name,
                                           java.util.function.Function<T, String> hash) {
        Map<String, T> before = new java.util.HashMap<>(base.size() * 2);
        for (T part : base) {
            if (before.put(name.apply(part), part) != null) {
                return null;
            }
        }
        Map<String, T> out = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>(next.size() * 2);
        for (T part : next) {
            String n = name.apply(part);
            if (!seen.add(n)) {
                return null;
            }
            T old = before.remove(n);
            if (old == null || !hash.apply(old).equals(hash.apply(part))) {
                out.put(n, part);
            }
        }
        before.keySet().forEach(n -> out.put(n, null));
        return out;
    }
}
