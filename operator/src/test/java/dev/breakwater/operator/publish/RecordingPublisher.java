package dev.breakwater.operator.publish;

import dev.breakwater.routing.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link TablePublisher} for tests: keeps every table it is given; every "data plane" ACKs at once. */
public final class RecordingPublisher implements TablePublisher {

    private final List<RoutingTable> tables = new ArrayList<>();
    private int withdrawals;

    @Override
    public synchronized void publish(RoutingTable table) {
        if (!tables.isEmpty() && table.version() <= tables.get(tables.size() - 1).version()) {
            throw new AssertionError("version " + table.version() + " after " + tables.get(tables.size() - 1).version());
        }
        tables.add(table);
    }

    @Override
    public synchronized Map<String, Long> ackedVersions() {
        return tables.isEmpty() ? Map.of() : Map.of("test", last().version());
    }

    @Override
    public synchronized void withdraw() {
        withdrawals++;
    }

    public synchronized List<RoutingTable> tables() {
        return List.copyOf(tables);
    }

    public synchronized RoutingTable last() {
        return tables.isEmpty() ? null : tables.get(tables.size() - 1);
    }

    public synchronized int count() {
        return tables.size();
    }

    public synchronized int withdrawals() {
        return withdrawals;
    }
}
