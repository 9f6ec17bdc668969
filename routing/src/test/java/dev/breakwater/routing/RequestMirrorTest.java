package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A route's request mirror on the wire: round-tripped, left out when unset, kept by the builder, checked. */
class RequestMirrorTest {

    private static RoutingTable table(RoutePolicy policy) {
        return RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "Ingress/d/r",
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"), policy)))),
                List.of(new Cluster("c", null, List.of(Endpoint.ready("10.0.0.1", 80))),
                        new Cluster("d/shadow:80", null, List.of(Endpoint.ready("10.0.0.2", 80)))), List.of());
    }

    @Test
    void aMirrorRoundTripsAndATableWithoutOneKeepsItsBytes() {
        RequestMirror mirror = RequestMirror.to("d/shadow:80").withHost("shadow.example").withRequestBody(false);
        RoutingTable with = table(RoutePolicy.builder().mirror(mirror).build());
        RoutingTable without = table(RoutePolicy.DEFAULTS);

        assertThat(TableCodec.decode(TableCodec.encode(with)).virtualHosts().get(0).routes().get(0).policy()
                .mirror()).isEqualTo(mirror);
        assertThat(TableCodec.encodeToString(without)).doesNotContain("mirror");
        assertThat(with.hash()).isNotEqualTo(without.hash());
        RoutePolicy kept = with.virtualHosts().get(0).routes().get(0).policy().toBuilder()
                .retries(Retries.DEFAULTS).affinity(null).build();
        assertThat(kept.mirror()).as("the builder keeps it").isEqualTo(mirror);
    }

    @Test
    void itsCapsAndHostAreChecked() {
        assertThatThrownBy(() -> new RequestMirror("c", null, true, 0, 10))
                .hasMessage("maxInFlight: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new RequestMirror("c", null, true, 1, -1))
                .hasMessage("maxBodyBytes: -1 (expected: >= 0)");
        assertThatThrownBy(() -> RequestMirror.to("c").withHost("a b"))
                .hasMessageStartingWith("host: \"a b\"");
        assertThat(RequestMirror.to("c").requestBody()).isTrue();
    }
}
