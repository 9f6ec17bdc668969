package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A table's encoding made of its parts' encodings is the very encoding of the table. */
class TableLayoutTest {

    private static TableLayout layout(RoutingTable table) {
        return TableLayout.of(table, table.virtualHosts().stream().map(TableCodec::encodePart).toList(),
                table.clusters().stream().map(TableCodec::encodePart).toList());
    }

    @Test
    void givesTheBytesOfTheTablesEncoding() {
        RoutingTable table = TableCodecTest.sample().withVersion(7);
        TableLayout layout = layout(table);

        byte[] expected = TableCodec.encode(table);
        assertThat(layout.json()).isEqualTo(expected);
        assertThat(layout.length()).isEqualTo(expected.length);
        assertThat(TableCodec.decode(layout.json())).isEqualTo(table);
    }

    @Test
    void holdsForTablesWithoutPartsOrCertificatesAndWithL4() {
        RoutingTable empty = RoutingTable.empty().withVersion(1);
        assertThat(layout(empty).json()).isEqualTo(TableCodec.encode(empty));

        RoutingTable one = RoutingTable.of(List.of(new VirtualHost("a.example.com", List.of())), List.of());
        assertThat(layout(one).json()).isEqualTo(TableCodec.encode(one));

        Cluster db = new Cluster("db", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("10.0.0.1", 5432)));
        RoutingTable l4 = RoutingTable.of(List.of(), List.of(db)).withL4(new L4Routes(List.of(
                new L4Listener(5432, L4Listener.Protocol.TCP, L4Route.to("tcp/5432", "db"), List.of(), List.of())),
                List.of())).withVersion(3);
        assertThat(layout(l4).json()).isEqualTo(TableCodec.encode(l4));
    }

    @Test
    void refusesPartsThatAreNotTheTables() {
        RoutingTable table = TableCodecTest.sample();
        assertThatThrownBy(() -> TableLayout.of(table, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 virtual hosts and 3 clusters");
        assertThatThrownBy(() -> TableCodec.encodePart("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a virtual host or a cluster");
    }
}
