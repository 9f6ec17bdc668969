package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Puts a partial compilation (some objects, see {@link IncrementalCompiler}) into the previous one: the partial
 * one's virtual hosts, clusters and certificate hosts replace the previous ones of the hosts it covers, its
 * diagnostics and Route statuses those of the objects it compiled. The result is what a full compilation gives,
 * with diagnostics in another (still deterministic) order: those of untouched objects first, as before.
 */
final class TableSplice {

    private TableSplice() {
    }

    /**
     * @param hosts    every host the partial compilation covers: no object outside {@code compiled} touches one
     * @param compiled the objects compiled, as {@code Kind/namespace/name}
     * @param seeds    the objects changed (some removed), likewise
     * @return the spliced compilation, or null when the partial one holds a host outside {@code hosts}
     */
    static Compilation splice(Compilation previous, Compilation part, Set<String> hosts, Set<String> compiled,
                              Set<String> seeds, ClusterSnapshot snapshot) {
        List<VirtualHost> virtualHosts = new ArrayList<>();
        for (VirtualHost v : previous.table().virtualHosts()) {
            if (!hosts.contains(v.hostname())) {
                virtualHosts.add(v);
            }
        }
        for (VirtualHost v : part.table().virtualHosts()) {
            if (!hosts.contains(v.hostname())) {
                return null;
            }
            virtualHosts.add(v);
        }
        virtualHosts.sort((a, b) -> TableBuilder.HOST_ORDER.compare(a.hostname(), b.hostname()));
        RoutingTable table = RoutingTable.of(virtualHosts, clusters(previous.table(), part.table(), virtualHosts),
                certificates(previous.table(), part.table(), hosts));
        if (table == null) {
            return null;
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Diagnostic d : previous.diagnostics()) {
            if (!compiled.contains(d.object()) && !seeds.contains(d.object())) {
                diagnostics.add(d);
            }
        }
        for (Diagnostic d : part.diagnostics()) {
            if (compiled.contains(d.object())) {
                diagnostics.add(d);
            }
        }
        return new Compilation(table, diagnostics, routeStatuses(previous, part, compiled, seeds, snapshot));
    }

    /** The clusters the hosts forward to: the partial compilation's, else the previous one's. */
    private static List<Cluster> clusters(RoutingTable previous, RoutingTable part, List<VirtualHost> hosts) {
        TreeSet<String> names = new TreeSet<>();
        for (VirtualHost v : hosts) {
            for (Route r : v.routes()) {
                if (r.action() instanceof RouteAction.Forward forward) {
                    forward.backends().forEach(b -> names.add(b.cluster()));
                }
            }
        }
        Map<String, Cluster> byName = new HashMap<>();
        previous.clusters().forEach(c -> byName.put(c.name(), c));
        part.clusters().forEach(c -> byName.put(c.name(), c));
        List<Cluster> out = new ArrayList<>(names.size());
        for (String name : names) {
            Cluster c = byName.get(name);
            if (c == null) {
                throw new IllegalStateException("cluster " + name + " is in neither compilation");
            }
            out.add(c);
        }
        return out;
    }

    /** Per Secret, the hosts the previous compilation gave it outside {@code hosts}, and the partial one's. */
    private static List<Certificate> certificates(RoutingTable previous, RoutingTable part, Set<String> hosts) {
        Map<String, Certificate> content = new TreeMap<>();
        Map<String, TreeSet<String>> hostsOf = new HashMap<>();
        for (Certificate c : previous.certificates()) {
            for (String h : c.hosts()) {
                if (!hosts.contains(h)) {
                    content.putIfAbsent(c.name(), c);
                    hostsOf.computeIfAbsent(c.name(), n -> new TreeSet<>()).add(h);
                }
            }
        }
        for (Certificate c : part.certificates()) {
            content.put(c.name(), c);
            hostsOf.computeIfAbsent(c.name(), n -> new TreeSet<>()).addAll(c.hosts());
        }
        List<Certificate> out = new ArrayList<>();
        content.forEach((name, c) -> {
            TreeSet<String> h = hostsOf.get(name);
            out.add(h.size() == c.hosts().size() && h.containsAll(c.hosts()) ? c
                    : new Certificate(name, List.copyOf(h), c.certificateChain(), c.privateKey()));
        });
        return out;
    }

    /** The Route statuses of untouched Routes and of those compiled, oldest Route first. */
    private static List<RouteStatusReport> routeStatuses(Compilation previous, Compilation part, Set<String> compiled,
                                                         Set<String> seeds, ClusterSnapshot snapshot) {
        if (part.routeStatuses().isEmpty() && seeds.stream().noneMatch(s -> s.startsWith("Route/"))) {
            return previous.routeStatuses();
        }
        Map<String, RouteStatusReport> byName = new HashMap<>();
        for (RouteStatusReport r : previous.routeStatuses()) {
            String name = "Route/" + r.namespace() + "/" + r.name();
            if (!compiled.contains(name) && !seeds.contains(name)) {
                byName.put(name, r);
            }
        }
        for (RouteStatusReport r : part.routeStatuses()) {
            byName.put("Route/" + r.namespace() + "/" + r.name(), r);
        }
        List<HasMetadata> routes = new ArrayList<>(snapshot.routes());
        routes.removeIf(r -> !IncrementalCompiler.named(r));
        ObjectAge.sort(routes);
        List<RouteStatusReport> out = new ArrayList<>();
        for (HasMetadata r : routes) {
            RouteStatusReport report = byName.remove(Compiler.traceName(r));
            if (report != null) {
                out.add(report);
            }
        }
        return out;
    }
}
