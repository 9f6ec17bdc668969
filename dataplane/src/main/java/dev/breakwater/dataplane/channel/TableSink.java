package dev.breakwater.dataplane.channel;

import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;

/** Where the push channel's tables go: the data plane that serves them. */
public interface TableSink {

    /**
     * Serves {@code table} from now on.
     *
     * @throws IllegalArgumentException if the table is refused; the table served before keeps serving
     */
    void apply(RoutingTable table);

    /**
     * Serves {@code table}, which differs from the table served by {@code changes} (what the deltas that made it
     * name), so that only those parts need a look; by default the same as {@link #apply(RoutingTable)}.
     *
     * @throws IllegalArgumentException if the table is refused; the table served before keeps serving
     */
    default void apply(RoutingTable table, TableChanges changes) {
        apply(table);
    }

    /** The table being served, or null before the first. */
    RoutingTable table();
}
