package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.ClientAuth;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * For a route whose host asks for client certificates: checks that the connection's handshake asked for the same
 * ones (so that SNI for one host cannot be used to reach another: 421 otherwise), that a required certificate was
 * sent (400 otherwise), and passes what was verified to the endpoint in ingress-nginx's headers, replacing any the
 * client sent: the verdict, the subject and the issuer, and with {@code auth-tls-pass-certificate-to-upstream} the
 * certificate itself, as nginx's {@code $ssl_client_escaped_cert} (PEM, percent-encoded).
 */
public final class ClientCertificateFilter implements HttpFilter {

    public static final AsciiString CLIENT_VERIFY = AsciiString.cached("ssl-client-verify");
    public static final AsciiString CLIENT_SUBJECT = AsciiString.cached("ssl-client-subject-dn");
    public static final AsciiString CLIENT_ISSUER = AsciiString.cached("ssl-client-issuer-dn");
    public static final AsciiString CLIENT_CERT = AsciiString.cached("ssl-client-cert");

    private static final LocalAnswer MISDIRECTED = LocalAnswer.denied("client_certificate",
            HttpResponseStatus.MISDIRECTED_REQUEST,
            "this host needs a TLS connection made for it (SNI) with a client certificate", null);
    private static final LocalAnswer REQUIRED = LocalAnswer.denied("client_certificate",
            HttpResponseStatus.BAD_REQUEST,
            "a client certificate is required", null);

    private final ClientAuth clientAuth;
    private final boolean passCertificate;

    public ClientCertificateFilter(ClientAuth clientAuth) {
        this(clientAuth, false);
    }

    /** @param passCertificate send the verified certificate to the endpoint in {@code ssl-client-cert} */
    public ClientCertificateFilter(ClientAuth clientAuth, boolean passCertificate) {
        this.clientAuth = clientAuth;
        this.passCertificate = passCertificate;
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        HttpHeaders headers = request.headers();
        headers.remove(CLIENT_VERIFY);
        headers.remove(CLIENT_SUBJECT);
        headers.remove(CLIENT_ISSUER);
        headers.remove(CLIENT_CERT);
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
        if (passCertificate) {
            headers.set(CLIENT_CERT, escapedPem(peer));
        }
        return null;
    }

    /** The certificate as PEM, every byte but the URI's unreserved characters percent-encoded (as nginx does). */
    static String escapedPem(X509Certificate certificate) {
        String body;
        try {
            body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a verified certificate that cannot be encoded", e);
        }
        String pem = "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
        StringBuilder b = new StringBuilder(pem.length() + pem.length() / 4);
        for (int i = 0; i < pem.length(); i++) {
            char c = pem.charAt(i);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append(c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return b.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
