package dev.breakwater.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What changed from one table (the base) to the next: the virtual hosts, clusters and certificates added or changed
 * (each with its place in the next table) and those removed (by name), and the L4 part when it changed. Applied to
 * a table with the base's content it gives the next table, sharing every unchanged part with the base (the very same
 * objects, so a router built from it keeps what it compiled of them). Sent on the push channel as a {@code DELTA}
 * (see {@code docs/push-channel.md}); encoded by {@link TableCodec#encodeDelta}.
 *
 * @param baseVersion         the version of the table it applies to
 * @param baseHash            the content hash of the table it applies to: the only thing {@link #applyTo} checks
 * @param version             the version of the table it gives
 * @param hash                the content hash of the table it gives; {@link #applyTo} checks the result against it
 * @param virtualHosts        hosts added or changed, in next-table order
 * @param removedHosts        hosts of the base that the next table does not have, by {@link VirtualHost#key}
 * @param clusters            clusters added or changed, in next-table order
 * @param removedClusters     cluster names of the base that the next table does not have
 * @param certificates        certificates added or changed, in next-table order
 * @param removedCertificates certificate names of the base that the next table does not have
 * @param l4                  the next table's L4 part when it differs from the base's ({@link L4Routes#NONE} when it
 *                            has none), or null when it is the same
 * @param settings            the next table's data-plane settings when they differ from the base's
 *                            ({@link EdgeSettings#NONE} when it has none), or null when they are the same
 */
public record TableDelta(long baseVersion, String baseHash, long version, String hash,
                         List<HostChange> virtualHosts, List<String> removedHosts,
                         List<ClusterChange> clusters, List<String> removedClusters,
                         List<CertificateChange> certificates, List<String> removedCertificates,
                         L4Routes l4, EdgeSettings settings) {

    public TableDelta {
        Objects.requireNonNull(baseHash, "baseHash");
        Objects.requireNonNull(hash, "hash");
        virtualHosts = virtualHosts == null ? List.of() : List.copyOf(virtualHosts);
        removedHosts = removedHosts == null ? List.of() : List.copyOf(removedHosts);
        clusters = clusters == null ? List.of() : List.copyOf(clusters);
        removedClusters = removedClusters == null ? List.of() : List.copyOf(removedClusters);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        removedCertificates = removedCertificates == null ? List.of() : List.copyOf(removedCertificates);
    }

    /**
     * A virtual host added or changed.
     *
     * @param at   its index in the next table's virtual hosts
     * @param hash its content hash, checked against the host when the change is made (so on decoding)
     */
    public record HostChange(int at, String hash, VirtualHost host) {
        public HostChange {
            Objects.requireNonNull(host, "host");
            checkHash("virtual host " + host.hostname(), hash, host.hash());
        }
    }

    /**
     * A cluster added or changed.
     *
     * @param at   its index in the next table's clusters
     * @param hash its content hash, checked against the cluster when the change is made (so on decoding)
     */
    public record ClusterChange(int at, String hash, Cluster cluster) {
        public ClusterChange {
            Objects.requireNonNull(cluster, "cluster");
            checkHash("cluster " + cluster.name(), hash, cluster.hash());
        }
    }

    /**
     * A certificate added or changed.
     *
     * @param at its index in the next table's certificates
     */
    public record CertificateChange(int at, Certificate certificate) {
        public CertificateChange {
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    /** Added, changed and removed parts of one kind. */
    private record Diff<T, C>(List<C> changes, List<String> removed) {
    }

    /** Makes the change of one part (its index in the next table, the part). */
    @FunctionalInterface
    private interface ChangeOf<T, C> {
        C change(int at, T part);
    }

    /**
     * The delta from {@code base} to {@code next}, or null when there is none to send: a part name appears twice in
     * one of the tables, or parts that did not change are not in the same order in both (then only the whole table
     * says what {@code next} is).
     */
    public static TableDelta between(RoutingTable base, RoutingTable next) {
        Diff<VirtualHost, HostChange> hosts = diff(base.virtualHosts(), next.virtualHosts(), VirtualHost::key,
                (a, b) -> a.hash().equals(b.hash()), (at, h) -> new HostChange(at, h.hash(), h));
        Diff<Cluster, ClusterChange> clusters = diff(base.clusters(), next.clusters(), Cluster::name,
                (a, b) -> a.hash().equals(b.hash()), (at, c) -> new ClusterChange(at, c.hash(), c));
        Diff<Certificate, CertificateChange> certificates = diff(base.certificates(), next.certificates(),
                Certificate::name, Certificate::equals, CertificateChange::new);
        if (hosts == null || clusters == null || certificates == null) {
            return null;
        }
        L4Routes l4 = base.l4Routes().equals(next.l4Routes()) ? null : next.l4Routes();
        EdgeSettings settings = base.edgeSettings().equals(next.edgeSettings()) ? null : next.edgeSettings();
        return new TableDelta(base.version(), base.hash(), next.version(), next.hash(), hosts.changes(),
                hosts.removed(), clusters.changes(), clusters.removed(), certificates.changes(),
                certificates.removed(), l4, settings);
    }

    /** True when the delta changes nothing but the version. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return virtualHosts.isEmpty() && removedHosts.isEmpty() && clusters.isEmpty() && removedClusters.isEmpty()
                && certificates.isEmpty() && removedCertificates.isEmpty() && l4 == null && settings == null;
    }

    /**
     * The next table: {@code base} with the parts removed, added and changed that this delta names.
     *
     * @throws IllegalArgumentException if {@code base} does not have this delta's base hash, if the delta does not fit
     *                                  it (a part removed that it does not have, an index out of place), or if the
     *                                  result does not have this delta's hash
     */
    public RoutingTable applyTo(RoutingTable base) {
        if (!base.hash().equals(baseHash)) {
            throw new IllegalArgumentException("delta v" + baseVersion + " -> v" + version + ": its base (" + baseHash
                    + ") is not the table served (v" + base.version() + ", " + base.hash() + ")");
        }
        List<VirtualHost> hosts = merge("virtual host", base.virtualHosts(), VirtualHost::key, removedHosts,
                virtualHosts, HostChange::at, HostChange::host, VirtualHost::key);
        List<Cluster> nextClusters = merge("cluster", base.clusters(), Cluster::name, removedClusters, clusters,
                ClusterChange::at, ClusterChange::cluster, Cluster::name);
        List<Certificate> nextCertificates = merge("certificate", base.certificates(), Certificate::name,
                removedCertificates, certificates, CertificateChange::at, CertificateChange::certificate,
                Certificate::name);
        L4Routes nextL4 = l4 == null ? base.l4() : l4;
        EdgeSettings nextSettings = settings == null ? base.settings() : settings;
        RoutingTable next = new RoutingTable(version, hash, hosts, nextClusters, nextCertificates, nextL4,
                nextSettings);
        String content = TableCodec.contentHash(next);
        if (!content.equals(hash)) {
            throw new IllegalArgumentException("delta v" + baseVersion + " -> v" + version + " gives a table whose "
                    + "content (" + content + ") is not its hash (" + hash + ")");
        }
        return next;
    }

    private static <T, C> Diff<T, C> diff(List<T> base, List<T> next, Function<T, String> name,
                                          java.util.function.BiPredicate<T, T> same, ChangeOf<T, C> change) {
        Map<String, T> before = byName(base, name);
        Map<String, T> after = byName(next, name);
        if (before == null || after == null) {
            return null;
        }
        List<C> changes = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < next.size(); i++) {
            T part = next.get(i);
            T old = before.get(name.apply(part));
            if (old != null && same.test(old, part)) {
                kept.add(name.apply(part));
            } else {
                changes.add(change.change(i, part));
            }
        }
        List<String> removed = new ArrayList<>();
        int k = 0;
        for (T part : base) {
            String n = name.apply(part);
            T now = after.get(n);
            if (now == null) {
                removed.add(n);
            } else if (same.test(part, now)) {
                // what did not change keeps its order, so the receiver puts it back where it belongs
                if (k >= kept.size() || !kept.get(k).equals(n)) {
                    return null;
                }
                k++;
            }
        }
        return new Diff<>(changes, removed);
    }

    private static <T> Map<String, T> byName(List<T> parts, Function<T, String> name) {
        Map<String, T> out = new HashMap<>(parts.size() * 2);
        for (T part : parts) {
            if (out.put(name.apply(part), part) != null) {
                return null;
            }
        }
        return out;
    }

    /**
     * The base's parts without those removed or changed, in their order, around the changed and added ones placed at
     * their indexes.
     */
    private static <T, C> List<T> merge(String what, List<T> base, Function<T, String> name, List<String> removed,
                                        List<C> changes, java.util.function.ToIntFunction<C> at,
                                        Function<C, T> partOf, Function<T, String> changedName) {
        if (removed.isEmpty() && changes.isEmpty()) {
            return base;
        }
        // one look at each part of the base, in a set of the names the delta touches (not a set of the base's names)
        Set<String> missing = new java.util.LinkedHashSet<>(removed);
        Set<String> drop = new HashSet<>(removed);
        changes.forEach(c -> drop.add(changedName.apply(partOf.apply(c))));
        List<T> kept = new ArrayList<>(base.size());
        for (T p : base) {
            String n = name.apply(p);
            if (drop.contains(n)) {
                missing.remove(n);
            } else {
                kept.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("delta removes " + what + " " + missing.iterator().next()
                    + ", which the base does not have");
        }
        int size = kept.size() + changes.size();
        List<T> out = new ArrayList<>(size);
        int next = 0;
        int last = -1;
        for (C c : changes) {
            int index = at.applyAsInt(c);
            if (index <= last || index >= size) {
                throw new IllegalArgumentException("delta puts " + what + " " + changedName.apply(partOf.apply(c))
                        + " at " + index + " (expected: above " + last + " and below " + size + ")");
            }
            while (out.size() < index) {
                out.add(kept.get(next++));
            }
            out.add(partOf.apply(c));
            last = index;
        }
        while (next < kept.size()) {
            out.add(kept.get(next++));
        }
        return out;
    }

    private static void checkHash(String what, String sent, String content) {
        Objects.requireNonNull(sent, "hash");
        if (!sent.equals(content)) {
            throw new IllegalArgumentException(what + ": hash " + sent + " does not match its content (" + content
                    + ")");
        }
    }
}
