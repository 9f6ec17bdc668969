package dev.breakwater.operator.compile;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import java.util.Comparator;

/**
 * A route on its way into a virtual host, with what decides its place there.
 *
 * @param route       the route itself
 * @param ingressRank the position of its Ingress among ours, oldest first
 * @param rule        index in {@code spec.rules}
 * @param path        index in {@code http.paths}
 * @param matchLength the length that orders it: the normalized prefix for Prefix, the path as written otherwise
 *                    (a regular expression counts as its source)
 */
record RouteCandidate(Route route, int ingressRank, int rule, int path, int matchLength) {

    /**
     * Precedence within a virtual host, first match wins: the longer path first (the normalized prefix for
     * Prefix, the whole path for Exact and regular expressions), Exact before the others of the same length, then
     * the older Ingress, then rule and path index.
     */
    static final Comparator<RouteCandidate> PRECEDENCE = Comparator
            .comparingInt((RouteCandidate c) -> -c.matchLength())
            .thenComparingInt(c -> c.pathMatch().type() == PathMatch.Type.EXACT ? 0 : 1)
            .thenComparingInt(RouteCandidate::ingressRank)
            .thenComparingInt(RouteCandidate::rule)
            .thenComparingInt(RouteCandidate::path);

    PathMatch pathMatch() {
        return route.match().path();
    }
}
