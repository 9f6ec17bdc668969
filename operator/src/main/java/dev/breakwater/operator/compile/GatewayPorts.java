package dev.breakwater.operator.compile;

/**
 * The ports a Gateway's listeners may name: the data planes serve one plain-HTTP and one HTTPS port (behind their
 * Service or host ports), so an HTTP listener must name the first and an HTTPS listener the second; a listener on
 * any other port is not accepted ({@code PortUnavailable}).
 *
 * <p>With {@code services}, every Gateway also gets a Service of its own ({@link GatewayServices}): then a listener
 * may name any port, and only those on {@code http} or {@code https} are also served on the data planes' shared ports.
 *
 * @param http     the port of HTTP listeners, 1-65535
 * @param https    the port of HTTPS listeners, 1-65535, not {@code http}
 * @param services each Gateway's own Service, or null for none (every Gateway on the shared ports only)
 */
public record GatewayPorts(int http, int https, GatewayServices services) {

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

    /** The shared ports only. */
    public GatewayPorts(int http, int https) {
        this(http, https, null);
    }

    /** The same ports, with each Gateway's own Service. */
    public GatewayPorts withServices(GatewayServices value) {
        return new GatewayPorts(http, https, value);
    }
}
