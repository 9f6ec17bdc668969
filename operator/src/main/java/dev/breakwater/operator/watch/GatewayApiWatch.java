package dev.breakwater.operator.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * Whether the API server serves the Gateway API kinds Breakwater reads (the standard channel's CRDs): GatewayClass,
 * Gateway and HTTPRoute {@code gateway.networking.k8s.io/v1} and ReferenceGrant {@code v1beta1}. Asked once at start
 * (discovery); installing the CRDs later takes a restart of the operator. GRPCRoute ({@code v1}) is read when it is
 * served too, and its absence disables only GRPCRoutes; so are TLSRoute, TCPRoute and UDPRoute ({@code v1}), each
 * on its own.
 */
final class GatewayApiWatch {

    static final String GROUP = "gateway.networking.k8s.io";

    private GatewayApiWatch() {
    }

    /** Null when GRPCRoute {@code v1} is served, else why not. */
    static String missingGrpcRoute(KubernetesClient client) {
        return missingRoute(client, "GRPCRoute");
    }

    /** Null when the route {@code kind} ({@code GRPCRoute}, {@code TLSRoute}, ...) of {@code v1} is served, else why not. */
    static String missingRoute(KubernetesClient client, String kind) {
        try {
            return client.supports(GROUP + "/v1", kind) ? null : "the API server does not serve " + GROUP
                    + "/v1 " + kind + " (install its CRD and restart the operator)";
        } catch (KubernetesClientException e) {
            throw new KubernetesClientException("cannot ask the API server whether it serves " + kind
                    + " (discovery): " + e.getMessage(), e);
        }
    }

    /** Null when every kind is served, else which is not. */
    static String missing(KubernetesClient client) {
        List<String[]> kinds = List.of(new String[] {GROUP + "/v1", "GatewayClass"},
                new String[] {GROUP + "/v1", "Gateway"}, new String[] {GROUP + "/v1", "HTTPRoute"},
                new String[] {GROUP + "/v1beta1", "ReferenceGrant"});
        try {
            for (String[] k : kinds) {
                if (!client.supports(k[0], k[1])) {
                    return "the API server does not serve " + k[0] + " " + k[1] + " (install the Gateway API "
                            + "standard channel's CRDs and restart the operator)";
                }
            }
            return null;
        } catch (KubernetesClientException e) {
            throw new KubernetesClientException("cannot ask the API server whether it serves the Gateway API "
                    + "(discovery): " + e.getMessage(), e);
        }
    }
}
