package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link PathModifier} ready to apply: its regex compiled once per table. */
final class PathRewriter {

    private final PathModifier.Type type;
    private final String value;
    /** REPLACE_PREFIX_MATCH: the route's prefix, without trailing slash ("" for /). */
    private final String prefix;
    /** REPLACE_PREFIX_MATCH: the replacement without trailing slash. */
    private final String replacement;
    private final Pattern pattern;

    PathRewriter(PathModifier modifier, PathMatch match) {
        this.type = modifier.type();
        this.value = modifier.value();
        this.prefix = match.type() == PathMatch.Type.PREFIX ? match.normalizedPrefix() : "";
        String r = modifier.value();
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        this.replacement = r;
        this.pattern = modifier.type() == PathModifier.Type.REGULAR_EXPRESSION ? Pattern.compile(modifier.pattern())
                : null;
    }

    /** The new path (maybe with a query after {@code ?}), or null when the path stays as it is. */
    String apply(String path) {
        switch (type) {
            case REPLACE_FULL_PATH:
                return value;
            case REPLACE_PREFIX_MATCH:
                String rest = path.length() >= prefix.length() ? path.substring(prefix.length()) : "";
                String p = replacement + rest;
                return p.isEmpty() ? "/" : p;
            default:
                Matcher m = pattern.matcher(path);
                if (!m.find()) {
                    return null;
                }
                String s = substitute(m);
                return s.startsWith("/") ? s : "/" + s;
        }
    }

    /** {@code value} with {@code $1}..{@code $9} replaced by the groups (absent ones by nothing). */
    private String substitute(Matcher m) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 32);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) >= '1' && value.charAt(i + 1) <= '9') {
                int g = value.charAt(++i) - '0';
                if (g <= m.groupCount() && m.group(g) != null) {
                    sb.append(m.group(g));
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The request target for a new path and the request's query: a {@code ?} in the new path starts its own
     * query, to which the request's is appended after {@code &}; a new path ending in {@code ?} drops the
     * request's query (nginx's rules).
     */
    static String target(String newPath, String query) {
        int q = newPath.indexOf('?');
        boolean hasQuery = query != null && !query.isEmpty();
        if (q < 0) {
            return hasQuery ? newPath + "?" + query : newPath;
        }
        if (newPath.endsWith("?")) {
            String own = newPath.substring(0, newPath.length() - 1);
            return own.endsWith("?") ? own.substring(0, own.length() - 1) : own;
        }
        return hasQuery ? newPath + "&" + query : newPath;
    }
}
