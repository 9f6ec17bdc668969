package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/** What a route does with a request it accepts. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RouteAction.Forward.class, name = "forward"),
    @JsonSubTypes.Type(value = RouteAction.FixedResponse.class, name = "fixedResponse")
})
public sealed interface RouteAction {

    /** Proxy the request to one of the backends, chosen by weight. */
    record Forward(List<BackendRef> backends) implements RouteAction {
        public Forward {
            backends = List.copyOf(backends);
            if (backends.isEmpty()) {
                throw new IllegalArgumentException("backends: empty (expected: at least one)");
            }
        }

        public static Forward to(String cluster) {
            return new Forward(List.of(new BackendRef(cluster, 1)));
        }
    }

    /**
     * Answer without any backend. Used, for instance, where a route's backend could not be resolved,
     * so that the route's requests get a clear error instead of falling through to another route.
     */
    record FixedResponse(int status, String body) implements RouteAction {
        public FixedResponse {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status: " + status + " (expected: 200-599)");
            }
            Objects.requireNonNull(body, "body");
        }
    }

    /** A cluster and its share of the route's traffic. */
    record BackendRef(String cluster, int weight) {
        public BackendRef {
            Objects.requireNonNull(cluster, "cluster");
            if (weight < 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
            }
        }
    }
}
