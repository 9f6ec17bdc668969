package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.routing.RoutingTable;
import java.util.Objects;

/**
 * The router being served. A swap compiles the new table on the caller's thread, then publishes it with one
 * volatile write: requests already routed keep the route and endpoint they have, new requests see the new
 * table, and no connection is touched.
 */
public final class TableHolder {

    private final ProxyMetrics metrics;
    private volatile Router router;

    public TableHolder(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    /** The current router, or null before the first table. */
    public Router router() {
        return router;
    }

    public boolean loaded() {
        return router != null;
    }

    /**
     * Compiles and publishes a table.
     *
     * @return the router now served
     * @throws IllegalArgumentException if the table is inconsistent (a route names a missing cluster, a bad
     *                                  regular expression); the current table keeps serving
     */
    public synchronized Router apply(RoutingTable table) {
        Objects.requireNonNull(table, "table");
        Router next = new Router(table, metrics);
        router = next;
        metrics.tableApplied(table.version());
        return next;
    }
}
