package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.filter.ClientTls;
import dev.breakwater.dataplane.upstream.CallTimer;

/**
 * What the exchanges of one client connection share (all the streams of an HTTP/2 connection alike): where it came
 * from, how, the upstream pool of its event loop and the timer of its calls. Fixed for the connection.
 *
 * @param scheme    {@code http} or {@code https}
 * @param clientIp  the peer's address
 * @param localPort the port the client connected to
 * @param tls       what its TLS handshake established, or null on plain HTTP
 * @param http2     true for an HTTP/2 connection
 * @param pool      the upstream connections of its event loop
 * @param timer     the timer of its upstream calls
 */
public record ClientConnection(String scheme, String clientIp, String localPort, ClientTls tls, boolean http2,
                               UpstreamPool pool, CallTimer timer) {

    public boolean https() {
        return "https".equals(scheme);
    }
}
