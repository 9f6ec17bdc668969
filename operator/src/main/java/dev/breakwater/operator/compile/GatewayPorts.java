package dev.breakwater.operator.compile;

/**
 * The ports a Gateway's listeners may name: the data planes serve one plain-HTTP and one HTTPS port (behind their
 * Service or host ports), so an HTTP listener must name the first and an HTTPS listener the second; a listener on
 * any other port is not accepted ({@code PortUnavailable}).
 *
 * @param http  the port of HTTP listeners, 1-65535
 * @param https the port of HTTPS listeners, 1-65535, not {@code http}
 */
public record GatewayPorts(int http, int https) {

    /** Ports 80 and 443, where the chart's data planes are reached. */
    public static final GatewayPorts DEFAULT = new GatewayPorts(80, 443);

    public GatewayPorts {
        if (http < 1 || http > 65535) {
            throw new IllegalArgumentException("http: " + http + " (expected: 1-65535)");
        }
        if (https < 1 || https > 65535) {
            throw new IllegalArgumentException("https: " + https + " (expected: 1-65535)");
        }
        if (http == https) {
            throw new IllegalArgumentException("https: " + https + " (expected: a port other than http's)");
        }
    }
}
