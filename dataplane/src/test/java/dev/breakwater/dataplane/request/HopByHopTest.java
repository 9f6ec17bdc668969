package dev.breakwater.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopTest {

    private static HttpHeaders headers(String... pairs) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void aMessageWithoutHopByHopHeadersKeepsEveryHeader() {
        HttpHeaders h = headers("Content-Type", "text/plain", "Content-Length", "3", "X-Trace", "a");
        HopByHop.strip(h);
        assertThat(h.names()).containsExactlyInAnyOrder("Content-Type", "Content-Length", "X-Trace");
    }

    @Test
    void everyHopByHopHeaderGoesInAnyCase() {
        HttpHeaders h = headers("CONNECTION", "keep-alive", "keep-alive", "timeout=5", "Proxy-Connection", "close",
                "te", "gzip", "Trailer", "X-Sum", "UPGRADE", "h2c", "Server", "s");
        HopByHop.strip(h);
        assertThat(h.names()).containsExactly("Server");
    }

    @Test
    void aClientsClientCertificateHeadersGoFromRequestsOnlyInAnyCase() {
        HttpHeaders request = headers("SSL-Client-Verify", "SUCCESS", "ssl-client-subject-dn", "CN=admin",
                "ssl-client-issuer-dn", "CN=ca", "Ssl-Client-Cert", "forged", "ssl-client-other", "kept", "X-A", "1");
        HopByHop.stripRequest(request);
        assertThat(request.names()).containsExactlyInAnyOrder("ssl-client-other", "X-A");

        HttpHeaders response = headers("ssl-client-verify", "echoed", "Connection", "close");
        HopByHop.strip(response);
        assertThat(response.names()).containsExactly("ssl-client-verify");
    }

    @Test
    void teTrailersStaysForGrpc() {
        HttpHeaders h = headers("TE", "Trailers", "Content-Type", "application/grpc");
        HopByHop.strip(h);
        assertThat(h.get("te")).isEqualTo("Trailers");
    }

    @Test
    void connectionRemovesWhatItNamesButNeverFramingHostOrTheProxysOwnHeaders() {
        HttpHeaders h = headers("Connection", "x-secret, Content-Length", "Connection", "host,X-Forwarded-For ,te",
                "X-Secret", "1", "Content-Length", "4", "Host", "a.test", "X-Forwarded-For", "10.0.0.1", "TE",
                "trailers");
        HopByHop.strip(h);
        assertThat(h.names()).containsExactlyInAnyOrder("Content-Length", "Host", "X-Forwarded-For", "TE");
    }
}
