package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.RouteAction;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns Ingress and Route backends into clusters: finds the Service and its port, then the endpoints of that port
 * in the Service's EndpointSlices. A backend that cannot be resolved yields a diagnostic and a 503 action, so
 * that its requests fail clearly instead of falling through to another route.
 */
final class BackendResolver {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final RouteAction UNAVAILABLE = new RouteAction.FixedResponse(503, "backend unavailable\n");

    private final Map<String, Service> services;
    private final Map<String, List<EndpointSlice>> slicesByService;
    /**
     * The clusters resolved, by name, not yet made: a {@link Cluster} hashes its content when it is made, which
     * {@link #clusters} does for all of them at once (in parallel where {@link #parallel} says so).
     */
    private final Map<String, ClusterParts> clusters = new HashMap<>();

    /** What a cluster is made of. */
    private record ClusterParts(String name, Cluster.Protocol protocol, List<Endpoint> endpoints,
                                Cluster.UpstreamTls tls, ClusterPolicy policy) {
        Cluster make() {
            return new Cluster(name, protocol, endpoints, tls, policy);
        }
    }

    private final CompileTrace trace;

    BackendResolver(List<Service> services, List<EndpointSlice> endpointSlices) {
        this(SnapshotLookups.of(services, endpointSlices, List.of()), new CompileTrace());
    }

    /** Resolving with {@code lookups} (read only), reporting what it looks up to {@code trace}. */
    BackendResolver(SnapshotLookups lookups, CompileTrace trace) {
        this.trace = trace;
        this.services = lookups.services();
        this.slicesByService = lookups.slicesByService();
    }

    /** The Service {@code namespace/name}, or null. */
    Service service(String serviceKey) {
        trace.service(serviceKey);
        return services.get(serviceKey);
    }

    /**
     * The Service port a cluster named by {@link #resolve} serves: its name, or for an unnamed port its number
     * ({@code portLabel} of {@link ClusterSource}); null when the Service has no such port any more.
     */
    static ServicePort portByLabel(Service service, String portLabel) {
        if (isExternalName(service)) {
            for (ServicePort port : service.getSpec().getPorts() == null ? List.<ServicePort>of()
                    : service.getSpec().getPorts()) {
                if (portLabel.equals(isEmpty(port.getName()) ? String.valueOf(port.getPort()) : port.getName())) {
                    return port;
                }
            }
            if (!portLabel.matches("[0-9]{1,5}")) {
                return null;
            }
            ServicePort implicit = new ServicePort();
            implicit.setPort(Integer.valueOf(portLabel));
            return implicit;
        }
        List<ServicePort> ports = service.getSpec() == null || service.getSpec().getPorts() == null
                ? List.of() : service.getSpec().getPorts();
        for (ServicePort port : ports) {
            if (portLabel.equals(isEmpty(port.getName()) ? String.valueOf(port.getPort()) : port.getName())) {
                return port;
            }
        }
        return null;
    }

    /**
     * Where the endpoints of a cluster come from, read back from the cluster's name ({@code ns/svc:port}, then
     * {@code |protocol} and {@code |digest} as {@link #resolve} writes them; Kubernetes names and port names
     * hold neither {@code /}, {@code :} nor {@code |}).
     */
    record ClusterSource(String namespace, String service, String portLabel) {

        static ClusterSource of(String clusterName) {
            int slash = clusterName.indexOf('/');
            int colon = clusterName.indexOf(':', slash + 1);
            if (slash <= 0 || colon < 0) {
                return null;
            }
            int bar = clusterName.indexOf('|', colon);
            return new ClusterSource(clusterName.substring(0, slash), clusterName.substring(slash + 1, colon),
                    clusterName.substring(colon + 1, bar < 0 ? clusterName.length() : bar));
        }

        String serviceKey() {
            return namespace + "/" + service;
        }
    }

    /**
     * The clusters of these names, each resolved by an earlier successful {@link #resolve} (or null), in the order
     * of {@code names}; made (and so hashed) in parallel when there are many.
     */
    List<Cluster> clusters(java.util.Collection<String> names) {
        java.util.stream.Stream<String> stream = parallel(names.size()) ? names.parallelStream() : names.stream();
        return stream.map(name -> {
            ClusterParts parts = clusters.get(name);
            return parts == null ? null : parts.make();
        }).toList();
    }

