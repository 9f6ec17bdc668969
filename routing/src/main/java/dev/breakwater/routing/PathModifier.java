package dev.breakwater.routing;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a {@link RouteFilter.URLRewrite} or {@link RouteFilter.RequestRedirect} changes the request path.
 *
 * <ul>
 *   <li>{@link Type#REPLACE_FULL_PATH}: the path becomes {@code value} (Gateway API {@code ReplaceFullPath}).</li>
 *   <li>{@link Type#REPLACE_PREFIX_MATCH}: the prefix the route matched is replaced by {@code value}, the rest
 *       of the path kept: prefix {@code /foo}, value {@code /bar}: {@code /foo/x} becomes {@code /bar/x};
 *       value {@code /}: {@code /foo/x} becomes {@code /x} (Gateway API {@code ReplacePrefixMatch}; only for
 *       routes with a {@link PathMatch.Type#PREFIX} match).</li>
 *   <li>{@link Type#REGULAR_EXPRESSION}: when {@code pattern} (Java regex) is found in the path, the whole path
 *       becomes {@code value}, in which {@code $1} to {@code $9} stand for the pattern's groups (an absent group
 *       is empty); a path the pattern is not found in is kept. This is nginx's {@code rewrite}, as
 *       ingress-nginx's {@code rewrite-target} uses it.</li>
 * </ul>
 *
 * <p>When the new path holds a {@code ?}, what follows it is the query, and the request's query is appended
 * to it after {@code &}; a new path ending in {@code ?} drops the request's query (nginx's rules). Otherwise
 * the request's query is kept.
 *
 * @param type    which of the three
 * @param value   the new path, prefix or substitution: starts with {@code /} (a substitution may also start
 *                with a group, {@code $1}); no whitespace, control characters or {@code #}
 * @param pattern the regex for {@link Type#REGULAR_EXPRESSION}, null otherwise
 */
public record PathModifier(Type type, String value, String pattern) {

    public enum Type { REPLACE_FULL_PATH, REPLACE_PREFIX_MATCH, REGULAR_EXPRESSION }

    public PathModifier {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        boolean regex = type == Type.REGULAR_EXPRESSION;
        boolean startsWithGroup = regex && value.length() >= 2 && value.charAt(0) == '$'
                && value.charAt(1) >= '1' && value.charAt(1) <= '9';
        if (!value.startsWith("/") && !startsWithGroup) {
            throw new IllegalArgumentException("value: '" + value + "' (expected: a path starting with /)");
        }
        if (value.chars().anyMatch(c -> c <= 32 || c == 127 || c == '#')) {
            throw new IllegalArgumentException("value: '" + value
                    + "' (expected: no whitespace, control characters or #)");
        }
        if (regex) {
            Objects.requireNonNull(pattern, "pattern");
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pattern: " + e.getDescription() + " in '" + pattern + "'");
            }
        } else if (pattern != null) {
            throw new IllegalArgumentException("pattern: only for REGULAR_EXPRESSION");
        }
    }

    public static PathModifier fullPath(String path) {
        return new PathModifier(Type.REPLACE_FULL_PATH, path, null);
    }

    public static PathModifier prefixMatch(String prefix) {
        return new PathModifier(Type.REPLACE_PREFIX_MATCH, prefix, null);
    }

    public static PathModifier regex(String pattern, String substitution) {
        return new PathModifier(Type.REGULAR_EXPRESSION, substitution, pattern);
    }
}
