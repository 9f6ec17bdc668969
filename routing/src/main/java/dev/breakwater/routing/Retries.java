package dev.breakwater.routing;

/**
 * When a failed attempt is tried again, on another endpoint where one exists. Attempts that never reached
 * an endpoint (connect failure, HTTP/2 REFUSED_STREAM) are always retried; the rest only as configured, for
 * idempotent methods, and within a budget so that retries cannot amplify an outage.
 *
 * @param attempts            total tries per request, including the first (>= 1)
 * @param on5xx               retry answers 502, 503 and 504 (idempotent requests without a body)
 * @param onReset             retry a connection reset before the response head (idempotent requests)
 * @param perTryTimeoutMillis response timeout of each try (null: the route's response timeout)
 * @param budgetPercent       retries in flight may be at most this share of the cluster's requests in flight
 * @param minRetryConcurrency retries always allowed in flight per cluster, whatever the budget says
 * @param retryWindowMillis   no attempt starts later than this after the request was first passed to an endpoint
 *                            (nginx's {@code proxy_next_upstream_timeout}); null: no limit but the attempts
 */
public record Retries(int attempts, boolean on5xx, boolean onReset, Long perTryTimeoutMillis, int budgetPercent,
                      int minRetryConcurrency, Long retryWindowMillis) {

    /** Retries without a time limit of their own. */
    public Retries(int attempts, boolean on5xx, boolean onReset, Long perTryTimeoutMillis, int budgetPercent,
                   int minRetryConcurrency) {
        this(attempts, on5xx, onReset, perTryTimeoutMillis, budgetPercent, minRetryConcurrency, null);
    }

    /** The same, no attempt starting later than {@code millis} after the first (null: no limit). */
    public Retries withRetryWindow(Long millis) {
        return new Retries(attempts, on5xx, onReset, perTryTimeoutMillis, budgetPercent, minRetryConcurrency, millis);
    }

    /**
     * For routes without a retry policy: two attempts, and a reset before the response head retried (idempotent
     * requests without a body), as nginx's default {@code proxy_next_upstream error timeout}: an endpoint that exits
     * at once on SIGTERM during a rolling update costs no request.
     */
    public static final Retries DEFAULTS = new Retries(2, false, true, null, 20, 3);

    public Retries {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 1)");
        }
        if (budgetPercent < 0 || budgetPercent > 100) {
            throw new IllegalArgumentException("budgetPercent: " + budgetPercent + " (expected: 0-100)");
        }
        if (minRetryConcurrency < 0) {
            throw new IllegalArgumentException("minRetryConcurrency: " + minRetryConcurrency + " (expected: >= 0)");
        }
        if (retryWindowMillis != null && retryWindowMillis <= 0) {
            throw new IllegalArgumentException("retryWindowMillis: " + retryWindowMillis + " (expected: > 0)");
        }
        if (perTryTimeoutMillis != null && perTryTimeoutMillis <= 0) {
            throw new IllegalArgumentException("perTryTimeoutMillis: " + perTryTimeoutMillis + " (expected: > 0)");
        }
    }
}
