package dev.breakwater.routing;

import java.util.Locale;
import java.util.Objects;

/**
 * A condition on a request header: one of its values must match.
 *
 * @param name  header name, stored lower case (header names are case-insensitive)
 * @param type  how {@code value} is compared
 * @param value the expected value or pattern
 */
public record HeaderMatch(String name, StringMatch type, String value) {

    public HeaderMatch {
        name = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }
}
