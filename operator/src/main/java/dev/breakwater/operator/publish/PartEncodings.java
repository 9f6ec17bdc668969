package dev.breakwater.operator.publish;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableLayout;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The encodings of the virtual hosts and clusters of the tables published, by content hash, so that publishing
 * a table encodes only the parts that the one before did not have: the whole table's encoding is then assembled from
 * them only for a data plane that needs it ({@link TableLayout}). Parts that the latest table does not have are
 * forgotten once they are as many as its parts (a look at each then; between, a publication costs a lookup per
 * part). Not thread-safe.
 */
final class PartEncodings {

    /** One part's encoding, and the publication that last used it. */
    private static final class Encoding {
        final byte[] bytes;
        long used;

        Encoding(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    private final Map<String, Encoding> hosts = new HashMap<>();
    private final Map<String, Encoding> clusters = new HashMap<>();
    private long publication;
    private long encoded;

    /** The layout of {@code table}'s encoding. */
    TableLayout layout(RoutingTable table) {
        long now = ++publication;
        List<byte[]> hostEncodings = new ArrayList<>(table.virtualHosts().size());
        for (VirtualHost v : table.virtualHosts()) {
            hostEncodings.add(encoding(v.hash(), v, hosts, now));
        }
        List<byte[]> clusterEncodings = new ArrayList<>(table.clusters().size());
        for (Cluster c : table.clusters()) {
            clusterEncodings.add(encoding(c.hash(), c, clusters, now));
        }
        forgetUnused(hosts, table.virtualHosts().size(), now);
        forgetUnused(clusters, table.clusters().size(), now);
        return TableLayout.of(table, hostEncodings, clusterEncodings);
    }

    /** How many parts were encoded so far (not found among those kept). */
    long encoded() {
        return encoded;
    }

    /** How many encodings are kept (those of the latest table, and at most as many others). */
    int kept() {
        return hosts.size() + clusters.size();
    }

    private byte[] encoding(String hash, Object part, Map<String, Encoding> known, long now) {
        Encoding e = known.get(hash);
        if (e == null) {
            e = new Encoding(TableCodec.encodePart(part));
            known.put(hash, e);
            encoded++;
        }
        e.used = now;
        return e.bytes;
    }

    private static void forgetUnused(Map<String, Encoding> known, int inUse, long now) {
        if (known.size() > 2 * inUse + 64) {
            known.values().removeIf(e -> e.used != now);
        }
    }
}
