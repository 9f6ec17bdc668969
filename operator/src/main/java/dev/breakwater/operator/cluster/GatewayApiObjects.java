package dev.breakwater.operator.cluster;

import dev.breakwater.operator.gatewayapi.TcpRoute;
import dev.breakwater.operator.gatewayapi.TlsRoute;
import dev.breakwater.operator.gatewayapi.UdpRoute;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.List;

/**
 * The Gateway API objects ({@code gateway.networking.k8s.io}) of a {@link ClusterSnapshot}, and the Namespaces
 * whose labels a listener's {@code allowedRoutes.namespaces.selector} reads. Unmodifiable copies, as the snapshot's
 * other lists; order carries no meaning.
 *
 * @param gatewayClasses  GatewayClasses ({@code v1}) of every controller
 * @param gateways        Gateways ({@code v1}) of every class
 * @param httpRoutes      HTTPRoutes ({@code v1})
 * @param referenceGrants ReferenceGrants ({@code v1beta1}): which cross-namespace references are permitted
 * @param namespaces      Namespaces, for their labels
 * @param grpcRoutes      GRPCRoutes ({@code v1})
 * @param tlsRoutes       TLSRoutes ({@code v1})
 * @param tcpRoutes       TCPRoutes ({@code v1})
 * @param udpRoutes       UDPRoutes ({@code v1})
 * @param backendTlsPolicies BackendTLSPolicies ({@code v1})
 * @param caConfigMaps    the ConfigMaps BackendTLSPolicies may name as CA certificates (of their namespaces), with
 *                        their {@code ca.crt} at least
 */
public record GatewayApiObjects(List<GatewayClass> gatewayClasses, List<Gateway> gateways, List<HTTPRoute> httpRoutes,
                                List<ReferenceGrant> referenceGrants, List<Namespace> namespaces,
                                List<GRPCRoute> grpcRoutes, List<TlsRoute> tlsRoutes, List<TcpRoute> tcpRoutes,
                                List<UdpRoute> udpRoutes, List<BackendTLSPolicy> backendTlsPolicies,
                                List<ConfigMap> caConfigMaps) {

    /** No Gateway API object at all (the CRDs are not installed, or nothing is applied). */
    public static final GatewayApiObjects NONE = new GatewayApiObjects(List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of());

    /** Without BackendTLSPolicies. */
    public GatewayApiObjects(List<GatewayClass> gatewayClasses, List<Gateway> gateways, List<HTTPRoute> httpRoutes,
                             List<ReferenceGrant> referenceGrants, List<Namespace> namespaces,
                             List<GRPCRoute> grpcRoutes, List<TlsRoute> tlsRoutes, List<TcpRoute> tcpRoutes,
                             List<UdpRoute> udpRoutes) {
        this(gatewayClasses, gateways, httpRoutes, referenceGrants, namespaces, grpcRoutes, tlsRoutes, tcpRoutes,
                udpRoutes, List.of(), List.of());
    }

    /** Without L4 routes (TLSRoute, TCPRoute, UDPRoute). */
    public GatewayApiObjects(List<GatewayClass> gatewayClasses, List<Gateway> gateways, List<HTTPRoute> httpRoutes,
                             List<ReferenceGrant> referenceGrants, List<Namespace> namespaces,
                             List<GRPCRoute> grpcRoutes) {
        this(gatewayClasses, gateways, httpRoutes, referenceGrants, namespaces, grpcRoutes, List.of(), List.of(),
                List.of());
    }

    /** Without GRPCRoutes. */
    public GatewayApiObjects(List<GatewayClass> gatewayClasses, List<Gateway> gateways, List<HTTPRoute> httpRoutes,
                             List<ReferenceGrant> referenceGrants, List<Namespace> namespaces) {
        this(gatewayClasses, gateways, httpRoutes, referenceGrants, namespaces, List.of());
    }

    public GatewayApiObjects {
        gatewayClasses = copy(gatewayClasses);
        gateways = copy(gateways);
        httpRoutes = copy(httpRoutes);
        referenceGrants = copy(referenceGrants);
        namespaces = copy(namespaces);
        grpcRoutes = copy(grpcRoutes);
        tlsRoutes = copy(tlsRoutes);
        tcpRoutes = copy(tcpRoutes);
        udpRoutes = copy(udpRoutes);
        backendTlsPolicies = copy(backendTlsPolicies);
        caConfigMaps = copy(caConfigMaps);
    }

    /**
     * True when there is no GatewayClass, Gateway or route of any kind (ReferenceGrants and Namespaces alone serve
     * nothing).
     */
    public boolean isEmpty() {
        return gatewayClasses.isEmpty() && gateways.isEmpty() && httpRoutes.isEmpty() && grpcRoutes.isEmpty()
                && tlsRoutes.isEmpty() && tcpRoutes.isEmpty() && udpRoutes.isEmpty();
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
