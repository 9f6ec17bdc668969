package dev.breakwater.operator.compile;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import java.util.Comparator;

/**
 * A route on its way into a virtual host, with what decides its place there.
 *
 * @param route      the route itself
 * @param objectRank the position of its object (Ingress or Route) among all compiled objects, oldest first
 * @param rule       index in {@code spec.rules}
 * @param match      index in the rule: {@code http.paths} of an Ingress rule, {@code matches} of a Route rule
 */
record RouteCandidate(Route route, int objectRank, int rule, int match) {

    /**
     * Precedence within a virtual host, first match wins, as HTTPRoute orders matches, for Ingress paths and Route
     * matches alike: Exact paths first, then regular expressions (longer first), then prefixes (the longer
     * normalized prefix first); then a match naming a method, then more header matches, then more query
     * matches; then the older object, then rule and match index.
     *
     * <p>For Ingress paths this is Ingress v1's "longest match wins, Exact before Prefix on a tie": an Exact path
     * and a longer prefix never accept the same request path.
     */
    static final Comparator<RouteCandidate> PRECEDENCE = Comparator
            .comparingInt((RouteCandidate c) -> pathClass(c.pathMatch().type()))
            .thenComparingInt(c -> -c.matchLength())
            .thenComparingInt(c -> c.route().match().method() == null ? 1 : 0)
            .thenComparingInt(c -> -c.route().match().headers().size())
            .thenComparingInt(c -> -c.route().match().queryParams().size())
            .thenComparingInt(RouteCandidate::objectRank)
            .thenComparingInt(RouteCandidate::rule)
            .thenComparingInt(RouteCandidate::match);

    PathMatch pathMatch() {
        return route.match().path();
    }

    int matchLength() {
        PathMatch match = pathMatch();
        return match.type() == PathMatch.Type.PREFIX ? match.normalizedPrefix().length() : match.value().length();
    }

    private static int pathClass(PathMatch.Type type) {
        return switch (type) {
            case EXACT -> 0;
            case REGULAR_EXPRESSION -> 1;
            case PREFIX -> 2;
        };
    }
}
