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
 * negotiated rather than again for each stream, and the one timer of the upstream calls of all its streams.
 */
final class Http2ClientOrigin {

    private final ClientConnection streams;

    /** @param scheme {@code https} (ALPN h2) or {@code http} (h2c with prior knowledge on the plain port) */
    Http2ClientOrigin(Channel connection, UpstreamPool pool, String scheme) {
        String clientIp = ClientAddress.ip(connection);
        String localPort = connection.localAddress() instanceof InetSocketAddress a ? Integer.toString(a.getPort()) : "";
        ClientTls tls = TlsSession.clientTls(connection);
        // one timer for the calls of all streams (each arms it for its own deadlines), stopped with the connection
        CallTimer timer = new CallTimer(connection.eventLoop());
        this.streams = new ClientConnection(scheme, clientIp, localPort, tls, true, pool, timer);
        connection.closeFuture().addListener(f -> timer.stop());
    }

    /** The connection as its streams' exchanges see it (one for all: nothing in it is a stream's). */
    ClientConnection forStream() {
        return streams;
    }
}
