package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.backend.EndpointLeftTableException;
import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.metrics.ProxyMetrics.UpstreamError;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's request sent again after a failed attempt: to another endpoint where one exists (a retry reserved from
 * the cluster's budget, or for a failed connect outside it), or once more to the same endpoint on a new connection
 * when a reused one failed before any answer. Which failures are worth it is {@link Attempts}' to say; this does it.
 * The attempt that failed must have been ended.
 */
final class Resend {

    private static final Logger LOG = LoggerFactory.getLogger(Resend.class);

    private final UpstreamCall call;
    private final Attempts attempts;
    private final EndpointChoice choice;
    private final Attempt attempt;
    private final RequestSender sender;
    private final ProxyMetrics metrics;

    Resend(UpstreamCall call, Attempts attempts, EndpointChoice choice, Attempt attempt, RequestSender sender,
           ProxyMetrics metrics) {
        this.call = call;
        this.attempts = attempts;
        this.choice = choice;
        this.attempt = attempt;
        this.sender = sender;
        this.metrics = metrics;
    }

    /**
     * After a failed connect (the attempt ended): on another endpoint, outside the retry budget, if fewer than three
     * were tried. The request never reached an endpoint, which guards endpoints against amplified load that a refused
     * connect never put on them; in a rolling update more than one endpoint in the table may already be gone.
     */
    boolean afterConnectFailure(UpstreamEndpoint target, Throwable cause) {
        LOG.debug("connect to {} failed: {}", target, cause.toString());
        if (!(cause instanceof EndpointLeftTableException)) {
            // one that left the table while connecting did not fail: it is gone, and nothing was sent
            metrics.upstreamError(call.cluster().name(), UpstreamError.CONNECT);
            call.cluster().failed(target);
        }
        return attempts.afterConnectFailure() && toNext("connect failure");
    }

    /**
     * The attempt's connection closed before any byte of the answer (the attempt ended): once more on a new
     * connection when a reused one failed, else on another endpoint when resets are retried. A cut at the drain
     * timeout is final: the operator said how long requests to a removed endpoint may run.
     */
    boolean afterClosed(UpstreamConnection c) {
        if (c.cutByDrainTimeout()) {
            call.cluster().failed(attempt.endpoint());
            return false;
        }
        if (onFreshConnection(c)) {
            return true;
        }
        call.cluster().failed(attempt.endpoint());
        return attempts.onReset() && mayAfterSending() && retry("reset");
    }

    /**
     * The endpoint answered 5xx: when that is retried, its answer is dropped (and its connection with it) for an
     * attempt on another endpoint; true when the call goes on (or was answered with that status for want of one).
     */
    boolean instead5xx(UpstreamConnection c, int code, HttpResponse resp) {
        if (!attempts.on5xx(code, resp) || !mayAfterSending() || !reserve()) {
            return false;
        }
        ReferenceCountUtil.release(resp);
        attempt.detach();
        c.discard();
        attempt.end();
        if (!toNext("status " + code)) {
            call.fail(HttpResponseStatus.valueOf(code), "endpoint answered " + code);
        }
        return true;
    }

    /** The try's own timeout passed (shorter than the response timeout): on another endpoint, when that is retried. */
    boolean afterPerTryTimeout() {
        if (!attempts.onPerTryTimeout() || !mayAfterSending()) {
            return false;
        }
        attempt.detach().discard();
        attempt.end();
        call.cluster().failed(attempt.endpoint());
        return retry("per-try timeout");
    }

    /** On another endpoint, if attempts are left and the cluster's retry budget allows. */
    boolean retry(String why) {
        return reserve() && toNext(why);
    }

    /** Takes a retry from the cluster's budget (given back when the call ends); false when none is left. */
    boolean reserve() {
        return !call.aborted() && attempts.reserve(call.cluster(), metrics);
    }

    /** True when what was sent of the request may be sent again (no body went, or it is kept whole). */
    boolean mayAfterSending() {
        return attempts.mayResend(call.retryable(), call.requestDone());
    }

    /** Sends the request to another endpoint where one exists; a retry must have been reserved. */
    boolean toNext(String why) {
        UpstreamEndpoint previous = attempt.endpoint();
        if (!choice.next()) {
            return false;
        }
        UpstreamEndpoint next = choice.endpoint();
        metrics.retry(call.cluster().name());
        LOG.debug("retrying {} on {} after {} from {}", call.uri(), next, why, previous);
        if (call.requestDone() && call.retryable()) {
            sender.resendEnd();
        }
        attempt.begin(next, true);
        return true;
    }

    /**
     * A reused connection failed before any byte of the answer arrived (the endpoint had closed it while it idled, or
     * it answered with bytes that are no response): sends the request once more on a new connection, when that is
     * safe: the request has no body, and it is idempotent or its head never reached the connection; and while the
     * endpoint still gets new requests (one that left the table is rather retried on another).
     */
    boolean onFreshConnection(UpstreamConnection failed) {
        if (!attempt.endpointServes()
                || !attempts.onFreshConnection(failed.reused(), call.retryable(), sender.headSent())) {
            return false;
        }
        LOG.debug("reused connection to {} failed before an answer; retrying on a new one", attempt.endpoint());
        if (call.requestDone()) {
            sender.resendEnd();
        }
        attempt.beginOnNewConnection();
        return true;
    }
}
