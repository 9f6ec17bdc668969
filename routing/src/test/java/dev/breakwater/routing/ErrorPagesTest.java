package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A route's error pages on the wire: round-tripped, left out when unset, and their statuses checked. */
class ErrorPagesTest {

    private static RoutingTable table(RoutePolicy policy) {
        return RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "Ingress/d/r",
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"), policy)))),
                List.of(new Cluster("c", null, List.of(Endpoint.ready("10.0.0.1", 80))),
                        new Cluster("d/errors:http", null, List.of(Endpoint.ready("10.0.0.2", 80)))), List.of());
    }

    @Test
    void errorPagesRoundTripAndATableWithoutThemKeepsItsBytes() {
        ErrorPages pages = new ErrorPages(List.of(404, 503), "d/errors:http", "d", "web", "app", "80");
        RoutingTable with = table(RoutePolicy.builder().errorPages(pages).build());
        RoutingTable without = table(RoutePolicy.DEFAULTS);

        assertThat(TableCodec.decode(TableCodec.encode(with)).virtualHosts().get(0).routes().get(0).policy()
                .errorPages()).isEqualTo(pages);
        assertThat(TableCodec.encodeToString(without)).doesNotContain("errorPages");
        assertThat(with.hash()).isNotEqualTo(without.hash());
        assertThat(with.virtualHosts().get(0).routes().get(0).policy().toBuilder().cache(null).build().errorPages())
                .as("the builder keeps it").isEqualTo(pages);
    }

    @Test
    void onlyErrorStatusesCanBeIntercepted() {
        assertThatThrownBy(() -> new ErrorPages(List.of(302), "c", null, null, null, null))
                .hasMessage("codes: 302 (expected: 400 to 599)");
        assertThat(new ErrorPages(null, "c", null, null, null, null).codes()).isEmpty();
    }
}
