package dev.breakwater.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.ForwardedHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The proxy's own request headers, with plain calls. */
class ForwardedHeadersFilterTest {

    private static FilterContext request(ForwardedTrust trust, String peer, String host, String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        return new FilterContext(req, "https", host, "/x", null, peer, "8443", "abc123", null,
                ProxyConfig.defaults(), trust);
    }

    private static FilterContext request(String host, String... headers) {
        return request(ForwardedTrust.NONE, "192.0.2.7", host, headers);
    }

    private static ForwardedTrust table(boolean keepOthers, String header, boolean append, String... peers) {
        return ForwardedTrust.of(new ForwardedHeaders(keepOthers, header, append, List.of(peers)),
                ProxyConfig.defaults());
    }

    @Test
    void anEdgeProxyReplacesWhatTheClientSent() {
        FilterContext r = request("a.test", "x-forwarded-for", "10.0.0.1", "x-forwarded-proto", "http",
                "x-real-ip", "10.0.0.1", "x-request-id", "spoofed");
        assertThat(ForwardedHeadersFilter.INSTANCE.onRequest(r)).isNull();
        assertThat(r.headers().getAll("x-forwarded-for")).containsExactly("192.0.2.7");
        assertThat(r.headers().get("x-forwarded-proto")).isEqualTo("https");
        assertThat(r.headers().get("x-forwarded-host")).isEqualTo("a.test");
        assertThat(r.headers().get("x-forwarded-port")).isEqualTo("8443");
        assertThat(r.headers().get("x-real-ip")).isEqualTo("192.0.2.7");
        assertThat(r.headers().get("x-request-id")).isEqualTo("abc123");
        assertThat(r.clientAddress()).isEqualTo("192.0.2.7");
    }

    @Test
    void behindATrustedBalancerTheClientIsAppendedAndTheBalancersHeadersKept() {
        FilterContext r = request(ForwardedTrust.of(ProxyConfig.defaults().withTrustForwardedHeaders(true)),
                "192.0.2.7", "a.test", "x-forwarded-for", "198.51.100.1", "x-forwarded-proto", "http",
                "x-forwarded-port", "80");
        ForwardedHeadersFilter.INSTANCE.onRequest(r);
        assertThat(r.headers().get("x-forwarded-for")).isEqualTo("198.51.100.1, 192.0.2.7");
        assertThat(r.headers().get("x-forwarded-proto")).isEqualTo("http");
        assertThat(r.headers().get("x-forwarded-port")).isEqualTo("80");
        assertThat(r.headers().get("x-forwarded-host")).isEqualTo("a.test");
        assertThat(r.headers().get("x-real-ip")).isEqualTo("192.0.2.7");
        assertThat(r.clientAddress()).isEqualTo("198.51.100.1");
    }

    @Test
    void aRequestWithoutHostGetsNoForwardedHost() {
        FilterContext r = request((String) null, "x-forwarded-host", "spoofed.test");
        ForwardedHeadersFilter.INSTANCE.onRequest(r);
        assertThat(r.headers().contains("x-forwarded-host")).isFalse();
        assertThat(r.headers().get("x-forwarded-for")).isEqualTo("192.0.2.7");
    }

    @Test
    void theTablesTrustReadsTheClientRecursivelyAndSendsItAloneUnlessAskedToAppend() {
        // use-forwarded-headers, proxy-real-ip-cidr 10.0.0.0/8: 10.1.1.1 is a trusted hop, 203.0.113.5 the client
        FilterContext r = request(table(true, "X-Forwarded-For", false, "10.0.0.0/8"), "10.0.0.2", "a.test",
                "x-forwarded-for", "198.51.100.9, 203.0.113.5, 10.1.1.1", "x-forwarded-proto", "http");
        ForwardedHeadersFilter.INSTANCE.onRequest(r);
        assertThat(r.clientAddress()).isEqualTo("203.0.113.5");
        assertThat(r.headers().get("x-forwarded-for")).isEqualTo("203.0.113.5");
        assertThat(r.headers().get("x-real-ip")).isEqualTo("203.0.113.5");
        assertThat(r.headers().get("x-forwarded-proto")).isEqualTo("http");

        FilterContext full = request(table(true, "X-Forwarded-For", true, "10.0.0.0/8"), "10.0.0.2", "a.test",
                "x-forwarded-for", "203.0.113.5");
        ForwardedHeadersFilter.INSTANCE.onRequest(full);
        assertThat(full.headers().get("x-forwarded-for")).isEqualTo("203.0.113.5, 10.0.0.2");
    }

    @Test
    void aPeerOutsideTheTrustedRangesIsAClientAndAnotherHeaderCanNameTheClient() {
        ForwardedTrust trust = table(false, "X-Client-IP", false, "10.0.0.0/8");
        FilterContext outside = request(trust, "192.0.2.7", "a.test", "x-client-ip", "203.0.113.5",
                "x-forwarded-proto", "http");
        ForwardedHeadersFilter.INSTANCE.onRequest(outside);
        assertThat(outside.clientAddress()).isEqualTo("192.0.2.7");
        assertThat(outside.headers().get("x-forwarded-for")).isEqualTo("192.0.2.7");
        assertThat(outside.headers().get("x-forwarded-proto")).isEqualTo("https");

        // enable-real-ip with forwarded-for-header X-Client-IP: the client is read, the other headers are ours
        FilterContext inside = request(trust, "10.0.0.2", "a.test", "x-client-ip", "203.0.113.5",
                "x-forwarded-proto", "http");
        ForwardedHeadersFilter.INSTANCE.onRequest(inside);
        assertThat(inside.clientAddress()).isEqualTo("203.0.113.5");
        assertThat(inside.headers().get("x-forwarded-for")).isEqualTo("203.0.113.5");
        assertThat(inside.headers().get("x-forwarded-proto")).isEqualTo("https");
    }
}
