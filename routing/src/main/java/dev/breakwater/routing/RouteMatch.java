package dev.breakwater.routing;

import java.util.List;
import java.util.Objects;

/**
 * Conditions a request must all meet.
 *
 * @param path        the path condition (always present; {@code Prefix /} accepts every path)
 * @param headers     header conditions, all of which must hold
 * @param queryParams query-parameter conditions, all of which must hold
 * @param method      the request method, or null for any
 */
public record RouteMatch(PathMatch path, List<HeaderMatch> headers, List<QueryParamMatch> queryParams, String method) {

    public RouteMatch {
        Objects.requireNonNull(path, "path");
        headers = headers == null ? List.of() : List.copyOf(headers);
        queryParams = queryParams == null ? List.of() : List.copyOf(queryParams);
    }

    public static RouteMatch path(PathMatch path) {
        return new RouteMatch(path, List.of(), List.of(), null);
    }
}
