package dev.breakwater.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import org.junit.jupiter.api.Test;

/**
 * Publishing encodes only the parts the tables published before did not have, keeps no more encodings than it must,
 * and the whole table assembled from the parts' encodings is the table's encoding.
 */
class PartEncodingsTest {

    private static RoutingTable table(int hosts, String changedEndpoint) {
        Tables t = Tables.builder();
        for (int i = 0; i < hosts; i++) {
            t.cluster("c" + i, Endpoint.ready(i == 0 ? changedEndpoint : "10.0.0." + i, 8080))
                    .prefix("h" + i + ".example.com", "/", "c" + i);
        }
        return t.build();
    }

    @Test
    void aTableSharingPartsWithTheOneBeforeEncodesOnlyWhatChanged() {
        PartEncodings encodings = new PartEncodings();
        RoutingTable first = table(50, "10.1.0.1").withVersion(1);
        assertThat(encodings.layout(first).json()).isEqualTo(TableCodec.encode(first));
        assertThat(encodings.encoded()).isEqualTo(100);

        // one cluster's endpoint changed, one host and its cluster added
        RoutingTable second = table(51, "10.1.0.2").withVersion(2);
        assertThat(encodings.layout(second).json()).isEqualTo(TableCodec.encode(second));
        assertThat(encodings.encoded()).isEqualTo(100 + 1 + 2);

        // the same content again: nothing to encode
        RoutingTable third = second.withVersion(3);
        assertThat(encodings.layout(third).json()).isEqualTo(TableCodec.encode(third));
        assertThat(encodings.encoded()).isEqualTo(103);

        // a part of an earlier table is still known while few parts are unused: going back encodes nothing
        RoutingTable back = first.withVersion(4);
        assertThat(encodings.layout(back).json()).isEqualTo(TableCodec.encode(back));
        assertThat(encodings.encoded()).isEqualTo(103);
    }

    @Test
    void encodingsOfPartsNoLongerPublishedAreForgotten() {
        PartEncodings encodings = new PartEncodings();
        encodings.layout(table(100, "10.1.0.1").withVersion(1));
        assertThat(encodings.kept()).isEqualTo(200);
        // tables of one host each: the 200 encodings of the first are forgotten once unused ones outnumber them
        for (int v = 2; v < 10; v++) {
            RoutingTable small = table(1, "10.2.0." + v).withVersion(v);
            assertThat(encodings.layout(small).json()).isEqualTo(TableCodec.encode(small));
        }
        assertThat(encodings.kept()).isLessThanOrEqualTo(2 * 2 + 64 + 2);
    }
}
