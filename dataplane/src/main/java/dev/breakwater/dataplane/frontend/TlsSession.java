package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.tls.CertificateStore;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;

/** What the TLS handshake of a client connection chose, kept on the connection's channel. */
final class TlsSession {

    /** The SNI entry the handshake used. */
    static final AttributeKey<CertificateStore.Entry> ENTRY = AttributeKey.valueOf("breakwater.tls.entry");

    private TlsSession() {
    }

    /** The connection channel of a channel (the parent of an HTTP/2 stream). */
    static Channel connection(Channel ch) {
        return ch instanceof Http2StreamChannel s ? s.parent() : ch;
    }

    static CertificateStore.Entry entry(Channel ch) {
        return connection(ch).attr(ENTRY).get();
    }

    static SslHandler sslHandler(Channel ch) {
        return connection(ch).pipeline().get(SslHandler.class);
    }
}
