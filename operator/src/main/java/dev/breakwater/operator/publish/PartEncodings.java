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
 * The encodings of the virtual hosts and clusters of the table published last, by content hash, so that publishing
 * a table encodes only the parts that the one before did not have: the whole table's encoding is then assembled from
 * them only for a data plane that needs it ({@link TableLayout}). Not thread-safe.
 */
final class PartEncodings {

    private Map<String, byte[]> hosts = new HashMap<>();
    private Map<String, byte[]> clusters = new HashMap<>();
    private long encoded;

    /** The layout of {@code table}'s encoding; from now on only its parts are kept. */
    TableLayout layout(RoutingTable table) {
        Map<String, byte[]> nextHosts = new HashMap<>(table.virtualHosts().size() * 2);
        List<byte[]> hostEncodings = new ArrayList<>(table.virtualHosts().size());
        for (VirtualHost v : table.virtualHosts()) {
            hostEncodings.add(encoding(v.hash(), v, hosts, nextHosts));
        }
        Map<String, byte[]> nextClusters = new HashMap<>(table.clusters().size() * 2);
        List<byte[]> clusterEncodings = new ArrayList<>(table.clusters().size());
        for (Cluster c : table.clusters()) {
            clusterEncodings.add(encoding(c.hash(), c, clusters, nextClusters));
        }
        hosts = nextHosts;
        clusters = nextClusters;
        return TableLayout.of(table, hostEncodings, clusterEncodings);
    }

    /** How many parts were encoded so far (not found among the last table's). */
    long encoded() {
        return encoded;
    }

    private byte[] encoding(String hash, Object part, Map<String, byte[]> known, Map<String, byte[]> next) {
        byte[] b = next.get(hash);
        if (b == null) {
            b = known.get(hash);
            if (b == null) {
                b = TableCodec.encodePart(part);
                encoded++;
            }
            next.put(hash, b);
        }
        return b;
    }
}
