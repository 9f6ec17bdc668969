package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.SourceAllowlist;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowlistFilterTest {

    private final AllowlistFilter filter = new AllowlistFilter(
            new SourceAllowlist(List.of("10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32")));

    @Test
    void addressesInsideAnyRangeGoOn() {
        assertThat(filter.onRequest(get("/", "10.200.3.4"))).isNull();
        assertThat(filter.onRequest(get("/", "192.168.1.7"))).isNull();
        assertThat(filter.onRequest(get("/", "2001:db8:0:1::5"))).isNull();
    }

    @Test
    void everyOtherAddressIsAnswered403AndCountedAsTheAllowlistsDenial() {
        for (String outside : List.of("11.0.0.1", "192.168.1.8", "2001:db9::1", "::1")) {
            LocalAnswer answer = filter.onRequest(get("/", outside));
            assertThat(answer).as(outside).isNotNull();
            assertThat(answer.status().code()).isEqualTo(403);
            assertThat(answer.message()).isEqualTo("client address not allowed");
            assertThat(answer.deniedBy()).isEqualTo("allowlist");
        }
    }

    @Test
    void aClientsForwardedForIsIgnoredUnlessTheProxyTrustsIt() {
        FilterContext spoofed = get("/", "8.8.8.8", "x-forwarded-for", "10.0.0.1");
        assertThat(filter.onRequest(spoofed).status().code()).isEqualTo(403);
    }

    @Test
    void itLeavesResponsesAlone() {
        HttpHeaders response = new DefaultHttpHeaders().set("x-a", "1");
        filter.onResponse(get("/", "10.0.0.1"), response);
        assertThat(response.names()).containsExactly("x-a");
    }
}