    /** From how many parts (clusters, hosts) a table's parts are made in parallel. */
    static final int PARALLEL_FROM = 512;

    /**
     * Whether {@code parts} parts (clusters, hosts) are made in parallel: from {@link #PARALLEL_FROM} of them, on
     * more than two processors (on two, the JIT compiler threads want the second one during a first compilation).
     */
    static boolean parallel(int parts) {
        return parts >= PARALLEL_FROM && Runtime.getRuntime().availableProcessors() > 2;
    }

    /**
     * The action for {@code backend}, written at {@code field} of {@code object} in {@code namespace};
     * problems are added to {@code diagnostics}.
     */
    RouteAction resolve(String object, String namespace, IngressBackend backend, String field,
                        List<Diagnostic> diagnostics) {
        return resolve(object, namespace, backend, field, diagnostics, Cluster.Protocol.HTTP1, null,
                ClusterPolicy.DEFAULTS);
    }

    /**
     * As {@link #resolve(String, String, IngressBackend, String, List)}, for a cluster spoken to with
     * {@code protocol} under {@code policy}; a Service port used with other settings gets another cluster,
     * whose name carries the protocol and a digest of the settings.
     */
    RouteAction resolve(String object, String namespace, IngressBackend backend, String field,
                        List<Diagnostic> diagnostics, Cluster.Protocol protocol, Cluster.UpstreamTls tls,
                        ClusterPolicy policy) {
        if (backend == null) {
            diagnostics.add(Diagnostic.error(object, field, "a backend is required"));
            return UNAVAILABLE;
        }
        TypedLocalObjectReference resource = backend.getResource();
        if (resource != null) {
            diagnostics.add(Diagnostic.error(object, field + ".resource", "resource backends ("
                    + resource.getKind() + " " + resource.getName() + ") are not supported; use a Service backend"));
            return UNAVAILABLE;
        }
        IngressServiceBackend ref = backend.getService();
        if (ref == null || ref.getName() == null || ref.getName().isEmpty()) {
            diagnostics.add(Diagnostic.error(object, field + ".service.name", "a Service name is required"));
            return UNAVAILABLE;
        }
        String port = field + ".service.port";
        return resolve(object, namespace, ref.getName(), ref.getPort(), field + ".service.name",
                new PortFields(port + ".number", port + ".name", port), diagnostics, protocol, tls, policy);
    }

    /** Where a backend writes its Service port, for diagnostics: as a number, as a name, or neither. */
    record PortFields(String number, String name, String missing) {

        /** One field holding either (a Route backend's {@code port}: a number or a name). */
        static PortFields of(String field) {
            return new PortFields(field, field, field);
        }
    }

