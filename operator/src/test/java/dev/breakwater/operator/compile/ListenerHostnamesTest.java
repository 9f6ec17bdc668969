package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hostnames an HTTPRoute gets on a listener, as the Gateway API spec intersects them. */
class ListenerHostnamesTest {

    @Test
    void withoutHostnamesOnEitherSideEveryHostOrTheOthersHostnames() {
        assertThat(ListenerHostnames.intersect(null, List.of())).containsExactly("*");
        assertThat(ListenerHostnames.intersect("shop.example.com", List.of())).containsExactly("shop.example.com");
        assertThat(ListenerHostnames.intersect(null, List.of("a.test", "b.test", "a.test")))
                .containsExactly("a.test", "b.test");
    }

    @Test
    void aListenerWildcardKeepsTheRouteHostnamesItMatchesWithOneOrMoreLabels() {
        assertThat(ListenerHostnames.intersect("*.example.com", List.of("a.example.com", "a.b.example.com",
                "example.com", "a.example.org", "*.example.com", "*.b.example.com")))
                .containsExactly("a.example.com", "a.b.example.com", "*.example.com", "*.b.example.com");
    }

    @Test
    void aRouteWildcardThatMatchesTheListenerHostnameGivesTheListenersHostname() {
        assertThat(ListenerHostnames.intersect("shop.example.com", List.of("*.example.com", "other.test")))
                .containsExactly("shop.example.com");
        assertThat(ListenerHostnames.intersect("*.b.example.com", List.of("*.example.com")))
                .containsExactly("*.b.example.com");
        assertThat(ListenerHostnames.intersect("example.com", List.of("*.example.com"))).isEmpty();
    }
}
