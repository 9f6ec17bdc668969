package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    private static RoutingTable tableWith(RoutePolicy policy) {
        Route r = new Route("r", "test", RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"), policy);
        return RoutingTable.of(List.of(new VirtualHost("a.com", List.of(r))),
                List.of(new Cluster("c", null, List.of(Endpoint.ready("10.0.0.1", 80)))));
    }

    @Test
    void rateLimitsRoundTripWithEveryKey() {
        for (RateLimit.Key key : List.of(RateLimit.Key.SOURCE_IP, RateLimit.Key.ROUTE, RateLimit.Key.header("X-Api-Key"))) {
            RoutingTable table = tableWith(RoutePolicy.DEFAULTS.withRateLimit(
                    new RateLimit(100, 1000, 200, key, List.of("10.0.0.0/8", " ::1"), "Ingress/default/web")));

            RoutingTable decoded = TableCodec.decode(TableCodec.encode(table));

            assertThat(decoded).isEqualTo(table);
            assertThat(decoded.virtualHosts().get(0).routes().get(0).policy().rateLimit().exempt())
                    .containsExactly("10.0.0.0/8", "::1");
        }
        assertThat(TableCodec.encodeToString(tableWith(RoutePolicy.DEFAULTS.withRateLimit(
                new RateLimit(5, 3_600_000, 5, RateLimit.Key.header("X-Api-Key"))))))
                .contains("\"rateLimit\":{\"requests\":5,\"perMillis\":3600000,\"burst\":5,"
                        + "\"key\":{\"type\":\"HEADER\",\"header\":\"x-api-key\"}}")
                .doesNotContain("exemptRanges", "exempt", "zone");
    }

    @Test
    void tablesWithoutARateLimitEncodeAsBefore() {
        // the same policy written before rateLimit existed: same bytes, same hash
        RoutingTable before = tableWith(RoutePolicy.builder().connectTimeoutMillis(1000L).responseTimeoutMillis(2000L)
                .sourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8"))).build());
        RoutingTable after = tableWith(RoutePolicy.DEFAULTS.withSourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8")))
                .withRateLimit(null));

        assertThat(TableCodec.encodeToString(before)).doesNotContain("rateLimit")
                .isEqualTo(TableCodec.encodeToString(tableWith(RoutePolicy.builder().connectTimeoutMillis(1000L)
                        .responseTimeoutMillis(2000L).sourceAllowlist(new SourceAllowlist(List.of("10.0.0.0/8")))
                        .build())));
        assertThat(TableCodec.encodeToString(after)).doesNotContain("rateLimit");
        assertThat(TableCodec.encodeToString(TableCodecTest.sample())).doesNotContain("rateLimit");
        // a table encoded by a version without rate limits decodes unchanged
        assertThat(TableCodec.decode(TableCodec.encode(before)).virtualHosts().get(0).routes().get(0).policy()
                .rateLimit()).isNull();
    }

    @Test
    void keysAndLimitsAreChecked() {
        assertThat(RateLimit.Key.header("X-Api-Key").header()).isEqualTo("x-api-key");
        assertThat(new RateLimit(1, 1, 1, null).key()).isEqualTo(RateLimit.Key.SOURCE_IP);
        assertThat(new RateLimit(1, 1, 1, null, List.of(), "").exempt()).isNull();
        assertThat(new RateLimit(1, 1, 1, null, List.of(), "").zone()).isNull();
        assertThat(new RateLimit(1, 1, 1, null, List.of("10.1.2.3/8"), null).exemptRanges())
                .containsExactly(Cidr.parse("10.0.0.0/8"));

        assertThatThrownBy(() -> new RateLimit(0, 1000, 1, null)).hasMessage("requests: 0 (expected: 1 to 1000000000)");
        assertThatThrownBy(() -> new RateLimit(1, 0, 1, null)).hasMessageStartingWith("perMillis: 0");
        assertThatThrownBy(() -> new RateLimit(1, RateLimit.MAX_PER_MILLIS + 1, 1, null))
                .hasMessageStartingWith("perMillis: ");
        assertThatThrownBy(() -> new RateLimit(1, 1000, 0, null)).hasMessageStartingWith("burst: 0");
        assertThatThrownBy(() -> new RateLimit(1, 1000, 1, null, List.of("10.0.0.0/33"), null))
                .hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> RateLimit.Key.header("X Api")).hasMessageContaining("header name token");
        assertThatThrownBy(() -> new RateLimit(1, 1000, 1, null, null, null, 302))
                .hasMessage("status: 302 (expected: 400 to 599)");
        assertThat(new RateLimit(1, 1000, 1, null).statusOrDefault()).isEqualTo(429);
        assertThat(new RateLimit(1, 1000, 1, null).withStatus(503).statusOrDefault()).isEqualTo(503);
        assertThatThrownBy(() -> new RateLimit.Key(RateLimit.Key.Type.ROUTE, "x")).hasMessageContaining("none for ROUTE");
    }
}
