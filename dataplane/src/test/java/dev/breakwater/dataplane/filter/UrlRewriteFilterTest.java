package dev.breakwater.dataplane.filter;

import static dev.breakwater.dataplane.filter.FilterRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import org.junit.jupiter.api.Test;

class UrlRewriteFilterTest {

    private static FilterContext get(String path, String query) {
        return request("http", "GET", "a.test", path, query, "1.1.1.1");
    }

    @Test
    void aPrefixRewriteReplacesTheMatchedPrefixAndKeepsTheQuery() {
        UrlRewriteFilter f = new UrlRewriteFilter(null,
                new PathRewriter(PathModifier.prefixMatch("/v2/"), PathMatch.prefix("/api")));
        FilterContext r = get("/api/items/7", "page=2");
        assertThat(f.onRequest(r)).isNull();
        assertThat(r.request().uri()).isEqualTo("/v2/items/7?page=2");
        assertThat(r.headers().get("host")).as("no hostname: Host untouched").isEqualTo("a.test");

        FilterContext exact = get("/api", null);
        f.onRequest(exact);
        assertThat(exact.request().uri()).isEqualTo("/v2");
    }

    @Test
    void aFullPathRewriteAndAHostname() {
        UrlRewriteFilter f = new UrlRewriteFilter("internal.test",
                new PathRewriter(PathModifier.fullPath("/index.html"), PathMatch.prefix("/")));
        FilterContext r = get("/anything/here", "x=1");
        f.onRequest(r);
        assertThat(r.request().uri()).isEqualTo("/index.html?x=1");
        assertThat(r.headers().get("host")).isEqualTo("internal.test");
    }

    @Test
    void aRegexRewriteSubstitutesGroupsAndLeavesANonMatchingPathAlone() {
        UrlRewriteFilter f = new UrlRewriteFilter(null,
                new PathRewriter(PathModifier.regex("^/shop(/|$)(.*)", "/$2"), PathMatch.prefix("/")));
        FilterContext r = get("/shop/cart", null);
        f.onRequest(r);
        assertThat(r.request().uri()).isEqualTo("/cart");
        FilterContext other = get("/blog/1", "q=a");
        f.onRequest(other);
        assertThat(other.request().uri()).isEqualTo("/blog/1?q=a");
    }

    @Test
    void aNewPathWithItsOwnQueryGetsTheRequestsAfterAnAmpersand() {
        UrlRewriteFilter f = new UrlRewriteFilter(null,
                new PathRewriter(PathModifier.fullPath("/search?src=edge"), PathMatch.prefix("/")));
        FilterContext r = get("/find", "q=x");
        f.onRequest(r);
        assertThat(r.request().uri()).isEqualTo("/search?src=edge&q=x");
    }
}
