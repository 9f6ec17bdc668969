package dev.breakwater.operator.compile;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Service a Gateway of ours should have ({@link GatewayServices}): written by the leader, read back in the next
 * snapshot for its address and to keep its target ports.
 *
 * @param gatewayNamespace the Gateway's namespace
 * @param gatewayName      the Gateway's name
 * @param namespace        the Service's namespace: the data planes'
 * @param name             the Service's name ({@link #nameOf})
 * @param type             {@code ClusterIP}, {@code NodePort} or {@code LoadBalancer}
 * @param selector         the data-plane pods' labels
 * @param ports            one per distinct port of the Gateway's served listeners, in port order
 * @param addresses        the addresses of the Service as the snapshot has it (load-balancer ingress IPs and host
 *                         names, else its cluster IP), or null before it exists or has one
 */
public record GatewayService(String gatewayNamespace, String gatewayName, String namespace, String name, String type,
                             Map<String, String> selector, List<Port> ports, List<String> addresses) {

    /** The label every such Service carries, by which the leader finds those no Gateway wants any more. */
    public static final String LABEL = "breakwater.dev/gateway-service";
    /** The annotation naming the Service's Gateway, {@code namespace/name}. */
    public static final String GATEWAY_ANNOTATION = "breakwater.dev/gateway";

    public GatewayService {
        Objects.requireNonNull(gatewayNamespace, "gatewayNamespace");
        Objects.requireNonNull(gatewayName, "gatewayName");
        selector = Map.copyOf(selector);
        ports = List.copyOf(ports);
        addresses = addresses == null ? null : List.copyOf(addresses);
    }

    /**
     * A listener port of the Gateway and the data-plane port behind it.
     *
     * @param name       {@code http-80}, {@code https-443}, {@code tls-8443}, {@code tcp-5432}, {@code udp-53}
     * @param port       the listener port
     * @param targetPort the data-plane port serving it, for this Gateway alone
     * @param protocol   the Service port's protocol: {@code UDP} for a UDP listener, else {@code TCP}
     */
    public record Port(String name, int port, int targetPort, String protocol) {

        /** A TCP port. */
        public Port(String name, int port, int targetPort) {
            this(name, port, targetPort, "TCP");
        }
    }

    /**
     * The Service name of Gateway {@code namespace/name}: {@code gw-} and the two, cut to fit, and 8 hex digits of
     * their SHA-256, so that it is a DNS label (at most 63 characters) unique to the Gateway.
     */
    static String nameOf(String namespace, String name) {
        String hash = java.util.HexFormat.of().formatHex(sha256(namespace + "/" + name)).substring(0, 8);
        String readable = ("gw-" + namespace + "-" + name).toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-");
        if (readable.length() > 54) {
            readable = readable.substring(0, 54);
        }
        return readable.replaceAll("-+$", "") + "-" + hash;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
