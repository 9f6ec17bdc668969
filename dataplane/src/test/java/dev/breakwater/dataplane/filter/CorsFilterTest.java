package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.Cors;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorsFilterTest {

    private final CorsFilter filter = new CorsFilter(new Cors(List.of("https://app.test"), List.of("GET", "PUT"),
            List.of("X-Token"), List.of("X-Trace"), false, 600L));

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredHereWithThePolicy() {
        LocalAnswer answer = filter.onRequest(request("https", "OPTIONS", "a.test", "/x", null, "1.1.1.1",
                "origin", "https://app.test", "access-control-request-method", "PUT",
                "access-control-request-headers", "x-token"));
        assertThat(answer.status().code()).isEqualTo(204);
        HttpHeaders h = answer.headers();
        assertThat(h.get("access-control-allow-origin")).isEqualTo("https://app.test");
        assertThat(h.get("access-control-allow-methods")).contains("PUT");
        assertThat(h.get("access-control-allow-headers")).containsIgnoringCase("x-token");
        assertThat(h.get("access-control-max-age")).isEqualTo("600");
        assertThat(h.contains("access-control-allow-credentials")).isFalse();
    }

    @Test
    void requestsThatAreNotPreflightsGoOnToTheEndpoint() {
        assertThat(filter.onRequest(request("https", "GET", "a.test", "/x", null, "1.1.1.1",
                "origin", "https://app.test"))).isNull();
        assertThat(filter.onRequest(request("https", "OPTIONS", "a.test", "/x", null, "1.1.1.1")))
                .as("OPTIONS without Origin is the endpoint's").isNull();
    }

    @Test
    void responsesToAnAllowedOriginGetTheHeadersAndOthersGetNone() {
        HttpHeaders allowed = new DefaultHttpHeaders();
        filter.onResponse(request("https", "GET", "a.test", "/", null, "1.1.1.1", "origin", "https://app.test"),
                allowed);
        assertThat(allowed.get("access-control-allow-origin")).isEqualTo("https://app.test");
        assertThat(allowed.get("access-control-expose-headers")).containsIgnoringCase("x-trace");

        HttpHeaders other = new DefaultHttpHeaders();
        filter.onResponse(request("https", "GET", "a.test", "/", null, "1.1.1.1", "origin", "https://evil.test"),
                other);
        assertThat(other.contains("access-control-allow-origin")).isFalse();
    }
}
