package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HstsFilterTest {

    private final HstsFilter filter = new HstsFilter("max-age=31536000; includeSubDomains; preload");

    @Test
    void httpsResponsesGetTheHeader() {
        HttpHeaders response = new DefaultHttpHeaders();
        filter.onResponse(request("https", "GET", "a.test", "/", null, "1.1.1.1"), response);
        assertThat(response.get("strict-transport-security")).isEqualTo("max-age=31536000; includeSubDomains; preload");
    }

    @Test
    void anEndpointsOwnHeaderIsKeptAndPlainHttpGetsNone() {
        HttpHeaders own = new DefaultHttpHeaders().set("Strict-Transport-Security", "max-age=5");
        filter.onResponse(request("https", "GET", "a.test", "/", null, "1.1.1.1"), own);
        assertThat(own.getAll("strict-transport-security")).containsExactly("max-age=5");
        HttpHeaders plain = new DefaultHttpHeaders();
        filter.onResponse(request("http", "GET", "a.test", "/", null, "1.1.1.1"), plain);
        assertThat(plain.isEmpty()).isTrue();
    }

    @Test
    void requestsAreNeverAnswered() {
        assertThat(filter.onRequest(request("http", "GET", "a.test", "/", null, "1.1.1.1"))).isNull();
    }
}
