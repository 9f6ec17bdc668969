package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.backend.InPlaceResponse;
import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.config.RouteLimits;
import dev.breakwater.dataplane.lb.PickContext;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.metrics.ProxyMetrics.UpstreamError;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's call to its route's cluster: the endpoint pick (session affinity first), each try on a pooled or new
 * connection of the client's event loop ({@link Attempt}), which failures are worth another try ({@link Attempts}:
 * within the cluster's retry budget, connect failures outside it, never after a cut at the drain timeout) and the
 * request sent again ({@link Resend}), the per-try, send and response timeouts, and the request on its way
 * ({@link RequestSender}). What comes back is classified here and goes to its {@link CallListener}, the exchange.
 * Made for one request; runs on the client connection's event loop.
 */
public final class UpstreamCall implements UpstreamConnection.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCall.class);

    private final CallListener listener;
    private final CallTimer timer;
    private final ProxyMetrics metrics;
    private final HttpRequest request;
    private final RouteLimits limits;
    private final Attempts attempts;
    private final RequestSender sender;
    private final Deadlines deadlines;
    private final EndpointChoice choice;
    private final AttemptTimes times = new AttemptTimes();
    private final Attempt attempt;
    private final Resend resend;
    private final boolean upgrade;

    private CompiledCluster cluster;
    private boolean started;
    private boolean aborted;
    private boolean finished;
    private boolean clusterCounted;
    private boolean requestDone;
    private boolean retryable;
    private boolean responseStarted;
    private boolean keepAlive;
    private boolean skipInterimBody;
    /** Its place among the calls its {@link CallTimer} has armed, or -1. */
    int timerSlot = -1;

    /**
     * @param pick      what the balancer may hash on (the request)
     * @param retryable true for a request without a body (it may be sent again as it is)
     * @param upgrade   true for a WebSocket upgrade (never retried; a 101 makes a tunnel)
     * @param table     the table served, whose newest cluster a retry picks from (null: the route's)
     */
    public UpstreamCall(CallListener listener, UpstreamPool pool, CallTimer timer, ProxyMetrics metrics,
                        CompiledRoute route, PickContext pick, boolean https, HttpRequest request, boolean retryable,
                        boolean upgrade, TableHolder table) {
        this.listener = listener;
        this.timer = timer;
        this.metrics = metrics;
        this.request = request;
        this.choice = new EndpointChoice(route, pick, https, table);
        this.limits = route.limits();
        this.attempts = new Attempts(limits.retries(), request.method().name());
        this.sender = new RequestSender(this, request);
        this.deadlines = new Deadlines(limits);
        this.attempt = new Attempt(this, pool, sender, limits.connectTimeoutMillis(), times);
        this.resend = new Resend(this, attempts, choice, attempt, sender, metrics);
        this.retryable = retryable && !upgrade;
        this.upgrade = upgrade;
    }

    /**
     * Picks the endpoint and sends the request (the head now; the body as it comes). False when the route has no
     * endpoint that may serve: nothing was sent, and the request is to be answered 503.
     *
     * @param bodyOfUnknownLength true for a request body of unknown length (HTTP/2), chunked for an HTTP/1.1 endpoint
     * @param host                the request's host, or null when it had none (the endpoint's is sent)
     */
    public boolean start(boolean bodyOfUnknownLength, String host) {
        if (!choice.first()) {
            return false;
        }
        cluster = choice.cluster();
        UpstreamEndpoint endpoint = choice.endpoint();
        started = true;
        cluster.requestStarted();
        clusterCounted = true;
        UpstreamHeads.forEndpoint(request, host, endpoint, bodyOfUnknownLength);
        if (upgrade) {
            UpstreamHeads.upgrade(request.headers());
        }
        attempt.begin(endpoint, false);
        return true;
    }

    /** The {@code Set-Cookie} pinning the client to the endpoint that answers, or null. */
    public String affinityCookie() {
        return choice.affinityCookie();
    }

    /** The endpoint of the last attempt, or null before the first. */
    public UpstreamEndpoint endpoint() {
        return attempt.endpoint();
    }

    /** The attempts' count, connect and response-head times (for the access log). */
    public AttemptTimes times() {
        return times;
    }

    /** True when the endpoint speaks HTTP/2 (its stream codec's extension headers are to be dropped). */
    public boolean http2Endpoint() {
        UpstreamEndpoint e = attempt.endpoint();
        return e != null && e.protocol().http2();
    }

    // ---------------------------------------------------------------- the request on its way

    /** A part of the request body (the last one ends it): sent, or kept until a connection is attached. */
    public void sendBody(HttpContent part) {
        if (part instanceof LastHttpContent) {
            requestDone = true;
        }
        if (part.content().isReadable()) {
            retryable = false;
        }
        UpstreamConnection u = attempt.connection();
        sender.send(part);
        if (u != null) {
            deadlines.activity(System.nanoTime());
            if (!u.channel().isWritable()) {
                listener.onReadingChanged();
            }
        }
    }

    /** False while the client is not to be read: a connect is in progress, or the endpoint takes no more. */
    public boolean mayRead() {
        return attempt.mayRead();
    }

    /** Flushes what was written to the endpoint since the last flush: once per read burst of the client. */
    public void flush() {
        sender.flush();
    }

    /** The client can take more of the response, or cannot: the endpoint is read, or not. */
    public void clientWritable(boolean writable) {
        attempt.clientWritable(writable);
    }

    /** The attempt's connection is attached and the request on its way. */
    void attached() {
        keepAlive = true;
        skipInterimBody = false;
        deadlines.activity(System.nanoTime());
        armTimer();
    }

    /** A connect started or ended: the client is to be read, or not. */
    void readingChanged() {
        listener.onReadingChanged();
    }

    /** A new connection to {@code target} could not be made; the attempt has been ended. */
    void connectFailed(UpstreamEndpoint target, Throwable cause) {
        if (resend.afterConnectFailure(target, cause)) {
            return;
        }
        listener.onReadingChanged();
        listener.onFailed(HttpResponseStatus.BAD_GATEWAY, "could not connect to an endpoint");
    }

    /** The endpoint took part of the request body. */
    void activity(long nowNanos) {
        deadlines.activity(nowNanos);
    }

    boolean aborted() {
        return aborted;
    }

    CompiledCluster cluster() {
        return cluster;
    }

    boolean requestDone() {
        return requestDone;
    }

    boolean retryable() {
        return retryable;
    }

    String uri() {
        return request.uri();
    }

    // ---------------------------------------------------------------- what comes back

    @Override
    public void upstreamRead(UpstreamConnection c, Object msg) {
        if (c != attempt.connection()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        deadlines.activity(System.nanoTime());
        if (msg instanceof HttpResponse resp) {
            onHead(c, resp);
        } else if (msg instanceof HttpContent part) {
            if (skipInterimBody) {
                if (part instanceof LastHttpContent) {
                    skipInterimBody = false;
                }
                part.release();
                return;
            }
            listener.onResponseContent(part);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(UpstreamConnection c, HttpResponse resp) {
        if (resp.decoderResult().isFailure()) {
            ReferenceCountUtil.release(resp);
            metrics.upstreamError(cluster.name(), UpstreamError.RESET);
            if (!responseStarted) {
                attempt.detach();
                c.discard();
                attempt.end();
                if (resend.onFreshConnection(c)) {
                    return;
                }
            }
            abort();
            fail(HttpResponseStatus.BAD_GATEWAY, "invalid response from endpoint");
            return;
        }
        int code = resp.status().code();
        if (code >= 200 || code == 101) {
            times.head(code, System.nanoTime());
        }
        if (resp instanceof FullHttpResponse full) {
            // a whole response (HTTP/2 HEADERS with end of stream, as gRPC "trailers only"): kept whole so that an
            // HTTP/2 client gets it the same way
            if (code < 200) {
                listener.onInterim(full);
                full.release();
                return;
            }
            responseStarted = true;
            keepAlive = HttpUtil.isKeepAlive(full);
            listener.onResponse(full);
            return;
        }
        if (code == 101 && upgrade) {
            attempt.detach();
            responseStarted = true;
            listener.onUpgraded(c, resp);
            return;
        }
        if (code < 200) {
            // an interim response (103 Early Hints and the like): relayed on its own; its empty body follows
            listener.onInterim(resp);
            skipInterimBody = !(resp instanceof LastHttpContent);
            ReferenceCountUtil.release(resp);
            return;
        }
        if (code >= 500) {
            cluster.failed(attempt.endpoint());
            if (resend.instead5xx(c, code, resp)) {
                return;
            }
        } else {
            cluster.succeeded(attempt.endpoint());
        }
        responseStarted = true;
        keepAlive = InPlaceResponse.keepAlive(resp);
        listener.onResponse(resp);
    }

    /** The endpoint answered as hoped (a revalidation's 304): its failure streak ends. */
    public void succeeded() {
        cluster.succeeded(attempt.endpoint());
    }

    /**
     * The response went to the client whole: the connection goes back to the pool when both sides of the exchange
     * are complete and the endpoint keeps it alive, else it is closed.
     */
    public void responseComplete() {
        finished = true;
        attempt.end();
        timer.release(this);
        UpstreamConnection u = attempt.detach();
        if (u != null) {
            if (keepAlive && requestDone) {
                u.release();
            } else {
                u.discard();
            }
        }
    }

    @Override
    public void upstreamReadComplete(UpstreamConnection c) {
        listener.onReadComplete();
    }

    @Override
    public void upstreamWritabilityChanged(UpstreamConnection c) {
        if (c == attempt.connection()) {
            listener.onReadingChanged();
        }
    }

    @Override
    public void upstreamClosed(UpstreamConnection c) {
        if (c != attempt.connection()) {
            return;
        }
        attempt.detach();
        if (finished) {
            return;
        }
        metrics.upstreamError(cluster.name(), UpstreamError.RESET);
        listener.onAttemptLost();
        if (!responseStarted) {
            attempt.end();
            if (resend.afterClosed(c)) {
                return;
            }
            listener.onFailed(HttpResponseStatus.BAD_GATEWAY, "endpoint closed the connection");
        } else {
            listener.onBroken();
        }
    }

    // ---------------------------------------------------------------- timeouts

    void armTimer() {
        timer.arm(this, deadlines.due(sender, responseStarted));
    }

    /** Called by the timer: ends the call with 504 (or a cut) if the endpoint kept it waiting too long. */
    void checkTimeout() {
        if (aborted || finished || attempt.connection() == null) {
            return;
        }
        Deadlines.Expired expired = deadlines.check(System.nanoTime(), sender, responseStarted);
        if (expired == Deadlines.Expired.NONE) {
            armTimer();
            return;
        }
        metrics.upstreamError(cluster.name(), UpstreamError.TIMEOUT);
        if (expired == Deadlines.Expired.SEND) {
            LOG.debug("{} took no part of the request body of {} for {} ms", attempt.endpoint(), request.uri(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sender.sinceNanos()));
            abort();
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "endpoint did not take the request body in time");
            return;
        }
        if (expired == Deadlines.Expired.PER_TRY && resend.afterPerTryTimeout()) {
            return;
        }
        abort();
        fail(HttpResponseStatus.GATEWAY_TIMEOUT, "endpoint did not answer in time");
    }

    /** The call failed: answered with {@code status} before the response began, else cut. */
    void fail(HttpResponseStatus status, String message) {
        if (!responseStarted) {
            listener.onFailed(status, message);
        } else {
            listener.onBroken();
        }
    }

    // ---------------------------------------------------------------- the end

    /** Drops the call: no attempt goes on, the connection in use is closed, the body not sent is released. */
    public void abort() {
        aborted = true;
        attempt.end();
        timer.release(this);
        attempt.cancel();
        UpstreamConnection u = attempt.detach();
        if (u != null) {
            u.discard();
        }
        sender.release();
    }

    /** The exchange is over: what the call held in its cluster (its place in the budget, retries) is given back. */
    public void end() {
        attempt.end();
        timer.release(this);
        if (clusterCounted) {
            clusterCounted = false;
            cluster.requestEnded();
        }
        attempts.release(cluster);
        sender.release();
    }

    /** True once the call went to an endpoint (it was started and found one). */
    public boolean started() {
        return started;
    }
}
