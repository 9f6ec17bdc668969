package dev.breakwater.dataplane.backend;

import dev.breakwater.routing.ClusterPolicy.OutlierDetection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the data plane knows of one endpoint beyond the table: requests in flight on it, passive health
 * (consecutive failures, ejection) and active health. Shared by every event loop and kept across table swaps,
 * so counters and ejections survive a swap; see {@link EndpointRegistry}.
 */
public final class EndpointState {

    private final String key;
    private final long firstSeenNanos;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger ejections = new AtomicInteger();
    private volatile long ejectedUntilNanos;
    private volatile boolean ejected;
    private volatile boolean healthy = true;
    // active health check streaks, written by the checker only
    int checkSuccesses;
    int checkFailures;

    EndpointState(String key, long nowNanos) {
        this.key = key;
        this.firstSeenNanos = nowNanos;
    }

    public String key() {
        return key;
    }

    public long firstSeenNanos() {
        return firstSeenNanos;
    }

    /** Requests in flight on this endpoint, from every event loop. */
    public int active() {
        return active.get();
    }

    public void requestStarted() {
        active.incrementAndGet();
    }

    public void requestEnded() {
        active.decrementAndGet();
    }

    /** Neither ejected nor failing its active health check. */
    public boolean available(long nowNanos) {
        return healthy && !isEjected(nowNanos);
    }

    public boolean isEjected(long nowNanos) {
        if (!ejected) {
            return false;
        }
        if (nowNanos - ejectedUntilNanos >= 0) {
            ejected = false;
            return false;
        }
        return true;
    }

    public boolean healthy() {
        return healthy;
    }

    /**
     * Counts an active health check result; flips the endpoint after the policy's streak of results.
     * Called by the health checker only (one thread).
     *
     * @return the health after this result
     */
    public boolean checked(boolean passed, int healthyThreshold, int unhealthyThreshold) {
        if (passed) {
            checkFailures = 0;
            if (!healthy && ++checkSuccesses >= healthyThreshold) {
                healthy = true;
                checkSuccesses = 0;
            }
        } else {
            checkSuccesses = 0;
            if (healthy && ++checkFailures >= unhealthyThreshold) {
                healthy = false;
                checkFailures = 0;
            }
        }
        return healthy;
    }

    /** Times this endpoint was ejected. */
    public int ejections() {
        return ejections.get();
    }

    public void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /**
     * Counts a failure; ejects the endpoint when the streak reaches the policy's threshold and
     * {@code mayEject} (the cluster is under its ejection cap).
     *
     * @return true if this failure ejected the endpoint
     */
    public boolean failed(OutlierDetection policy, long nowNanos, boolean mayEject) {
        int streak = consecutiveFailures.incrementAndGet();
        if (streak < policy.consecutiveFailures() || isEjected(nowNanos) || !mayEject) {
            return false;
        }
        int n = ejections.getAndIncrement();
        long millis = Math.min(policy.maxEjectionMillis(), policy.baseEjectionMillis() << Math.min(n, 20));
        ejectedUntilNanos = nowNanos + millis * 1_000_000L;
        ejected = true;
        consecutiveFailures.set(0);
        return true;
    }
}
