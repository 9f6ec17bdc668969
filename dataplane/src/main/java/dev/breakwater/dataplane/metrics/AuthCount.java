package dev.breakwater.dataplane.metrics;

/** One route's counter of one authentication outcome (see {@link ProxyMetrics#authResult}). */
public final class AuthCount {
    private final RouteFamily.Handle<AuthMeters.Label> handle;
    private final String kindAndResult;

    AuthCount(RouteFamily.Handle<AuthMeters.Label> handle, String kindAndResult) {
        this.handle = handle;
        this.kindAndResult = kindAndResult;
    }

    /** Counts one; not counted once the route left the table. */
    public void increment() {
        AuthMeters.Label l = handle.get();
        if (l != null) {
            l.count(kindAndResult);
        }
    }
}
