package dev.breakwater.dataplane.metrics;

/**
 * Requests by status and their latency, for one route: registered with its first request, as the route's own
 * meters while fewer than {@code maxRoutes} routes have theirs, else as {@value ProxyMetrics#OTHER_ROUTES}'s
 * ({@link MeteredRoutes}).
 */
public final class RouteMeters {
    private final MeteredRoutes owner;
    private final String route;
    /** This route's own meters, or those of {@value ProxyMetrics#OTHER_ROUTES}; null before the first request. */
    private volatile RequestMeters.Route meters;
    /** Set once the route left the table: nothing more is registered for it. */
    private volatile boolean retired;

    RouteMeters(MeteredRoutes owner, String route) {
        this.owner = owner;
        this.route = route;
    }

    public void record(int status, long nanos) {
        RequestMeters.Route m = meters;
        if (m == null) {
            m = materialize();
            if (m == null) {
                return;
            }
        }
        m.record(status, nanos);
    }

    /** Registers this route's meters (or points at the shared ones); null once retired. */
    synchronized RequestMeters.Route materialize() {
        if (meters == null && !retired) {
            if (route.equals(ProxyMetrics.OTHER_ROUTES) || owner.takeSlot()) {
                meters = owner.requests().register(route);
            } else {
                meters = owner.other().meters;
            }
        }
        return retired ? null : meters;
    }

    /** Removes this route's own meters; true when it had some (it held one of the {@code maxRoutes} slots). */
    synchronized boolean retire() {
        retired = true;
        RequestMeters.Route m = meters;
        meters = null;
        if (m != null && m.name().equals(route)) {
            owner.requests().remove(m);
            return true;
        }
        return false;
    }
}
