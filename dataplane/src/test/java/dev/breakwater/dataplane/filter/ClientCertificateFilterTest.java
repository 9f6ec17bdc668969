package dev.breakwater.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.routing.ClientAuth;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** The client-certificate check, with plain calls: the handshake is a value. */
class ClientCertificateFilterTest {

    private static final TestPki PKI = TestPki.create("clients");
    private final ClientAuth optional = new ClientAuth(PKI.caPem(), false);
    private final ClientAuth required = new ClientAuth(PKI.caPem(), true);

    private static FilterContext request(ClientTls tls) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().set("ssl-client-verify", "SUCCESS").set("ssl-client-subject-dn", "CN=forged");
        return new FilterContext(req, "https", "a.test", "/", null, "192.0.2.1", "443", "id", tls,
                ProxyConfig.defaults());
    }

    private static ClientTls handshake(ClientAuth asked, X509Certificate peer) {
        return new ClientTls() {
            @Override
            public ClientAuth clientAuth() {
                return asked;
            }

            @Override
            public X509Certificate peerCertificate() {
                return peer;
            }
        };
    }

    @Test
    void aConnectionMadeForAnotherHostIsMisdirected() {
        FilterContext plain = request(null);
        assertThat(new ClientCertificateFilter(optional).onRequest(plain).status().code()).isEqualTo(421);
        assertThat(plain.headers().contains("ssl-client-verify")).as("forged headers dropped").isFalse();
        FilterContext otherHost = request(handshake(null, null));
        assertThat(new ClientCertificateFilter(optional).onRequest(otherHost).status().code()).isEqualTo(421);
    }

    @Test
    void aRequiredCertificateThatWasNotSentIs400() {
        LocalAnswer answer = new ClientCertificateFilter(required).onRequest(request(handshake(required, null)));
        assertThat(answer.status().code()).isEqualTo(400);
        assertThat(answer.message()).isEqualTo("a client certificate is required");
    }

    @Test
    void anOptionalCertificateThatWasNotSentSaysNone() {
        FilterContext r = request(handshake(optional, null));
        assertThat(new ClientCertificateFilter(optional).onRequest(r)).isNull();
        assertThat(r.headers().get("ssl-client-verify")).isEqualTo("NONE");
        assertThat(r.headers().contains("ssl-client-subject-dn")).isFalse();
    }

    @Test
    void aVerifiedCertificateIsPassedOnInIngressNginxsHeaders() {
        X509Certificate cert = PKI.client("alice").certificate();
        FilterContext r = request(handshake(required, cert));
        assertThat(new ClientCertificateFilter(required).onRequest(r)).isNull();
        assertThat(r.headers().get("ssl-client-verify")).isEqualTo("SUCCESS");
        assertThat(r.headers().get("ssl-client-subject-dn")).isEqualTo(cert.getSubjectX500Principal().getName());
        assertThat(r.headers().get("ssl-client-issuer-dn")).isEqualTo(cert.getIssuerX500Principal().getName());
    }
}
