package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.List;

/** One Route being read: its name for diagnostics and routes, its rank, and where its problems go. */
final class RouteContext {

    final String object;
    final String namespace;
    final String name;
    final int rank;
    private final List<Diagnostic> diagnostics;
    /** The BackendTLSPolicies its backendRefs' Services may have (a Gateway API route's), or null. */
    final BackendTlsPolicies backendTls;

    RouteContext(String object, String namespace, String name, int rank, List<Diagnostic> diagnostics) {
        this(object, namespace, name, rank, diagnostics, null);
    }

    RouteContext(String object, String namespace, String name, int rank, List<Diagnostic> diagnostics,
                 BackendTlsPolicies backendTls) {
        this.object = object;
        this.namespace = namespace;
        this.name = name;
        this.rank = rank;
        this.diagnostics = diagnostics;
        this.backendTls = backendTls;
    }

    void error(String field, String reason) {
        diagnostics.add(Diagnostic.error(object, field, reason));
    }

    void warning(String field, String reason) {
        diagnostics.add(Diagnostic.warning(object, field, reason));
    }

    /** The compilation's diagnostics, where this object's go too. */
    List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** How many diagnostics the compilation has so far (to tell whether a step reported any). */
    int count() {
        return diagnostics.size();
    }
}
