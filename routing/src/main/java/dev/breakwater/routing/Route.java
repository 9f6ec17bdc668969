package dev.breakwater.routing;

import java.util.Objects;

/**
 * A match and what to do with the requests it accepts.
 *
 * @param name   stable, human-readable name used in metrics and logs, e.g. {@code default/web:example.com/api}
 * @param source the Kubernetes object this route came from, as {@code Kind/namespace/name}
 * @param match  which requests this route accepts
 * @param action where they go
 * @param policy per-route settings; {@link RoutePolicy#DEFAULTS} when the object sets none
 */
public record Route(String name, String source, RouteMatch match, RouteAction action, RoutePolicy policy) {

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
        policy = policy == null ? RoutePolicy.DEFAULTS : policy;
    }
}
