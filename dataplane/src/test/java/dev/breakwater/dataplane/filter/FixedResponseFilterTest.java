package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.RouteAction;
import org.junit.jupiter.api.Test;

class FixedResponseFilterTest {

    @Test
    void everyRequestGetsTheSameAnswerBuiltOnce() {
        FixedResponseFilter f = new FixedResponseFilter(new RouteAction.FixedResponse(503, "  backend broken\n"));
        LocalAnswer first = f.onRequest(get("/a", "1.1.1.1"));
        LocalAnswer second = f.onRequest(get("/b", "2.2.2.2"));
        assertThat(first.status().code()).isEqualTo(503);
        assertThat(first.message()).isEqualTo("backend broken");
        assertThat(second).isSameAs(first);
        assertThat(first.deniedBy()).isNull();
    }
}
