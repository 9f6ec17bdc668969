package dev.breakwater.channel;

import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import java.util.Objects;

/**
 * One message of the push channel between the operator's table server and a data plane (see
 * {@code docs/push-channel.md}). Each travels as one length-prefixed frame holding one JSON object whose
 * {@code type} names the message.
 */
public sealed interface ChannelMessage {

    /** The protocol version this code speaks, sent in {@link Hello}. */
    int PROTOCOL = 1;

    /**
     * Data plane to operator, first message on a connection.
     *
     * @param protocol    {@link #PROTOCOL}
     * @param node        the node the data plane runs on
     * @param pod         the data plane's pod name (unique among data planes)
     * @param lastVersion the version of the table it serves, 0 for none
     * @param lastHash    the content hash of the table it serves, or null for none
     */
    record Hello(int protocol, String node, String pod, long lastVersion, String lastHash) implements ChannelMessage {
        public Hello {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(pod, "pod");
        }

        /** {@code node/pod}: how the operator names this data plane. */
        public String id() {
            return node + "/" + pod;
        }
    }

    /**
     * Operator to data plane: a whole routing table.
     *
     * @param version   the table's version
     * @param hash      the table's content hash
     * @param tableJson the table in {@link TableCodec} JSON (owned by this message; never modified)
     */
    record Table(long version, String hash, byte[] tableJson) implements ChannelMessage {
        public Table {
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(tableJson, "tableJson");
        }

        /** Encodes a table (once; every data plane is sent the same bytes). */
        public static Table of(RoutingTable table) {
            return new Table(table.version(), table.hash(), TableCodec.encode(table));
        }

        /**
         * Decodes the table and checks it against this message's version and hash.
         *
         * @throws IllegalArgumentException if it does not decode, its content does not match its hash, or it
         *                                  is not the version and hash announced
         */
        public RoutingTable decode() {
            RoutingTable table = TableCodec.decode(tableJson);
            if (table.version() != version || !table.hash().equals(hash)) {
                throw new IllegalArgumentException("TABLE v" + version + " (" + hash + ") carries table v"
                        + table.version() + " (" + table.hash() + ")");
            }
            return table;
        }

        @Override
        public String toString() {
            return "Table[version=" + version + ", hash=" + hash + ", " + tableJson.length + " bytes]";
        }
    }

    /** Data plane to operator: the table of this version is being served. */
    record Ack(long version) implements ChannelMessage {
    }

    /** Data plane to operator: the table of this version was refused, and why; the previous one keeps serving. */
    record Nack(long version, String reason) implements ChannelMessage {
        public Nack {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Either way: are you there? Answered by {@link Pong}. */
    record Ping() implements ChannelMessage {
    }

    /** Either way: the answer to {@link Ping}. */
    record Pong() implements ChannelMessage {
    }
}
