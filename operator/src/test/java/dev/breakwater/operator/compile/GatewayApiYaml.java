package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.GatewayApiObjects;
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
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;

/** Reads Gateway API fixtures written as YAML, as a user writes them (ConfigMaps: those BackendTLSPolicies name). */
final class GatewayApiYaml {

    private GatewayApiYaml() {
    }

    static GatewayApiObjects read(GatewayApiObjects base, String yaml) {
        List<GatewayClass> classes = new ArrayList<>(base.gatewayClasses());
        List<Gateway> gateways = new ArrayList<>(base.gateways());
        List<HTTPRoute> routes = new ArrayList<>(base.httpRoutes());
        List<ReferenceGrant> grants = new ArrayList<>(base.referenceGrants());
        List<Namespace> namespaces = new ArrayList<>(base.namespaces());
        List<GRPCRoute> grpcRoutes = new ArrayList<>(base.grpcRoutes());
        List<TlsRoute> tlsRoutes = new ArrayList<>(base.tlsRoutes());
        List<TcpRoute> tcpRoutes = new ArrayList<>(base.tcpRoutes());
        List<UdpRoute> udpRoutes = new ArrayList<>(base.udpRoutes());
        List<BackendTLSPolicy> policies = new ArrayList<>(base.backendTlsPolicies());
        List<ConfigMap> configMaps = new ArrayList<>(base.caConfigMaps());
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            String kind = doc.lines().filter(l -> l.startsWith("kind:")).findFirst().orElseThrow().substring(5).trim();
            switch (kind) {
                case "GatewayClass" -> classes.add(Serialization.unmarshal(doc, GatewayClass.class));
                case "Gateway" -> gateways.add(Serialization.unmarshal(doc, Gateway.class));
                case "HTTPRoute" -> routes.add(Serialization.unmarshal(doc, HTTPRoute.class));
                case "GRPCRoute" -> grpcRoutes.add(Serialization.unmarshal(doc, GRPCRoute.class));
                case "TLSRoute" -> tlsRoutes.add(Serialization.unmarshal(doc, TlsRoute.class));
                case "TCPRoute" -> tcpRoutes.add(Serialization.unmarshal(doc, TcpRoute.class));
                case "UDPRoute" -> udpRoutes.add(Serialization.unmarshal(doc, UdpRoute.class));
                case "ReferenceGrant" -> grants.add(Serialization.unmarshal(doc, ReferenceGrant.class));
                case "Namespace" -> namespaces.add(Serialization.unmarshal(doc, Namespace.class));
                case "BackendTLSPolicy" -> policies.add(Serialization.unmarshal(doc, BackendTLSPolicy.class));
                case "ConfigMap" -> configMaps.add(Serialization.unmarshal(doc, ConfigMap.class));
                default -> throw new IllegalArgumentException("not a Gateway API fixture kind: " + kind);
            }
        }
        return new GatewayApiObjects(classes, gateways, routes, grants, namespaces, grpcRoutes, tlsRoutes, tcpRoutes,
                udpRoutes, policies, configMaps);
    }
}
