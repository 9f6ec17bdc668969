package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A match and what to do with the requests it accepts.
 *
 * @param name    stable, human-readable name used in metrics and logs, e.g. {@code default/web:example.com/api}
 * @param source  the Kubernetes object this route came from, as {@code Kind/namespace/name}
 * @param match   which requests this route accepts
 * @param action  where they go
 * @param policy  per-route settings; {@link RoutePolicy#DEFAULTS} when the object sets none
 * @param filters changes to the requests and responses, or a redirect (see {@link RouteFilter}); empty for
 *                none (and then not encoded, so that tables without filters keep their hash)
 */
public record Route(String name, String source, RouteMatch match, RouteAction action, RoutePolicy policy,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RouteFilter> filters) {

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
        policy = policy == null ? RoutePolicy.DEFAULTS : policy;
        filters = RouteFilter.check(filters, match);
    }

    public Route(String name, String source, RouteMatch match, RouteAction action, RoutePolicy policy) {
        this(name, source, match, action, policy, List.of());
    }

    /** This route with other filters. */
    public Route withFilters(List<RouteFilter> newFilters) {
        return new Route(name, source, match, action, policy, newFilters);
    }

    /** This route with another action, its match, policy and filters kept. */
    public Route withAction(RouteAction newAction) {
        return new Route(name, source, match, newAction, policy, filters);
    }
}
