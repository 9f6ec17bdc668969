package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.tls.CertificateStore;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import dev.breakwater.dataplane.filter.ClientTls;
import dev.breakwater.routing.ClientAuth;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/** What the TLS handshake of a client connection chose, kept on the connection's channel. */
final class TlsSession {

    /** The SNI entry the handshake used. */
    static final AttributeKey<CertificateStore.Entry> ENTRY = AttributeKey.valueOf("breakwater.tls.entry");

    /** The SNI name the client sent (null: none). */
    static final AttributeKey<String> SERVER_NAME = AttributeKey.valueOf("breakwater.tls.sni");

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

    /**
     * True when the connection's handshake resumed an earlier session (a ticket or a cached session) rather than
     * making a new one. Known from OpenSSL (BoringSSL, the default provider); the JDK's engine does not say, and its
     * handshakes count as new.
     */
    static boolean resumed(Channel ch) {
        SslHandler ssl = sslHandler(ch);
        if (ssl != null && ssl.engine() instanceof ReferenceCountedOpenSslEngine openssl) {
            return io.netty.internal.tcnative.SSL.isSessionReused(openssl.sslPointer());
        }
        return false;
    }

    /** What the handshake of the connection of {@code ch} established, as the client-certificate check reads it. */
    static ClientTls clientTls(Channel ch) {
        CertificateStore.Entry entry = entry(ch);
        SslHandler ssl = sslHandler(ch);
        return new Handshake(entry == null ? null : entry.clientAuth(), ssl,
                connection(ch).attr(SERVER_NAME).get());
    }

    /** The peer certificate is looked up once, when a route first asks for it. */
    private static final class Handshake implements ClientTls {
        private final ClientAuth clientAuth;
        private final SslHandler ssl;
        private final String serverName;
        private boolean looked;
        private X509Certificate peer;

        Handshake(ClientAuth clientAuth, SslHandler ssl, String serverName) {
            this.clientAuth = clientAuth;
            this.ssl = ssl;
            this.serverName = serverName;
        }

        @Override
        public String protocol() {
            return ssl == null ? null : ssl.engine().getSession().getProtocol();
        }

        @Override
        public String cipher() {
            return ssl == null ? null : ssl.engine().getSession().getCipherSuite();
        }

        @Override
        public String serverName() {
            return serverName;
        }

        @Override
        public ClientAuth clientAuth() {
            return clientAuth;
        }

        @Override
        public X509Certificate peerCertificate() {
            if (!looked) {
                looked = true;
                peer = peerOf(ssl);
            }
            return peer;
        }

        private static X509Certificate peerOf(SslHandler ssl) {
            if (ssl == null) {
                return null;
            }
            try {
                Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
            } catch (SSLPeerUnverifiedException e) {
                return null; // no client certificate
            }
        }
    }
}
