package dev.breakwater.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A table's encoding made of its parts' encodings ({@link TableCodec#encodePart}, each made once by whoever keeps
 * them, however many tables share the part): the encoding of the table without virtual hosts and clusters
 * ({@code bare}), and the parts that go where its two lists stand empty. {@link #length} costs nothing and
 * {@link #json} copies the bytes once, the very bytes {@link TableCodec#encode(RoutingTable)} gives.
 *
 * @param bare       the encoding of the table with empty lists of virtual hosts and clusters
 * @param hostsAt    the index in {@code bare} of the {@code ]} of the empty list of virtual hosts
 * @param clustersAt likewise for the clusters
 * @param hosts      the encodings of the virtual hosts, in table order
 * @param clusters   the encodings of the clusters, in table order
 */
public record TableLayout(byte[] bare, int hostsAt, int clustersAt, List<byte[]> hosts, List<byte[]> clusters) {

    private static final byte[] HOSTS_EMPTY = "\"virtualHosts\":[]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLUSTERS_EMPTY = "\"clusters\":[]".getBytes(StandardCharsets.US_ASCII);

    public TableLayout {
        hosts = List.copyOf(hosts);
        clusters = List.copyOf(clusters);
    }

    /**
     * The layout of {@code table} whose virtual hosts and clusters encode to {@code hosts} and {@code clusters}
     * ({@link TableCodec#encodePart} of each, in table order).
     *
     * @throws IllegalArgumentException if the table does not have as many virtual hosts and clusters
     */
    public static TableLayout of(RoutingTable table, List<byte[]> hosts, List<byte[]> clusters) {
        if (hosts.size() != table.virtualHosts().size() || clusters.size() != table.clusters().size()) {
            throw new IllegalArgumentException("table v" + table.version() + " has " + table.virtualHosts().size()
                    + " virtual hosts and " + table.clusters().size() + " clusters, not " + hosts.size() + " and "
                    + clusters.size());
        }
        // version and hash come first (a number, hex), then the two lists: their first "...":[] are theirs
        byte[] bare = TableCodec.encode(new RoutingTable(table.version(), table.hash(), List.of(), List.of(),
                table.certificates(), table.l4(), table.settings()));
        int h = indexOf(bare, HOSTS_EMPTY, 0);
        int c = h < 0 ? -1 : indexOf(bare, CLUSTERS_EMPTY, h + HOSTS_EMPTY.length);
        if (c < 0) {
            throw new IllegalStateException("a routing table's encoding without its lists of hosts and clusters");
        }
        return new TableLayout(bare, h + HOSTS_EMPTY.length - 1, c + CLUSTERS_EMPTY.length - 1, hosts, clusters);
    }

    /** The length of the encoding. */
    public long length() {
        return bare.length + listLength(hosts) + listLength(clusters);
    }

    /**
     * The encoding, in a new array.
     *
     * @throws IllegalStateException if it does not fit in an array
     */
    public byte[] json() {
        long length = length();
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("a routing table's encoding of " + length + " bytes");
        }
        byte[] out = new byte[(int) length];
        System.arraycopy(bare, 0, out, 0, hostsAt);
        int at = fill(out, hostsAt, hosts);
        System.arraycopy(bare, hostsAt, out, at, clustersAt - hostsAt);
        at = fill(out, at + clustersAt - hostsAt, clusters);
        System.arraycopy(bare, clustersAt, out, at, bare.length - clustersAt);
        return out;
    }

    private static long listLength(List<byte[]> parts) {
        long n = parts.isEmpty() ? 0 : parts.size() - 1; // the commas
        for (byte[] p : parts) {
            n += p.length;
        }
        return n;
    }

    private static int fill(byte[] out, int at, List<byte[]> parts) {
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] p = parts.get(i);
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return at;
    }

    private static int indexOf(byte[] in, byte[] what, int from) {
        outer:
        for (int i = from; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
