package dev.breakwater.dataplane.metrics;

/** One route's timer of the external authentication service's answers (see {@link ProxyMetrics#authLatency}). */
public final class AuthLatency {
    private final RouteFamily.Handle<AuthMeters.Label> handle;

    AuthLatency(RouteFamily.Handle<AuthMeters.Label> handle) {
        this.handle = handle;
    }

    public void record(long nanos) {
        AuthMeters.Label l = handle.get();
        if (l != null) {
            l.record(nanos);
        }
    }
}
