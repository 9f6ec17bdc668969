package dev.breakwater.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** The proxy's own request headers, with plain calls. */
class ForwardedHeadersFilterTest {

    private static FilterContext request(String host, String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        return new FilterContext(req, "https", host, "/x", null, "192.0.2.7", "8443", "abc123", null,
                ProxyConfig.defaults());
    }

    @Test
    void anEdgeProxyReplacesWhatTheClientSent() {
        FilterContext r = request("a.test", "x-forwarded-for", "10.0.0.1", "x-forwarded-proto", "http",
                "x-real-ip", "10.0.0.1", "x-request-id", "spoofed");
        assertThat(new ForwardedHeadersFilter(false).onRequest(r)).isNull();
        assertThat(r.headers().getAll("x-forwarded-for")).containsExactly("192.0.2.7");
        assertThat(r.headers().get("x-forwarded-proto")).isEqualTo("https");
        assertThat(r.headers().get("x-forwarded-host")).isEqualTo("a.test");
        assertThat(r.headers().get("x-forwarded-port")).isEqualTo("8443");
        assertThat(r.headers().get("x-real-ip")).isEqualTo("192.0.2.7");
        assertThat(r.headers().get("x-request-id")).isEqualTo("abc123");
    }

    @Test
    void behindATrustedBalancerTheClientIsAppendedAndTheBalancersHeadersKept() {
        FilterContext r = request("a.test", "x-forwarded-for", "198.51.100.1", "x-forwarded-proto", "http",
                "x-forwarded-port", "80");
        new ForwardedHeadersFilter(true).onRequest(r);
        assertThat(r.headers().get("x-forwarded-for")).isEqualTo("198.51.100.1, 192.0.2.7");
        assertThat(r.headers().get("x-forwarded-proto")).isEqualTo("http");
        assertThat(r.headers().get("x-forwarded-port")).isEqualTo("80");
        assertThat(r.headers().get("x-forwarded-host")).isEqualTo("a.test");
        assertThat(r.headers().get("x-real-ip")).isEqualTo("192.0.2.7");
    }

    @Test
    void aRequestWithoutHostGetsNoForwardedHost() {
        FilterContext r = request(null);
        new ForwardedHeadersFilter(false).onRequest(r);
        assertThat(r.headers().contains("x-forwarded-host")).isFalse();
        assertThat(r.headers().get("x-forwarded-for")).isEqualTo("192.0.2.7");
    }
}
