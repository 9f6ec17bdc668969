package dev.breakwater.dataplane.ratelimit;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A route's limit of requests in progress per client address (ingress-nginx's {@code limit-connections}: nginx counts
 * a connection while a request on it is processed, and each HTTP/2 stream as one), per data plane. Made with the
 * route's compiled form, so a change of the route starts it afresh. Thread-safe: the exchanges of every event loop
 * count in one map, whose entry for a client leaves when its count drops to zero, so the map never holds more
 * entries than requests in progress.
 */
public final class ConcurrencyLimit {

    private final int max;
    private final ConcurrentHashMap<String, Integer> inProgress = new ConcurrentHashMap<>();

    public ConcurrencyLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        this.max = max;
    }

    /** Counts a request of {@code client} in; false (nothing counted) when it has {@code max} in progress already. */
    public boolean acquire(String client) {
        boolean[] taken = new boolean[1];
        inProgress.compute(client, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    /** A request {@link #acquire} let in is over. */
    public void release(String client) {
        inProgress.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Requests of {@code client} in progress (for tests and metrics). */
    public int inProgress(String client) {
        return inProgress.getOrDefault(client, 0);
    }
}
