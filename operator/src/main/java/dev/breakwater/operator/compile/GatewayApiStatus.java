package dev.breakwater.operator.compile;

import java.util.List;
import java.util.Objects;

/**
 * What the compiler found about the Gateway API objects that are ours, for their {@code status}: facts, not the
 * write. The status writer adds {@code lastTransitionTime}, the Gateways' addresses and {@code Programmed} (from the
 * data planes' acknowledgements, as for Routes). Conditions are {@link RouteStatusReport.Condition}s: type, status,
 * CamelCase reason as the Gateway API spec names them, message.
 *
 * @param gatewayClasses the GatewayClasses whose {@code controllerName} is ours
 * @param gateways       the Gateways of those classes
 * @param httpRoutes     the HTTPRoutes, GRPCRoutes, TLSRoutes, TCPRoutes and UDPRoutes with at least one parent that
 *                       is one of those Gateways, and every BackendTLSPolicy (kind {@code BackendTLSPolicy}, its
 *                       ancestor Gateways as parents)
 * @param services       the Services the Gateways should have ({@link GatewayServices}); empty when they have none
 * @param staleServices  {@code namespace/name} of the Services labelled {@link GatewayService#LABEL} that no Gateway
 *                       wants any more (the leader deletes them)
 */
public record GatewayApiStatus(List<GatewayClassReport> gatewayClasses, List<GatewayReport> gateways,
                               List<HttpRouteReport> httpRoutes, List<GatewayService> services,
                               List<String> staleServices) {

    /** The {@code controllerName} of the GatewayClasses Breakwater implements, written in HTTPRoutes' parent status. */
    public static final String CONTROLLER_NAME = "breakwater.dev/gateway-controller";

    /** Nothing of ours. */
    public static final GatewayApiStatus NONE = new GatewayApiStatus(List.of(), List.of(), List.of());

    public GatewayApiStatus {
        gatewayClasses = List.copyOf(gatewayClasses);
        gateways = List.copyOf(gateways);
        httpRoutes = List.copyOf(httpRoutes);
        services = services == null ? List.of() : List.copyOf(services);
        staleServices = staleServices == null ? List.of() : List.copyOf(staleServices);
    }

    /** Facts without Services of the Gateways' own. */
    public GatewayApiStatus(List<GatewayClassReport> gatewayClasses, List<GatewayReport> gateways,
                            List<HttpRouteReport> httpRoutes) {
        this(gatewayClasses, gateways, httpRoutes, List.of(), List.of());
    }

    /** The Service Gateway {@code namespace/name} should have, or null. */
    public GatewayService service(String namespace, String name) {
        return services.stream().filter(s -> s.gatewayNamespace().equals(namespace) && s.gatewayName().equals(name))
                .findFirst().orElse(null);
    }

    /** The report of GatewayClass {@code name}, or null. */
    public GatewayClassReport gatewayClass(String name) {
        return gatewayClasses.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** The report of Gateway {@code namespace/name}, or null. */
    public GatewayReport gateway(String namespace, String name) {
        return gateways.stream().filter(g -> g.namespace().equals(namespace) && g.name().equals(name)).findFirst()
                .orElse(null);
    }

    /** The report of HTTPRoute {@code namespace/name}, or null. */
    public HttpRouteReport httpRoute(String namespace, String name) {
        return route(HttpRouteReport.HTTP_ROUTE, namespace, name);
    }

    /** The report of GRPCRoute {@code namespace/name}, or null. */
    public HttpRouteReport grpcRoute(String namespace, String name) {
        return route(HttpRouteReport.GRPC_ROUTE, namespace, name);
    }

    /** The report of the route of {@code kind} ({@code TLSRoute}, ...) {@code namespace/name}, or null. */
    public HttpRouteReport route(String kind, String namespace, String name) {
        return httpRoutes.stream().filter(r -> r.kind().equals(kind) && r.namespace().equals(namespace)
                && r.name().equals(name)).findFirst().orElse(null);
    }

    /** A GatewayClass of ours: {@code Accepted}. */
    public record GatewayClassReport(String name, Long generation, RouteStatusReport.Condition accepted) {
        public GatewayClassReport {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(accepted, "accepted");
        }
    }

    /**
     * A Gateway of ours.
     *
     * @param accepted  {@code Accepted}: True when the Gateway is served (reason {@code ListenersNotValid} when some
     *                  listener is not)
     * @param listeners one per {@code spec.listeners}, in their order
     */
    public record GatewayReport(String namespace, String name, Long generation, RouteStatusReport.Condition accepted,
                                List<ListenerReport> listeners) {
        public GatewayReport {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(accepted, "accepted");
            listeners = List.copyOf(listeners);
        }

        /** {@code Gateway/namespace/name}, as diagnostics name it. */
        public String object() {
            return "Gateway/" + namespace + "/" + name;
        }

        /** The listener named {@code name}, or null. */
        public ListenerReport listener(String listenerName) {
            return listeners.stream().filter(l -> l.name().equals(listenerName)).findFirst().orElse(null);
        }
    }

    /**
     * One listener of a Gateway.
     *
     * @param supportedKinds the route kinds it takes, {@code group/kind} ({@code gateway.networking.k8s.io/HTTPRoute})
     * @param attachedRoutes how many accepted routes its {@code allowedRoutes} let attach, whose parentRefs select it
     *                       and whose hostnames intersect its own
     * @param accepted       {@code Accepted}
     * @param resolvedRefs   {@code ResolvedRefs}
     * @param conflicted     {@code Conflicted}
     */
    public record ListenerReport(String name, List<String> supportedKinds, int attachedRoutes,
                                 RouteStatusReport.Condition accepted, RouteStatusReport.Condition resolvedRefs,
                                 RouteStatusReport.Condition conflicted) {
        public ListenerReport {
            Objects.requireNonNull(name, "name");
            supportedKinds = List.copyOf(supportedKinds);
            Objects.requireNonNull(accepted, "accepted");
            Objects.requireNonNull(resolvedRefs, "resolvedRefs");
            Objects.requireNonNull(conflicted, "conflicted");
        }
    }

    /**
     * An HTTPRoute or a GRPCRoute ({@code kind}) with a parent of ours: one entry per such parentRef.
     */
    public record HttpRouteReport(String kind, String namespace, String name, Long generation,
                                  List<ParentReport> parents) {
        public static final String HTTP_ROUTE = "HTTPRoute";
        public static final String GRPC_ROUTE = "GRPCRoute";
        public static final String TLS_ROUTE = "TLSRoute";
        public static final String TCP_ROUTE = "TCPRoute";
        public static final String UDP_ROUTE = "UDPRoute";
        /** A BackendTLSPolicy's facts: its {@code parents} are its ancestor Gateways. */
        public static final String BACKEND_TLS_POLICY = "BackendTLSPolicy";

        public HttpRouteReport {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            parents = List.copyOf(parents);
        }

        /** An HTTPRoute's. */
        public HttpRouteReport(String namespace, String name, Long generation, List<ParentReport> parents) {
            this(HTTP_ROUTE, namespace, name, generation, parents);
        }

        /** {@code Kind/namespace/name}, as diagnostics name it. */
        public String object() {
            return kind + "/" + namespace + "/" + name;
        }
    }

    /**
     * A parentRef as written (defaults not filled in, so that the status names it as the route does) and what
     * became of it.
     */
    public record ParentReport(ParentRef ref, RouteStatusReport.Condition accepted,
                               RouteStatusReport.Condition resolvedRefs) {
        public ParentReport {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(accepted, "accepted");
            Objects.requireNonNull(resolvedRefs, "resolvedRefs");
        }
    }

    /** A parentRef: group, kind, namespace, sectionName and port may be null (as written). */
    public record ParentRef(String group, String kind, String namespace, String name, String sectionName,
                            Integer port) {
        public ParentRef {
            Objects.requireNonNull(name, "name");
        }
    }
}
