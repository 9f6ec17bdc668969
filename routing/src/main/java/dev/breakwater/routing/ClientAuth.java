package dev.breakwater.routing;

import java.util.Objects;

/**
 * Client certificates (mutual TLS at the edge) for a host.
 *
 * @param caCertificates PEM bundle of the CAs that client certificates must chain to
 * @param required       true: a handshake without a valid client certificate fails; false: a request
 *                       without one is passed on with {@code ssl-client-verify: NONE}
 */
public record ClientAuth(String caCertificates, boolean required) {

    public ClientAuth {
        Objects.requireNonNull(caCertificates, "caCertificates");
    }
}
