package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.routing.Retries;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * The attempts of one upstream call: how many are left, which failures are worth another one, and the retries taken
 * from the cluster's retry budget (given back when the call ends). Connect failures are tried on up to
 * {@value #CONNECT_FAILURE_ATTEMPTS} endpoints outside the budget, which guards endpoints against amplified load
 * that a refused connect never put on them.
 */
final class Attempts {

    /** Tries of a request whose connects fail, whatever the route's retry policy (nginx tries every server). */
    static final int CONNECT_FAILURE_ATTEMPTS = 3;

    private final Retries retries;
    private final boolean idempotent;
    private int attempts;
    private int maxAttempts;
    private int retriesTaken;
    private boolean freshTried;
    /** When the first attempt began ({@link System#nanoTime()}), for the retry window. */
    private final long startNanos = System.nanoTime();

    Attempts(Retries retries, String method) {
        this.retries = retries;
        this.maxAttempts = retries.attempts();
        this.idempotent = switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    /** Another attempt after a failed connect, if fewer than three were made. */
    boolean afterConnectFailure() {
        maxAttempts = Math.max(maxAttempts, CONNECT_FAILURE_ATTEMPTS);
        if (attempts + 1 < maxAttempts && withinWindow()) {
            attempts++;
            return true;
        }
        return false;
    }

    /** Takes an attempt and a place in the cluster's retry budget, if both are left. */
    boolean reserve(CompiledCluster cluster, ProxyMetrics metrics) {
        if (attempts + 1 >= maxAttempts || !withinWindow()) {
            return false;
        }
        if (!cluster.tryStartRetry(retries.budgetPercent(), retries.minRetryConcurrency())) {
            metrics.retryBudgetExhausted(cluster.name());
            return false;
        }
        retriesTaken++;
        attempts++;
        return true;
    }

    /** True while another attempt may start: the retry window, if any, has not passed since the first one. */
    private boolean withinWindow() {
        Long window = retries.retryWindowMillis();
        return window == null || System.nanoTime() - startNanos < TimeUnit.MILLISECONDS.toNanos(window);
    }

    /** Gives back the retries taken from the cluster's budget. */
    void release(CompiledCluster cluster) {
        for (; retriesTaken > 0; retriesTaken--) {
            cluster.retryEnded();
        }
    }

    /** A request that already went to an endpoint may be sent again: idempotent, bodyless and complete. */
    boolean mayResend(boolean bodyless, boolean requestDone) {
        return idempotent && bodyless && requestDone;
    }

    /**
     * Once, a request whose reused connection failed before any byte of the answer (the endpoint had closed it while
     * it idled): safe to send again on a new connection when it has no body, and is idempotent or its head never
     * reached the connection.
     */
    boolean onFreshConnection(boolean reused, boolean bodyless, boolean headSent) {
        if (!reused || !bodyless || freshTried || !idempotent && headSent) {
            return false;
        }
        freshTried = true;
        return true;
    }

    /** A 502, 503 or 504 is retried when the policy says so and the endpoint did not ask for a pause. */
    boolean on5xx(int code, HttpResponse resp) {
        return (code == 502 || code == 503 || code == 504) && retries.on5xx() && retryAfterAllows(resp);
    }

    boolean onReset() {
        return retries.onReset();
    }

    /** A per-try timeout (shorter than the response timeout) is retried when 5xx or resets are. */
    boolean onPerTryTimeout() {
        return retries.on5xx() || retries.onReset();
    }

    /** A {@code Retry-After} of more than a second means the endpoint asks for a pause: pass its answer on. */
    static boolean retryAfterAllows(HttpResponse resp) {
        String after = resp.headers().get(HttpHeaderNames.RETRY_AFTER);
        if (after == null) {
            return true;
        }
        try {
            return Long.parseLong(after.trim()) <= 1;
        } catch (NumberFormatException e) {
            return false; // an HTTP date: a pause, surely longer than a retry should wait
        }
    }
}
