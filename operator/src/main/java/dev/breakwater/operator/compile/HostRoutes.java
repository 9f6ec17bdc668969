package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.QueryParamMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of every virtual host while a table is compiled, from Ingresses and Routes alike: who claimed which
 * match first, the route names taken, and the routes in {@link RouteCandidate#PRECEDENCE} order at the end.
 * Objects are added oldest first, so the first claim of a match is the oldest object's.
 */
final class HostRoutes {

    private final Map<String, List<RouteCandidate>> byHost = new HashMap<>();
    private final Map<MatchKey, Claim> claims = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final CompileTrace trace;

    HostRoutes(CompileTrace trace) {
        this.trace = trace;
    }

    /**
     * Claims {@code match} on {@code host} for {@code field} of {@code object}; when it is claimed already (the
     * same host, path type, path, method, headers and query parameters), adds a warning naming the owner and
     * returns false.
     */
    boolean claim(String host, RouteMatch match, String object, String field, List<Diagnostic> diagnostics) {
        trace.host(host);
        PathMatch path = match.path();
        MatchKey key = new MatchKey(host, path.type(),
                path.type() == PathMatch.Type.PREFIX ? path.normalizedPrefix() : path.value(), match.method(),
                Set.copyOf(match.headers()), Set.copyOf(match.queryParams()));
        Claim owner = claims.get(key);
        if (owner != null) {
            diagnostics.add(Diagnostic.warning(object, field, owner.object().equals(object)
                    ? "duplicates " + owner.field() + " (the same host and match), which serves it"
                    : "conflicts with " + owner.object() + ", which is older and serves it"));
            return false;
        }
        claims.put(key, new Claim(object, field));
        return true;
    }

    /** {@code base}, or {@code base#exact}, {@code base#2}, ... when taken. */
    String uniqueName(String base, PathMatch.Type type) {
        String name = base;
        if (names.contains(name) && type == PathMatch.Type.EXACT) {
            name = base + "#exact";
        }
        for (int n = 2; names.contains(name); n++) {
            name = base + "#" + n;
        }
        names.add(name);
        return name;
    }

    void add(String host, RouteCandidate candidate) {
        trace.host(host);
        byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(candidate);
    }

    Set<String> hosts() {
        return byHost.keySet();
    }

    /** The routes of {@code host}, first match first. */
    List<Route> ordered(String host) {
        return byHost.getOrDefault(host, List.of()).stream().sorted(RouteCandidate.PRECEDENCE)
                .map(RouteCandidate::route).toList();
    }

    /** What makes two matches equal: one host, one path type and normalized path, one method, headers, query. */
    private record MatchKey(String host, PathMatch.Type type, String path, String method, Set<HeaderMatch> headers,
                            Set<QueryParamMatch> queryParams) {
    }

    /** Who serves a match first. */
    private record Claim(String object, String field) {
    }
}
