package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.ClientAuth;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.security.cert.X509Certificate;

/**
 * For a route whose host asks for client certificates: checks that the connection's handshake asked for the same
 * ones (so that SNI for one host cannot be used to reach another: 421 otherwise), that a required certificate was
 * sent (400 otherwise), and passes what was verified to the endpoint in ingress-nginx's headers, replacing any the
 * client sent.
 */
public final class ClientCertificateFilter implements HttpFilter {

    public static final AsciiString CLIENT_VERIFY = AsciiString.cached("ssl-client-verify");
    public static final AsciiString CLIENT_SUBJECT = AsciiString.cached("ssl-client-subject-dn");
    public static final AsciiString CLIENT_ISSUER = AsciiString.cached("ssl-client-issuer-dn");

    private static final LocalAnswer MISDIRECTED = LocalAnswer.denied("client_certificate",
            HttpResponseStatus.MISDIRECTED_REQUEST,
            "this host needs a TLS connection made for it (SNI) with a client certificate", null);
    private static final LocalAnswer REQUIRED = LocalAnswer.denied("client_certificate",
            HttpResponseStatus.BAD_REQUEST,
            "a client certificate is required", null);

    private final ClientAuth clientAuth;

    public ClientCertificateFilter(ClientAuth clientAuth) {
        this.clientAuth = clientAuth;
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        HttpHeaders headers = request.headers();
        headers.remove(CLIENT_VERIFY);
        headers.remove(CLIENT_SUBJECT);
        headers.remove(CLIENT_ISSUER);
        ClientTls tls = request.clientTls();
        if (tls == null || !clientAuth.equals(tls.clientAuth())) {
            return MISDIRECTED;
        }
        X509Certificate peer = tls.peerCertificate();
        if (peer == null) {
            if (clientAuth.required()) {
                return REQUIRED;
            }
            headers.set(CLIENT_VERIFY, "NONE");
            return null;
        }
        headers.set(CLIENT_VERIFY, "SUCCESS");
        headers.set(CLIENT_SUBJECT, peer.getSubjectX500Principal().getName());
        headers.set(CLIENT_ISSUER, peer.getIssuerX500Principal().getName());
        return null;
    }
}
