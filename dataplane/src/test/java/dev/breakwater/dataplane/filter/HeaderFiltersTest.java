package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.RouteFilter.Header;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RequestHeaderFilter and ResponseHeaderFilter: one modifier, applied to either side. */
class HeaderFiltersTest {

    private final HeaderModifier modifier = new HeaderModifier(List.of(new Header("X-Tenant", "blue")),
            List.of(new Header("Via-Edge", "bw")), List.of("X-Debug"));

    @Test
    void theRequestFilterRemovesThenSetsThenAdds() {
        FilterContext r = get("/", "1.1.1.1", "x-debug", "1", "x-tenant", "red", "x-tenant", "green",
                "via-edge", "client");
        assertThat(new RequestHeaderFilter(modifier).onRequest(r)).isNull();
        assertThat(r.headers().contains("x-debug")).isFalse();
        assertThat(r.headers().getAll("x-tenant")).containsExactly("blue");
        assertThat(r.headers().getAll("via-edge")).containsExactly("client", "bw");
    }

    @Test
    void aClientsConnectionHeaderCannotMakeTheProxyDropWhatTheRouteSets() {
        FilterContext r = get("/", "1.1.1.1", "connection", "X-Tenant, keep-alive, Via-Edge", "x-tenant", "red");
        new RequestHeaderFilter(modifier).onRequest(r);
        assertThat(r.headers().get("connection")).isEqualTo("keep-alive");
        assertThat(r.headers().getAll("x-tenant")).containsExactly("blue");
        assertThat(r.headers().getAll("via-edge")).containsExactly("bw");
    }

    @Test
    void theResponseFilterChangesTheResponseAndNotTheRequest() {
        ResponseHeaderFilter filter = new ResponseHeaderFilter(modifier);
        FilterContext r = get("/", "1.1.1.1", "x-debug", "1");
        assertThat(filter.onRequest(r)).isNull();
        assertThat(r.headers().contains("x-debug")).isTrue();
        HttpHeaders response = new DefaultHttpHeaders().add("x-debug", "a").add("x-debug", "b").set("x-tenant", "o");
        filter.onResponse(r, response);
        assertThat(response.contains("x-debug")).isFalse();
        assertThat(response.getAll("x-tenant")).containsExactly("blue");
        assertThat(response.getAll("via-edge")).containsExactly("bw");
    }
}
