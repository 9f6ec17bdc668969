package dev.breakwater.operator.publish;

import java.time.Instant;
import java.util.Objects;

/**
 * What the table server knows of one connected data plane, as of one moment.
 *
 * @param id             {@code node/pod}, as the data plane said in its {@code HELLO}
 * @param node           its node
 * @param pod            its pod
 * @param remoteAddress  the address it connects from
 * @param connectedSince when its current connection said {@code HELLO}
 * @param servedVersion  the highest version it ACKed on this connection (or announced in {@code HELLO} by the
 *                       latest table's hash); -1 for none
 * @param lastAnswer     its latest ACK or NACK, or null before the first
 */
public record DataPlaneStatus(String id, String node, String pod, String remoteAddress, Instant connectedSince,
                              long servedVersion, Answer lastAnswer) {

    public DataPlaneStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(connectedSince, "connectedSince");
    }

    /**
     * A data plane's answer to a table.
     *
     * @param version the table's version
     * @param acked   true for ACK (it serves that table), false for NACK (it refused it and serves the one before)
     * @param reason  why it refused the table (NACK); null for ACK
     * @param at      when the answer arrived
     */
    public record Answer(long version, boolean acked, String reason, Instant at) {
    }
}
