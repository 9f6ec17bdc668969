package dev.breakwater.operator.publish;

import dev.breakwater.routing.RoutingTable;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the leader's tables go: the push channel to the data planes (the {@code TableServer} implements this).
 *
 * <p>Called only on the leader, from one thread (the compile thread), with versions that only grow, also
 * across leaders (see {@link TableVersions}). Each call carries the whole table; implementations send it to
 * every connected data plane and keep it for those that connect later.
 */
public interface TablePublisher {

    /**
     * Makes {@code table} the one to serve. Must not block on data planes: it is called on the compile thread.
     *
     * @param table numbered, with a version higher than any published before
     */
    void publish(RoutingTable table);

    /**
     * The highest table version each connected data plane has ACKed, by data-plane name (its pod name); empty
     * when none is connected.
     */
    Map<String, Long> ackedVersions();

    /**
     * True when every connected data plane has ACKed {@code version} or a later one (vacuously true when none
     * is connected): the moment a change can be called {@code Programmed}.
     */
    default boolean allAcked(long version) {
        return ackedVersions().values().stream().allMatch(acked -> acked >= version);
    }

    /**
     * Asks to be told whenever what the data planes serve may have changed: an ACK or NACK arrived, a data plane
     * connected or left. {@code listener} runs on a thread of the publisher's own, never the compile thread, and
     * should be quick (it may read {@link #ackedVersions()}). Publishers that hear no answers never call it.
     */
    default void onDataPlanesChanged(Runnable listener) {
    }

    /**
     * This replica stopped leading: stop serving tables and let the data planes go, so that they reconnect
     * (through the channel Service) to the new leader. They keep serving their last table meanwhile.
     */
    default void withdraw() {
    }

    /** Publishes nowhere and logs each table: runs the operator before (or without) the push channel. */
    static TablePublisher logging() {
        Logger log = LoggerFactory.getLogger(TablePublisher.class);
        return new TablePublisher() {
            @Override
            public void publish(RoutingTable table) {
                log.info("table v{} ({} hosts, {} clusters, hash {}) not sent anywhere: no push channel",
                        table.version(), table.virtualHosts().size(), table.clusters().size(),
                        table.hash().substring(0, 12));
            }

            @Override
            public Map<String, Long> ackedVersions() {
                return Map.of();
            }
        };
    }
}
