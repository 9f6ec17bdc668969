package dev.breakwater.routing;

/**
 * A port of the data plane that serves only the virtual hosts given to it ({@link VirtualHost#listener}): a Gateway's
 * own port, behind that Gateway's own Service, where no Ingress, Route or other Gateway is served. The data plane
 * listens on every port its table's hosts name, and on no other once the table drops them.
 *
 * @param port 1-65535, on the data plane's bind address; not the data plane's shared HTTP or HTTPS port
 * @param tls  true: TLS is terminated there (certificates by SNI, as on the shared HTTPS port); false: plain HTTP
 *             (HTTP/1.1, and HTTP/2 with prior knowledge)
 */
public record ListenerPort(int port, boolean tls) {

    public ListenerPort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    /** {@code http/20000}, {@code https/20001}: how keys, logs and metrics name it. */
    @Override
    public String toString() {
        return (tls ? "https/" : "http/") + port;
    }
}
