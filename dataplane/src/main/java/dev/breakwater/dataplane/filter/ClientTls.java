package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.ClientAuth;
import java.security.cert.X509Certificate;

/** What the TLS handshake of a client connection established, as the client-certificate check reads it. */
public interface ClientTls {

    /** The client certificates the handshake asked for (those of the SNI entry it used), or null for none. */
    ClientAuth clientAuth();

    /** The certificate the client presented and the handshake verified, or null when it sent none. */
    X509Certificate peerCertificate();

    /** The TLS protocol the handshake agreed (TLSv1.3 ...), or null (for the access log). */
    default String protocol() {
        return null;
    }

    /** The cipher suite it agreed, or null. */
    default String cipher() {
        return null;
    }

    /** The SNI name the client sent, or null when it sent none. */
    default String serverName() {
        return null;
    }
}
