package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.RouteFilter.RequestRedirect;
import org.junit.jupiter.api.Test;

class RedirectFilterTest {

    private static RedirectFilter filter(RequestRedirect r, PathMatch match) {
        return new RedirectFilter(new Redirect(r, match));
    }

    @Test
    void toHttpsOnAnotherHostUsesThePublicHttpsPortAndKeepsPathAndQuery() {
        LocalAnswer a = filter(new RequestRedirect("https", "b.test", null, null, 301), PathMatch.prefix("/"))
                .onRequest(request("http", "GET", "a.test", "/x", "y=1", "1.1.1.1"));
        assertThat(a.status().code()).isEqualTo(301);
        assertThat(a.headers().get("location")).isEqualTo("https://b.test:8443/x?y=1");
    }

    @Test
    void withoutASchemeTheRequestsSchemeAndPortStay() {
        LocalAnswer a = filter(new RequestRedirect(null, "b.test", null, null, 302), PathMatch.prefix("/"))
                .onRequest(request("http", "GET", "a.test:8080", "/p", null, "1.1.1.1"));
        assertThat(a.status().code()).isEqualTo(302);
        assertThat(a.headers().get("location")).isEqualTo("http://b.test:8080/p");
    }

    @Test
    void defaultPortsAreLeftOutAndAPrefixIsReplaced() {
        LocalAnswer a = filter(new RequestRedirect("https", null, 443, PathModifier.prefixMatch("/new"), 308),
                PathMatch.prefix("/old")).onRequest(request("http", "GET", "a.test", "/old/page", null, "1.1.1.1"));
        assertThat(a.status().code()).isEqualTo(308);
        assertThat(a.headers().get("location")).isEqualTo("https://a.test/new/page");
        assertThat(a.message()).isEqualTo("moved to https://a.test/new/page");
    }

    @Test
    void anIpv6HostKeepsItsBrackets() {
        LocalAnswer a = filter(new RequestRedirect(null, null, null, PathModifier.fullPath("/"), 301),
                PathMatch.prefix("/")).onRequest(request("http", "GET", "[2001:db8::1]:8080", "/a", null, "::1"));
        assertThat(a.headers().get("location")).isEqualTo("http://[2001:db8::1]:8080/");
    }
}
