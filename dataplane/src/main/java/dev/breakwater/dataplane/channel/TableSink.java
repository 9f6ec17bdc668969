package dev.breakwater.dataplane.channel;

import dev.breakwater.routing.RoutingTable;

/** Where the push channel's tables go: the data plane that serves them. */
public interface TableSink {

    /**
     * Serves {@code table} from now on.
     *
     * @throws IllegalArgumentException if the table is refused; the table served before keeps serving
     */
    void apply(RoutingTable table);

    /** The table being served, or null before the first. */
    RoutingTable table();
}
