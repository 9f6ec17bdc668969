package dev.breakwater.operator.compile;

import dev.breakwater.routing.RoutingTable;
import java.util.List;
import java.util.Objects;

/**
 * What the compiler made of a snapshot.
 *
 * @param table       the routing table (version 0; the publisher numbers it)
 * @param diagnostics problems found, in a deterministic order
 */
public record Compilation(RoutingTable table, List<Diagnostic> diagnostics) {

    public Compilation {
        Objects.requireNonNull(table, "table");
        diagnostics = List.copyOf(diagnostics);
    }

    /** The diagnostics of one object, {@code Kind/namespace/name}. */
    public List<Diagnostic> diagnosticsOf(String object) {
        return diagnostics.stream().filter(d -> d.object().equals(object)).toList();
    }

    /** True when some diagnostic is an error. */
    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }
}
