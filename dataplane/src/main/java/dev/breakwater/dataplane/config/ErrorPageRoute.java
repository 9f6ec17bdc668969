package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.ErrorPages;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import java.util.Map;

/**
 * A route's error pages, compiled with the table: which statuses of its endpoints are not relayed, and the route to
 * the error backend that answers them instead (named {@code <route>#error-page}, with the route's timeouts and
 * nothing else: no filter, no authentication, no cache).
 */
public final class ErrorPageRoute {

    private final boolean[] intercepted = new boolean[600];
    private final ErrorPages pages;
    private final CompiledRoute route;

    ErrorPageRoute(Route owner, Map<String, CompiledCluster> clusters, ProxyMetrics metrics,
                   RateLimiters.Generation limiters, ProxyConfig config) {
        this.pages = owner.policy().errorPages();
        for (int code : pages.codes()) {
            intercepted[code] = true;
        }
        RoutePolicy policy = RoutePolicy.builder().timeouts(owner.policy().timeouts())
                .accessLog(owner.policy().accessLog()).build();
        this.route = new CompiledRoute(new Route(owner.name() + "#error-page", owner.source(),
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to(pages.cluster()), policy), null,
                clusters, metrics, limiters, config);
    }

    /** True when a response with {@code status} from the route's endpoints is answered by the error backend. */
    public boolean intercepts(int status) {
        return status >= 0 && status < intercepted.length && intercepted[status];
    }

    /** What the error backend is told: the route's namespace, object, Service and port. */
    public ErrorPages pages() {
        return pages;
    }

    /** The route to the error backend. */
    public CompiledRoute route() {
        return route;
    }
}
