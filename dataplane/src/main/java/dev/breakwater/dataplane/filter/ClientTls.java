package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.ClientAuth;
import java.security.cert.X509Certificate;

/** What the TLS handshake of a client connection established, as the client-certificate check reads it. */
public interface ClientTls {

    /** The client certificates the handshake asked for (those of the SNI entry it used), or null for none. */
    ClientAuth clientAuth();

    /** The certificate the client presented and the handshake verified, or null when it sent none. */
    X509Certificate peerCertificate();
}
