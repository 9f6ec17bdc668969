package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.exchange.ClientConnection;
import dev.breakwater.dataplane.filter.ClientTls;
import dev.breakwater.dataplane.proxyprotocol.ClientAddress;
import dev.breakwater.dataplane.upstream.CallTimer;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * What every stream of one HTTP/2 client connection shares: the client's address, the port it connected to, what its
 * TLS handshake established and its event loop's upstream pool, read once from the connection when HTTP/2 was
 * negotiated rather than again for each stream. Each stream still gets a timer of its own (its calls run side by side).
 */
final class Http2ClientOrigin {

    private final String clientIp;
    private final String localPort;
    private final ClientTls tls;
    private final UpstreamPool pool;
    private final Channel connection;
    private final String scheme;

    Http2ClientOrigin(Channel connection, UpstreamPool pool, String scheme) {
        this.connection = connection;
        this.scheme = scheme;
        this.clientIp = ClientAddress.ip(connection);
        this.localPort = connection.localAddress() instanceof InetSocketAddress a ? Integer.toString(a.getPort()) : "";
        this.tls = TlsSession.clientTls(connection);
        this.pool = pool;
    }

    /** The connection as one stream's exchanges see it. */
    ClientConnection forStream() {
        return new ClientConnection(scheme, clientIp, localPort, tls, true, pool, new CallTimer(connection.eventLoop()));
    }
}
