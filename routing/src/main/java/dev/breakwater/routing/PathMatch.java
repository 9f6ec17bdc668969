package dev.breakwater.routing;

import java.util.Objects;

/**
 * A condition on the request path (the part before {@code ?}).
 *
 * <ul>
 *   <li>{@link Type#EXACT}: the path equals {@code value}, case-sensitively.</li>
 *   <li>{@link Type#PREFIX}: element-wise prefix on {@code /} as Ingress v1 defines it: {@code /foo} accepts
 *       {@code /foo}, {@code /foo/} and {@code /foo/bar}, not {@code /foobar}. A trailing slash in
 *       {@code value} is ignored, so {@code /foo/} accepts {@code /foo}. {@code /} accepts everything.</li>
 *   <li>{@link Type#REGULAR_EXPRESSION}: the whole path matches {@code value} (Java regex syntax).</li>
 * </ul>
 */
public record PathMatch(Type type, String value) {

    public enum Type { EXACT, PREFIX, REGULAR_EXPRESSION }

    public PathMatch {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type != Type.REGULAR_EXPRESSION && !value.startsWith("/")) {
            throw new IllegalArgumentException("value: " + value + " (expected: an absolute path starting with /)");
        }
    }

    public static PathMatch exact(String value) {
        return new PathMatch(Type.EXACT, value);
    }

    public static PathMatch prefix(String value) {
        return new PathMatch(Type.PREFIX, value);
    }

    /**
     * The prefix with any trailing slashes removed; {@code ""} for the root. A request path {@code p}
     * is accepted by a {@link Type#PREFIX} match when {@code p} equals this value or starts with it
     * followed by {@code /}.
     */
    public String normalizedPrefix() {
        int end = value.length();
        while (end > 0 && value.charAt(end - 1) == '/') {
            end--;
        }
        return value.substring(0, end);
    }
}
