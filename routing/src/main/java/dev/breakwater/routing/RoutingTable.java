package dev.breakwater.routing;

import java.util.List;
import java.util.Objects;

/**
 * One complete, immutable routing table.
 *
 * @param version      monotonically increasing number assigned by the publisher (0 before publication)
 * @param hash         SHA-256 (hex) of the table's content, version excluded; see {@link TableCodec#contentHash}
 * @param virtualHosts hosts in match order: exact names first, then {@code *.} wildcards, then the catch-all {@code *}
 * @param clusters     every backend the routes forward to, by unique name
 * @param certificates server certificates, chosen by SNI (exact name, then wildcard); PEM private keys
 *                     included, so a table is a secret (see {@link TableCodec#encodeRedacted})
 * @param l4           L4 listeners and TLS passthrough hosts, or null for none (an empty value is held as null, so
 *                     that a table without them encodes and hashes as before they existed)
 * @param settings     the settings of every data plane (the controller ConfigMap's), or null for none (held as null
 *                     when empty, as {@code l4})
 */
public record RoutingTable(long version, String hash, List<VirtualHost> virtualHosts, List<Cluster> clusters,
                           List<Certificate> certificates, L4Routes l4, EdgeSettings settings) {

    public RoutingTable {
        if (version < 0) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
        }
        Objects.requireNonNull(hash, "hash");
        virtualHosts = List.copyOf(virtualHosts);
        clusters = List.copyOf(clusters);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        l4 = l4 == null || l4.isEmpty() ? null : l4;
        settings = settings == null || settings.isEmpty() ? null : settings;
    }

    /** A table without settings of its own. */
    public RoutingTable(long version, String hash, List<VirtualHost> virtualHosts, List<Cluster> clusters,
                        List<Certificate> certificates, L4Routes l4) {
        this(version, hash, virtualHosts, clusters, certificates, l4, null);
    }

    /** A table without L4 listeners. */
    public RoutingTable(long version, String hash, List<VirtualHost> virtualHosts, List<Cluster> clusters,
                        List<Certificate> certificates) {
        this(version, hash, virtualHosts, clusters, certificates, null);
    }

    /** A table with version 0 and its content hash computed. */
    public static RoutingTable of(List<VirtualHost> virtualHosts, List<Cluster> clusters) {
        return of(virtualHosts, clusters, List.of());
    }

    /** A table with version 0, certificates, and its content hash computed. */
    public static RoutingTable of(List<VirtualHost> virtualHosts, List<Cluster> clusters,
                                  List<Certificate> certificates) {
        RoutingTable unhashed = new RoutingTable(0, "", virtualHosts, clusters, certificates);
        return new RoutingTable(0, TableCodec.contentHash(unhashed), virtualHosts, clusters, certificates);
    }

    /** The same content with these L4 listeners and passthrough hosts instead (version 0, hash computed). */
    public RoutingTable withL4(L4Routes routes) {
        RoutingTable unhashed = new RoutingTable(0, "", virtualHosts, clusters, certificates, routes, settings);
        return new RoutingTable(0, TableCodec.contentHash(unhashed), virtualHosts, clusters, certificates, routes,
                settings);
    }

    /** The same content with these data-plane settings instead (version 0, hash computed). */
    public RoutingTable withSettings(EdgeSettings edge) {
        RoutingTable unhashed = new RoutingTable(0, "", virtualHosts, clusters, certificates, l4, edge);
        return new RoutingTable(0, TableCodec.contentHash(unhashed), virtualHosts, clusters, certificates, l4,
                unhashed.settings);
    }

    /** The data-plane settings, {@link EdgeSettings#NONE} when there are none. */
    public EdgeSettings edgeSettings() {
        return settings == null ? EdgeSettings.NONE : settings;
    }

    /** The L4 listeners and passthrough hosts, {@link L4Routes#NONE} when there are none. */
    public L4Routes l4Routes() {
        return l4 == null ? L4Routes.NONE : l4;
    }

    /** The empty table: every request gets the built-in 404. */
    public static RoutingTable empty() {
        return of(List.of(), List.of());
    }

    /** The same content under another version number. */
    public RoutingTable withVersion(long newVersion) {
        return new RoutingTable(newVersion, hash, virtualHosts, clusters, certificates, l4, settings);
    }

    /** True when both tables route identically (their content hashes are equal). */
    public boolean sameContentAs(RoutingTable other) {
        return hash.equals(other.hash);
    }

    /** The cluster with this name, or null. */
    public Cluster cluster(String name) {
        for (Cluster c : clusters) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
