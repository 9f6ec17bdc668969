package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each virtual host and cluster carries the hash of its own content; the table's hash is made of them. */
class PartHashesTest {

    @Test
    void aPartsHashFollowsItsContentAndSurvivesTheWire() {
        RoutingTable table = TableCodecTest.sample();
        RoutingTable decoded = TableCodec.decode(TableCodec.encode(table));

        for (int i = 0; i < table.virtualHosts().size(); i++) {
            assertThat(decoded.virtualHosts().get(i).hash()).hasSize(64)
                    .isEqualTo(table.virtualHosts().get(i).hash());
        }
        assertThat(decoded.clusters()).extracting(Cluster::hash)
                .containsExactlyElementsOf(table.clusters().stream().map(Cluster::hash).toList());
        assertThat(table.virtualHosts()).extracting(VirtualHost::hash).doesNotHaveDuplicates();
        assertThat(TableCodec.encodeToString(table)).doesNotContain("\"hash\":\"" + table.clusters().get(0).hash());
    }

    @Test
    void equalContentGivesEqualHashes() {
        Cluster a = new Cluster("default/web:http", null, List.of(Endpoint.ready("10.0.0.1", 80)));
        Cluster b = new Cluster("default/web:http", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("10.0.0.1", 80)),
                null, ClusterPolicy.DEFAULTS);
        Cluster c = new Cluster("default/web:http", null, List.of(Endpoint.ready("10.0.0.2", 80)));

        assertThat(a.hash()).isEqualTo(b.hash());
        assertThat(a).isEqualTo(b);
        assertThat(c.hash()).isNotEqualTo(a.hash());
    }

    @Test
    void theTablesHashChangesWithAnyOnePartAndWithTheirOrder() {
        RoutingTable table = TableCodecTest.sample();
        List<Cluster> moved = new ArrayList<>(table.clusters());
        Cluster first = moved.get(0);
        moved.set(0, new Cluster(first.name(), first.protocol(), List.of(Endpoint.ready("10.9.9.9", 80)),
                first.tls(), first.policy()));
        List<Cluster> reordered = new ArrayList<>(table.clusters());
        java.util.Collections.reverse(reordered);
        // the same parts as hosts or as clusters do not hash alike
        RoutingTable noHosts = RoutingTable.of(List.of(), table.clusters(), table.certificates());

        assertThat(RoutingTable.of(table.virtualHosts(), moved, table.certificates()).hash()).isNotEqualTo(table.hash());
        assertThat(RoutingTable.of(table.virtualHosts(), reordered, table.certificates()).hash())
                .isNotEqualTo(table.hash());
        assertThat(noHosts.hash()).isNotEqualTo(RoutingTable.of(List.of(), List.of(), table.certificates()).hash());
        assertThat(RoutingTable.of(table.virtualHosts(), table.clusters(), table.certificates()).hash())
                .isEqualTo(table.hash());
    }
}
