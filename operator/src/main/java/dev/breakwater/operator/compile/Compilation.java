package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.RoutingTable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the compiler made of a snapshot.
 *
 * @param table         the routing table (version 0; the publisher numbers it)
 * @param diagnostics   problems found, in a deterministic order
 * @param routeStatuses the status facts of every Route compiled (Accepted, ResolvedRefs), oldest Route first,
 *                      for the operator to write into their {@code status}
 * @param gatewayApi    the status facts of the GatewayClasses, Gateways and HTTPRoutes that are ours
 */
public record Compilation(RoutingTable table, List<Diagnostic> diagnostics, List<RouteStatusReport> routeStatuses,
                          GatewayApiStatus gatewayApi) {

    public Compilation {
        Objects.requireNonNull(table, "table");
        diagnostics = List.copyOf(diagnostics);
        routeStatuses = routeStatuses == null ? List.of() : List.copyOf(routeStatuses);
        gatewayApi = gatewayApi == null ? GatewayApiStatus.NONE : gatewayApi;
    }

    /** A compilation without Gateway API objects. */
    public Compilation(RoutingTable table, List<Diagnostic> diagnostics, List<RouteStatusReport> routeStatuses) {
        this(table, diagnostics, routeStatuses, GatewayApiStatus.NONE);
    }

    /** The diagnostics of one object, {@code Kind/namespace/name}. */
    public List<Diagnostic> diagnosticsOf(String object) {
        return diagnostics.stream().filter(d -> d.object().equals(object)).toList();
    }

    /** The status facts of Route {@code namespace/name}, if it was compiled. */
    public Optional<RouteStatusReport> routeStatus(String namespace, String name) {
        return routeStatuses.stream().filter(r -> r.namespace().equals(namespace) && r.name().equals(name))
                .findFirst();
    }
}
