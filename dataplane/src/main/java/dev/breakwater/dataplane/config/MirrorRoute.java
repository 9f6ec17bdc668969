package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.loop.LoopCells;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RequestMirror;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import java.util.Map;

/**
 * A route's request mirror, compiled with the table: the route to the mirror's cluster (named
 * {@code <route>#mirror}, with the route's timeouts, one attempt and nothing else: no filter, no authentication, no
 * cache) and the count of copies on their way, per event loop, against the route's cap. A table swap makes a new
 * one: copies already on their way finish under the old count.
 */
public final class MirrorRoute {

    private final RequestMirror mirror;
    private final CompiledRoute route;
    /** Copies on their way, one cell per recording thread (the event loops): no shared atomic per copy. */
    private final LoopCells inFlight = new LoopCells(1);

    MirrorRoute(Route owner, Map<String, CompiledCluster> clusters, ProxyMetrics metrics,
                RateLimiters.Generation limiters, ProxyConfig config) {
        this.mirror = owner.policy().mirror();
        RoutePolicy policy = RoutePolicy.builder().timeouts(owner.policy().timeouts())
                .retries(new Retries(1, false, false, null, 0, 0)).build();
        this.route = new CompiledRoute(new Route(owner.name() + "#mirror", owner.source(),
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to(mirror.cluster()), policy), null,
                clusters, metrics, limiters, config);
    }

    /** What the copies are: their cluster, Host, body or not, the caps. */
    public RequestMirror mirror() {
        return mirror;
    }

    /** The route to the mirror's cluster. */
    public CompiledRoute route() {
        return route;
    }

    /** Whether this request is one of the share to copy ({@link RequestMirror#percent}), drawn at random. */
    public boolean sampled() {
        Double percent = mirror.percent();
        return percent == null || java.util.concurrent.ThreadLocalRandom.current().nextDouble(100) < percent;
    }

    /**
     * Takes a place for one copy on the calling event loop; false (nothing taken) when the loop has
     * {@link RequestMirror#maxInFlight} copies of this route on their way already.
     */
    public boolean tryAcquire() {
        long before = inFlight.next(0);
        if (before >= mirror.maxInFlight()) {
            inFlight.add(0, -1);
            return false;
        }
        return true;
    }

    /** A copy {@link #tryAcquire} let go is over; called on the same event loop. */
    public void release() {
        inFlight.add(0, -1);
    }

    /** Copies of this route on their way now, over every event loop (for tests and metrics). */
    public long inFlight() {
        return inFlight.sum(0);
    }
}
