package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteFilterTest {

    private static final RouteMatch API = RouteMatch.path(PathMatch.prefix("/api"));

    static Route filtered() {
        RoutePolicy policy = RoutePolicy.DEFAULTS
                .withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8", " 2001:db8::/32", "192.168.1.7")))
                .withCors(new Cors(List.of("https://app.example.com", "https://*.Example.org:8443"),
                        List.of("GET", "POST"), List.of("Content-Type"), List.of("X-Total"), true, 600L));
        return new Route("r", "test", API, RouteAction.Forward.to("c"), policy, List.of(
                new RouteFilter.RequestHeaderModifier(List.of(new RouteFilter.Header("X-Env", "prod")),
                        List.of(new RouteFilter.Header("x-tag", "a")), List.of("X-Debug")),
                new RouteFilter.ResponseHeaderModifier(null, null, List.of("server")),
                new RouteFilter.URLRewrite("Backend.internal", PathModifier.regex("(?i)/api(/|$)(.*)", "/$2"))));
    }

    @Test
    void filtersAndPoliciesRoundTrip() {
        Route redirecting = new Route("r2", "test", API, RouteAction.Forward.to("c"), null, List.of(
                new RouteFilter.RequestRedirect("https", "new.example.com", 8443, PathModifier.prefixMatch("/v2"), 308)));
        RoutingTable table = RoutingTable.of(List.of(new VirtualHost("a.com", List.of(filtered(), redirecting))),
                List.of(new Cluster("c", null, List.of(Endpoint.ready("10.0.0.1", 80)))));

        RoutingTable decoded = TableCodec.decode(TableCodec.encode(table));

        assertThat(decoded).isEqualTo(table);
        assertThat(TableCodec.encodeToString(table)).contains("\"type\":\"urlRewrite\"")
                .contains("\"type\":\"requestRedirect\"").doesNotContain("allowsAnyOrigin", "ranges");
        assertThat(decoded.virtualHosts().get(0).routes().get(0).filters().get(0))
                .isEqualTo(new RouteFilter.RequestHeaderModifier(List.of(new RouteFilter.Header("x-env", "prod")),
                        List.of(new RouteFilter.Header("X-Tag", "a")), List.of("x-debug")));
    }

    @Test
    void routesWithoutFiltersEncodeAsBefore() {
        String json = TableCodec.encodeToString(TableCodecTest.sample());

        assertThat(json).doesNotContain("filters", "sourceAllowlist", "cors");
    }

    @Test
    void aRouteHoldsOneFilterOfEachKindAndNeverRewritesAndRedirects() {
        RouteFilter rewrite = new RouteFilter.URLRewrite(null, PathModifier.fullPath("/x"));
        RouteFilter redirect = new RouteFilter.RequestRedirect(null, null, null, null, null);

        assertThatThrownBy(() -> new Route("r", "t", API, RouteAction.Forward.to("c"), null, List.of(rewrite, rewrite)))
                .hasMessageContaining("two URLRewrite");
        assertThatThrownBy(() -> new Route("r", "t", API, RouteAction.Forward.to("c"), null, List.of(rewrite, redirect)))
                .hasMessageContaining("either rewrites or redirects");
        assertThatThrownBy(() -> new Route("r", "t", RouteMatch.path(PathMatch.exact("/a")),
                RouteAction.Forward.to("c"), null,
                List.of(new RouteFilter.URLRewrite(null, PathModifier.prefixMatch("/b")))))
                .hasMessageContaining("REPLACE_PREFIX_MATCH needs a PREFIX path match");
        assertThat(((RouteFilter.RequestRedirect) redirect).statusCode()).isEqualTo(302);
    }

    @Test
    void headerModifiersRefuseHopByHopFramingHostAndInjection() {
        for (String name : List.of("Connection", "keep-alive", "TE", "Transfer-Encoding", "Upgrade", "Content-Length",
                "Host", "Proxy-Connection", "Trailer")) {
            assertThatThrownBy(() -> new RouteFilter.Header(name, "x")).hasMessageContaining("proxy owns");
            assertThatThrownBy(() -> new RouteFilter.RequestHeaderModifier(null, null, List.of(name)))
                    .hasMessageContaining("proxy owns");
        }
        assertThatThrownBy(() -> new RouteFilter.Header("x-a", "1\r\nx-b: 2")).hasMessageContaining("control");
        assertThatThrownBy(() -> new RouteFilter.Header("x a", "1")).hasMessageContaining("token");
        assertThatThrownBy(() -> new RouteFilter.Header(":path", "/")).hasMessageContaining("token");
        assertThatThrownBy(() -> new RouteFilter.ResponseHeaderModifier(List.of(new RouteFilter.Header("x-a", "1"),
                new RouteFilter.Header("X-A", "2")), null, null)).hasMessageContaining("named twice");
        assertThatThrownBy(() -> new RouteFilter.ResponseHeaderModifier(null, null, null))
                .hasMessageContaining("nothing to set");
    }

    @Test
    void pathModifiersAndRedirectsAreChecked() {
        assertThatThrownBy(() -> PathModifier.fullPath("x")).hasMessageContaining("starting with /");
        assertThatThrownBy(() -> PathModifier.fullPath("/a b")).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> PathModifier.regex("/(a", "/$1")).hasMessageContaining("pattern");
        assertThat(PathModifier.regex("/(a)", "$1/b").value()).isEqualTo("$1/b");
        assertThatThrownBy(() -> new RouteFilter.RequestRedirect("ftp", null, null, null, null))
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> new RouteFilter.RequestRedirect(null, null, null, null, 304))
                .hasMessageContaining("301, 302, 303, 307 or 308");
        assertThatThrownBy(() -> new RouteFilter.RequestRedirect(null, "a.com:80", null, null, null))
                .hasMessageContaining("without port");
        assertThatThrownBy(() -> new RouteFilter.URLRewrite(null, null)).hasMessageContaining("neither");
    }

    @Test
    void corsOriginsAreCheckedAndLowerCased() {
        Cors cors = new Cors(List.of("HTTPS://App.Example.com"), null, null, null, false, null);

        assertThat(cors.allowOrigins()).containsExactly("https://app.example.com");
        assertThat(cors.allowsAnyOrigin()).isFalse();
        assertThat(new Cors(List.of("*"), null, null, null, false, null).allowsAnyOrigin()).isTrue();
        assertThatThrownBy(() -> new Cors(List.of("app.example.com"), null, null, null, false, null))
                .hasMessageContaining("scheme://host");
        assertThatThrownBy(() -> new Cors(List.of(), null, null, null, false, null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> new Cors(List.of("*"), List.of("GET POST"), null, null, false, null))
                .hasMessageContaining("allowMethods");
    }

    @Test
    void corsDialects() {
        Cors gw = new Cors(List.of("https://*", "http://*:8080"), null, null, null, true, 5L, Cors.Dialect.GATEWAY_API);
        assertThat(gw.gatewayApi()).isTrue();
        assertThat(gw.allowOrigins()).containsExactly("https://*", "http://*:8080");
        assertThatThrownBy(() -> new Cors(List.of("https://*"), null, null, null, false, null))
                .as("a host of * alone is Gateway API's").hasMessageContaining("allowOrigins");
        Cors nginx = new Cors(List.of("https://a.com"), null, null, null, false, null, Cors.Dialect.INGRESS_NGINX);
        assertThat(nginx.dialect()).as("one encoding for ingress-nginx's").isNull();
        assertThat(nginx).isEqualTo(new Cors(List.of("https://a.com"), null, null, null, false, null));
        assertThat(nginx.gatewayApi()).isFalse();
        assertThat(Cors.normalizeOrigin("HTTPS://A.com:443")).isEqualTo("https://a.com");
        assertThat(Cors.normalizeOrigin("http://a.com:80")).isEqualTo("http://a.com");
        assertThat(Cors.normalizeOrigin("http://a.com:443")).isEqualTo("http://a.com:443");
    }

    @Test
    void cidrsOfBothFamilies() {
        assertThat(Cidr.parse("10.1.2.3/8").contains(Cidr.parseAddress("10.200.0.1"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3/8").contains(Cidr.parseAddress("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("192.168.1.7").contains(Cidr.parseAddress("192.168.1.7"))).isTrue();
        assertThat(Cidr.parse("192.168.1.7").contains(Cidr.parseAddress("192.168.1.8"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.parseAddress("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.parseAddress("::1"))).as("families never mix").isFalse();
        assertThat(Cidr.parse("10.0.0.0/25").contains(Cidr.parseAddress("10.0.0.127"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/25").contains(Cidr.parseAddress("10.0.0.128"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.parseAddress("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.parseAddress("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("::1").contains(Cidr.parseAddress("0:0:0:0:0:0:0:1"))).isTrue();
        assertThat(Cidr.parse("::1")).hasToString("0:0:0:0:0:0:0:1/128");
        assertThat(Cidr.parse("fe80::/10").contains(Cidr.parseAddress("fe80::1%eth0"))).isTrue();
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").contains(Cidr.parseAddress("10.9.9.9"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(Cidr.parseAddress("::ffff:10.9.9.9"))).isTrue();
        assertThat(Cidr.parseAddress("1:2:3:4:5:6:7:8")).hasSize(16);
        assertThat(Cidr.parseAddress("[::1]")).hasSize(16);
        for (String bad : List.of("", "10.0.0", "10.0.0.256", "10.0.0.1.2", "a.b.c.d", "1:2:3:4:5:6:7:8:9", "1::2::3",
                "12345::", ":1", "example.com", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8")) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new SourceAllowlist(List.of())).hasMessageContaining("empty");
    }
}