    /**
     * The cluster of port {@code wanted} of Service {@code serviceName} in {@code namespace}, spoken to with
     * {@code protocol} under {@code policy} (a Service port used with other settings gets another cluster, whose
     * name carries the protocol and a digest of the settings); problems go to {@code diagnostics}, naming
     * {@code nameField} or the port's field.
     */
    RouteAction resolve(String object, String namespace, String serviceName, ServiceBackendPort wanted,
                        String nameField, PortFields portFields, List<Diagnostic> diagnostics,
                        Cluster.Protocol protocol, Cluster.UpstreamTls tls, ClusterPolicy policy) {
        trace.service(key(namespace, serviceName));
        Service service = services.get(key(namespace, serviceName));
        if (service == null) {
            diagnostics.add(Diagnostic.error(object, nameField,
                    "Service " + key(namespace, serviceName) + " does not exist"));
            return UNAVAILABLE;
        }
        ServicePort port = findPort(object, namespace, service, wanted, portFields, diagnostics);
        if (port == null) {
            return UNAVAILABLE;
        }
        String portLabel = isEmpty(port.getName()) ? String.valueOf(port.getPort()) : port.getName();
        String clusterName = key(namespace, serviceName) + ":" + portLabel;
        if (protocol != Cluster.Protocol.HTTP1) {
            clusterName += "|" + protocol.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (tls != null || !ClusterPolicy.DEFAULTS.equals(policy)) {
            clusterName += "|" + Integer.toHexString((tls + "|" + policy).hashCode()); // record texts: stable across runs
        }
        if (!clusters.containsKey(clusterName)) {
            clusters.put(clusterName, new ClusterParts(clusterName, protocol, endpoints(namespace, service, port), tls,
                    policy));
        }
        if (!isExternalName(service) && !slicesByService.containsKey(key(namespace, serviceName))) {
            diagnostics.add(Diagnostic.warning(object, nameField, "Service "
                    + key(namespace, serviceName) + " has no EndpointSlice, so it has no endpoints yet"));
        }
        return RouteAction.Forward.to(clusterName);
    }

    /**
     * A cluster without endpoints named {@code name} (requests sent to it get 503): the share of a weighted split
     * whose backend could not be resolved, so that this share fails instead of going to the other backends.
     */
    String unavailableCluster(String name) {
        clusters.computeIfAbsent(name, n -> new ClusterParts(n, Cluster.Protocol.HTTP1, List.of(), null, null));
        return name;
    }

    private ServicePort findPort(String object, String namespace, Service service, ServiceBackendPort wanted,
                                 PortFields fields, List<Diagnostic> diagnostics) {
        String serviceKey = key(namespace, service.getMetadata().getName());
        List<ServicePort> ports = service.getSpec() == null || service.getSpec().getPorts() == null
                ? List.of() : service.getSpec().getPorts();
        if (wanted != null && wanted.getNumber() != null && wanted.getNumber() != 0) {
            for (ServicePort port : ports) {
                if (wanted.getNumber().equals(port.getPort())) {
                    return port;
                }
            }
            if (isExternalName(service) && ports.isEmpty()) {
                // ExternalName Services often list no ports: the number written in the Ingress is the port.
                ServicePort implicit = new ServicePort();
                implicit.setPort(wanted.getNumber());
                return implicit;
            }
            diagnostics.add(Diagnostic.error(object, fields.number(),
                    "Service " + serviceKey + " has no port " + wanted.getNumber()));
            return null;
        }
        if (wanted != null && !isEmpty(wanted.getName())) {
            for (ServicePort port : ports) {
                if (wanted.getName().equals(port.getName())) {
                    return port;
                }
            }
            diagnostics.add(Diagnostic.error(object, fields.name(),
                    "Service " + serviceKey + " has no port named \"" + wanted.getName() + "\""));
            return null;
        }
        diagnostics.add(Diagnostic.error(object, fields.missing(), "a port number or name is required"));
        return null;
    }

    List<Endpoint> endpoints(String namespace, Service service, ServicePort port) {
        if (isExternalName(service)) {
            return List.of(new Endpoint(service.getSpec().getExternalName(), port.getPort(), 1, null,
                    true, true, false));
        }
        Map<String, Endpoint> byAuthority = new LinkedHashMap<>();
        trace.service(key(namespace, service.getMetadata().getName()));
        for (EndpointSlice slice : slicesByService.getOrDefault(key(namespace, service.getMetadata().getName()),
                List.of())) {
            Integer slicePort = slicePort(slice, port.getName());
            if (slicePort == null || slicePort < 1 || slicePort > 65535 || slice.getEndpoints() == null) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint : slice.getEndpoints()) {
                EndpointConditions conditions = endpoint.getConditions();
                boolean ready = conditions == null || conditions.getReady() == null || conditions.getReady();
                boolean serving = conditions == null || conditions.getServing() == null
                        ? ready : conditions.getServing();
                boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
                for (String address : endpoint.getAddresses() == null ? List.<String>of() : endpoint.getAddresses()) {
                    Endpoint e = new Endpoint(address, slicePort, 1, endpoint.getZone(), ready, serving, terminating);
                    byAuthority.putIfAbsent(e.authority(), e);
                }
            }
        }
        List<Endpoint> endpoints = new ArrayList<>(byAuthority.values());
        endpoints.sort(Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port));
        return endpoints;
    }

    private static Integer slicePort(EndpointSlice slice, String servicePortName) {
        if (slice.getPorts() == null) {
            return null;
        }
        for (EndpointPort p : slice.getPorts()) {
            if (Objects.equals(emptyToNull(p.getName()), emptyToNull(servicePortName))) {
                return p.getPort();
            }
        }
        return null;
    }

    private static boolean isExternalName(Service service) {
        return service.getSpec() != null && "ExternalName".equals(service.getSpec().getType())
                && !isEmpty(service.getSpec().getExternalName());
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static String emptyToNull(String s) {
        return isEmpty(s) ? null : s;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
