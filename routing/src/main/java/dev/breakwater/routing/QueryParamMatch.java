package dev.breakwater.routing;

import java.util.Objects;

/**
 * A condition on a query parameter (name compared exactly): one of its values must match.
 */
public record QueryParamMatch(String name, StringMatch type, String value) {

    public QueryParamMatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }
}
