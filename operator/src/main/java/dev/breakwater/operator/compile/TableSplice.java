package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
     * @param users    the users of the previous table's clusters; brought to those of the result (when there is one)
     * @return the spliced compilation, or null when the partial one holds a host outside {@code hosts}
     */
    static Compilation splice(Compilation previous, Compilation part, Set<String> hosts, Set<String> compiled,
                              Set<String> seeds, ClusterSnapshot snapshot, ClusterUsers users) {
        for (VirtualHost v : part.table().virtualHosts()) {
            if (!hosts.contains(v.hostname())) {
                return null;
            }
        }
        List<VirtualHost> before = previous.table().virtualHosts();
        List<VirtualHost> after = part.table().virtualHosts();
        List<VirtualHost> virtualHosts = new ArrayList<>(before.size() + after.size());
        Set<String> unused = new HashSet<>();
        int a = 0;
        for (VirtualHost v : before) {
            if (hosts.contains(v.hostname())) {
                users.remove(v, unused);
                continue;
            }
            // both lists are in host order: the partial compilation's hosts go where they belong
            while (a < after.size()
                    && TableBuilder.HOST_ORDER.compare(after.get(a).hostname(), v.hostname()) < 0) {
                virtualHosts.add(after.get(a++));
            }
            virtualHosts.add(v);
        }
        while (a < after.size()) {
            virtualHosts.add(after.get(a++));
        }
        after.forEach(users::add);
        unused.removeIf(users::used);
        RoutingTable table = RoutingTable.of(virtualHosts, clusters(previous.table(), part.table(), unused),
                certificates(previous.table(), part.table(), hosts))
                // a change of the controller ConfigMap compiles in full: the settings stay those of the previous table
                .withSettings(previous.table().edgeSettings());
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

    /**
     * The clusters some host forwards to, by name: the partial compilation's, else the previous one's but those no
     * host forwards to any more ({@code unused}); both lists are ordered by name, as the result is.
     */
    private static List<Cluster> clusters(RoutingTable previous, RoutingTable part, Set<String> unused) {
        List<Cluster> before = previous.clusters();
        List<Cluster> after = part.clusters();
        List<Cluster> out = new ArrayList<>(before.size() + after.size());
        int a = 0;
        for (Cluster c : before) {
            while (a < after.size() && after.get(a).name().compareTo(c.name()) < 0) {
                out.add(after.get(a++));
            }
            if (a < after.size() && after.get(a).name().equals(c.name())) {
                out.add(after.get(a++));
            } else if (!unused.contains(c.name())) {
                out.add(c);
            }
        }
        while (a < after.size()) {
            out.add(after.get(a++));
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
