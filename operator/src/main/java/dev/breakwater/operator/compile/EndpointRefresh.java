package dev.breakwater.operator.compile;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The endpoint fast path: after changes to the EndpointSlices of some Services, and nothing else, the table a
 * full {@link Compiler#compile} would give is the previous table with the endpoints of those Services'
 * clusters recomputed. Routes, clusters, policies and certificates depend only on Ingresses, Services,
 * IngressClasses and Secrets; endpoints are computed here by the same code as in a full compilation.
 *
 * <p>What the caller must check: the diagnostics of a full compilation depend on EndpointSlices only through
 * whether a Service has any ("has no EndpointSlice"), so a Service that gained its first slice or lost its
 * last one needs the full compiler.
 */
public final class EndpointRefresh {

    private EndpointRefresh() {
    }

    /**
     * {@code previous} with the endpoints of the clusters of {@code serviceKeys} ({@code namespace/name})
     * recomputed from {@code services} and {@code slices} (those Services and all their EndpointSlices, as they
     * are now); {@code previous} itself when no endpoint changed. Null when a Service or one of its ports that a
     * cluster serves is gone: then more than slices changed, and only the full compiler can say what follows.
     */
    public static RoutingTable refresh(RoutingTable previous, Collection<String> serviceKeys, List<Service> services,
                                       List<EndpointSlice> slices) {
        Objects.requireNonNull(previous, "previous");
        Set<String> keys = Set.copyOf(serviceKeys);
        // a cluster of Service namespace/name is named namespace/name:port...: the others are passed by a look at the
        // start of their names, not parsed (at 10,000 clusters and one Service changed, nearly all of them)
        List<String> prefixes = keys.stream().map(k -> k + ":").toList();
        BackendResolver resolver = new BackendResolver(services, slices);
        List<Cluster> clusters = new ArrayList<>(previous.clusters().size());
        boolean changed = false;
        for (Cluster cluster : previous.clusters()) {
            if (!startsWithAny(cluster.name(), prefixes)) {
                clusters.add(cluster);
                continue;
            }
            BackendResolver.ClusterSource source = BackendResolver.ClusterSource.of(cluster.name());
            if (source == null || !keys.contains(source.serviceKey())) {
                clusters.add(cluster);
                continue;
            }
            Service service = resolver.service(source.serviceKey());
            ServicePort port = service == null ? null : BackendResolver.portByLabel(service, source.portLabel());
            if (port == null) {
                return null;
            }
            List<Endpoint> endpoints = resolver.endpoints(source.namespace(), service, port);
            if (endpoints.equals(cluster.endpoints())) {
                clusters.add(cluster);
            } else {
                clusters.add(new Cluster(cluster.name(), cluster.protocol(), endpoints, cluster.tls(),
                        cluster.policy()));
                changed = true;
            }
        }
        if (!changed) {
            return previous;
        }
        // the L4 part and the data-plane settings do not depend on endpoints: kept as they are; the table's hash made
        // once (not once per part set: each is a pass over every host's and cluster's hash)
        RoutingTable unhashed = new RoutingTable(0, "", previous.virtualHosts(), clusters, previous.certificates(),
                previous.l4(), previous.settings());
        return new RoutingTable(0, TableCodec.contentHash(unhashed), unhashed.virtualHosts(), unhashed.clusters(),
                unhashed.certificates(), unhashed.l4(), unhashed.settings());
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
