package dev.breakwater.dataplane.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.dataplane.testing.RandomTables;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableDelta;
import dev.breakwater.routing.VirtualHost;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deltas over many random change sequences, through their wire form: each, applied to the table before, gives the
 * table the operator published, hash for hash and byte for byte, sharing every unchanged part.
 */
class TableDeltaSequenceTest {

    @Test
    void everyDeltaOfManyRandomSequencesGivesTheNextTable() {
        int deltas = 0;
        for (long seed = 1; seed <= 40; seed++) {
            RandomTables tables = new RandomTables(seed, true);
            RoutingTable published = tables.next();
            RoutingTable held = TableCodec.decode(TableCodec.encode(published));
            for (int step = 0; step < 40; step++) {
                RoutingTable next = tables.next();
                TableDelta delta = TableDelta.between(published, next);
                assertThat(delta).as("seed %d step %d: a delta", seed, step).isNotNull();
                ChannelMessage.Delta message = ChannelMessage.Delta.of(delta);
                ChannelMessage.Delta received = new ChannelMessage.Delta(message.version(), message.hash(),
                        message.baseVersion(), message.baseHash(), message.deltaJson());

                RoutingTable applied = received.decode().applyTo(held);

                assertThat(applied.hash()).as("seed %d step %d", seed, step).isEqualTo(next.hash());
                assertThat(TableCodec.encodeToString(applied)).as("seed %d step %d", seed, step)
                        .isEqualTo(TableCodec.encodeToString(next));
                Map<String, VirtualHost> before = new HashMap<>();
                held.virtualHosts().forEach(h -> before.put(h.hostname(), h));
                for (VirtualHost h : applied.virtualHosts()) {
                    VirtualHost old = before.get(h.hostname());
                    if (old != null && old.hash().equals(h.hash())) {
                        assertThat(h).as("unchanged host %s is the one held", h.hostname()).isSameAs(old);
                    }
                }
                deltas++;
                published = next;
                held = applied;
            }
        }
        assertThat(deltas).isEqualTo(40 * 40);
    }
}
