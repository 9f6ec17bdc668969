package dev.breakwater.channel;

import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableDelta;
import java.util.Objects;

/**
 * One message of the push channel between the operator's table server and a data plane (see
 * {@code docs/push-channel.md}). Each travels as one length-prefixed frame holding one JSON object whose
 * {@code type} names the message.
 */
public sealed interface ChannelMessage {

    /**
     * The lowest protocol version, sent as {@link Hello#protocol()}: every operator speaks it (whole tables, frames
     * of plain JSON).
     */
    int PROTOCOL = 1;

    /**
     * The highest protocol version this code speaks, sent as {@link Hello#maxProtocol()}: 2 adds {@link Delta}s,
     * compressed frames from the operator and {@link Nack#resync()}.
     */
    int MAX_PROTOCOL = 2;

    /**
     * Data plane to operator, first message on a connection.
     *
     * @param protocol    {@link #PROTOCOL}
     * @param node        the node the data plane runs on
     * @param pod         the data plane's pod name (unique among data planes)
     * @param lastVersion the version of the table it serves, 0 for none
     * @param lastHash    the content hash of the table it serves, or null for none
     * @param maxProtocol the highest protocol version it speaks ({@link #MAX_PROTOCOL}); an older data plane does not
     *                    send it, which reads as {@code protocol}
     */
    record Hello(int protocol, String node, String pod, long lastVersion, String lastHash, int maxProtocol)
            implements ChannelMessage {
        public Hello {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(pod, "pod");
            maxProtocol = Math.max(protocol, maxProtocol);
        }

        /** The HELLO of a data plane that speaks {@code protocol} only. */
        public Hello(int protocol, String node, String pod, long lastVersion, String lastHash) {
            this(protocol, node, pod, lastVersion, lastHash, protocol);
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

    /**
     * Operator to data plane (protocol 2): what changed from the table of {@code baseHash} to this version.
     *
     * @param version     the version of the table it gives
     * @param hash        the content hash of the table it gives
     * @param baseVersion the version of its base, as the operator numbered it
     * @param baseHash    the content hash of its base: a data plane serving other content cannot apply it
     * @param deltaJson   the {@link TableDelta} in {@link TableCodec} JSON (owned by this message; never modified)
     */
    record Delta(long version, String hash, long baseVersion, String baseHash, byte[] deltaJson)
            implements ChannelMessage {
        public Delta {
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(baseHash, "baseHash");
            Objects.requireNonNull(deltaJson, "deltaJson");
        }

        /** Encodes a delta (once; every data plane is sent the same bytes). */
        public static Delta of(TableDelta delta) {
            return new Delta(delta.version(), delta.hash(), delta.baseVersion(), delta.baseHash(),
                    TableCodec.encodeDelta(delta));
        }

        /**
         * Decodes the delta and checks it against this message's versions and hashes.
         *
         * @throws IllegalArgumentException if it does not decode, a part does not match its hash, or it is not the
         *                                  delta announced
         */
        public TableDelta decode() {
            TableDelta delta = TableCodec.decodeDelta(deltaJson);
            if (delta.version() != version || !delta.hash().equals(hash) || delta.baseVersion() != baseVersion
                    || !delta.baseHash().equals(baseHash)) {
                throw new IllegalArgumentException("DELTA v" + baseVersion + " -> v" + version + " carries delta v"
                        + delta.baseVersion() + " -> v" + delta.version());
            }
            return delta;
        }

        @Override
        public String toString() {
            return "Delta[version=" + version + ", hash=" + hash + ", base=" + baseVersion + ", " + deltaJson.length
                    + " bytes]";
        }
    }

    /** Data plane to operator: the table of this version is being served. */
    record Ack(long version) implements ChannelMessage {
    }

    /**
     * Data plane to operator: the table of this version was refused, and why; the previous one keeps serving.
     *
     * @param resync true (protocol 2) when it was a {@link Delta} the data plane could not apply to the table it
     *               serves (another base, or a result that is not the hash announced): not a refusal of the table,
     *               a request for the whole of it
     */
    record Nack(long version, String reason, boolean resync) implements ChannelMessage {
        public Nack {
            Objects.requireNonNull(reason, "reason");
        }

        /** A refusal of the table. */
        public Nack(long version, String reason) {
            this(version, reason, false);
        }
    }

    /** Either way: are you there? Answered by {@link Pong}. */
    record Ping() implements ChannelMessage {
    }

    /** Either way: the answer to {@link Ping}. */
    record Pong() implements ChannelMessage {
    }
}
