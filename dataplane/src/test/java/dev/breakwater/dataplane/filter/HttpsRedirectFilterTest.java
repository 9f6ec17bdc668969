package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class HttpsRedirectFilterTest {

    private final HttpsRedirectFilter filter = new HttpsRedirectFilter();

    @Test
    void plainHttpIsAnswered308ToTheSameHostPathAndQuery() {
        LocalAnswer a = filter.onRequest(request("http", "POST", "a.test:8080", "/a/b", "q=1", "1.1.1.1"));
        assertThat(a.status().code()).isEqualTo(308);
        assertThat(a.headers().get("location")).isEqualTo("https://a.test:8443/a/b?q=1");
    }

    @Test
    void httpsGoesOn() {
        assertThat(filter.onRequest(request("https", "GET", "a.test", "/", null, "1.1.1.1"))).isNull();
    }

    @Test
    void port443IsLeftOutAndIpv6HostsKeepTheirBrackets() {
        FilterContext r = new FilterContext(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x"), "http",
                "[2001:db8::1]:80", "/x", null, "::1", ProxyConfig.defaults().withPublicHttpsPort(443));
        assertThat(filter.onRequest(r).headers().get("location")).isEqualTo("https://[2001:db8::1]/x");
    }
}
