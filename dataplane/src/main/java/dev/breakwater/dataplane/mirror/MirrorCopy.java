package dev.breakwater.dataplane.mirror;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.MirrorRoute;
import dev.breakwater.dataplane.lb.PickContext;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.upstream.CallListener;
import dev.breakwater.dataplane.upstream.CallTimer;
import dev.breakwater.dataplane.upstream.UpstreamCall;
import dev.breakwater.routing.RequestMirror;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One copy of a request on its way to the route's mirror: its own upstream call on the client's event loop (a pooled
 * or new connection, the route's timeouts, one attempt, a timer of its own so that it outlives the client's
 * connection), the head copied as it goes to the route's endpoint, the body parts as retained duplicates of the
 * client's (or none), and the mirror's answer read and released. Nothing here holds back, delays or answers the
 * client: the call's reading and writability signals are ignored, a failure only ends the copy (counted in
 * {@code breakwater_mirror_requests_total}, logged at debug). What the copy buffers is bounded by the mirror's body
 * limit: a longer body is not copied (see {@link RequestMirror#maxBodyBytes}). Ends exactly once, giving back its
 * place under the route's cap. Confined to the event loop.
 */
public final class MirrorCopy implements CallListener {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorCopy.class);

    private final MirrorRoute route;
    private final ProxyMetrics metrics;
    private final String cluster;
    private UpstreamCall call;
    private long bodyBytes;
    private boolean bodyDone;
    private boolean ended;

    private MirrorCopy(MirrorRoute route, ProxyMetrics metrics) {
        this.route = route;
        this.metrics = metrics;
        this.cluster = route.mirror().cluster();
    }

    /**
     * Sends the copy of {@code forwarded} (the head as it goes to the route's endpoint, before that endpoint's own
     * framing is set; not changed here) to the mirror, or counts why not; null when no copy is on its way.
     *
     * @param host                the request's host, or null when it had none
     * @param bodyOfUnknownLength true for a body of unknown length (HTTP/2 without {@code Content-Length})
     */
    public static MirrorCopy start(MirrorRoute route, HttpRequest forwarded, String host, PickContext pick,
                                   UpstreamPool pool, boolean https, ProxyMetrics metrics,
                                   boolean bodyOfUnknownLength) {
        RequestMirror m = route.mirror();
        long declared = HttpUtil.getContentLength(forwarded, -1L);
        if (m.requestBody() && declared > m.maxBodyBytes()) {
            metrics.mirrored(m.cluster(), "dropped_body");
            return null;
        }
        if (!route.tryAcquire()) {
            metrics.mirrored(m.cluster(), "dropped_in_flight");
            return null;
        }
        HttpHeaders h = new DefaultHttpHeaders().set(forwarded.headers());
        if (!m.requestBody()) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        String copyHost = host;
        if (m.host() != null) {
            h.set(HttpHeaderNames.HOST, m.host());
            copyHost = m.host();
        }
        HttpRequest copy = new DefaultHttpRequest(HttpVersion.HTTP_1_1, forwarded.method(), forwarded.uri(), h);
        MirrorCopy c = new MirrorCopy(route, metrics);
        UpstreamCall call = new UpstreamCall(c, pool, new CallTimer(pool.eventLoop()), metrics, route.route(), pick,
                https, copy, false, false, null);
        c.call = call;
        if (!call.start(m.requestBody() && bodyOfUnknownLength, copyHost)) {
            call.end();
            c.finish("failed", "no ready endpoint");
            return null;
        }
        if (!m.requestBody()) {
            c.bodyDone = true;
            call.sendBody(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return c;
    }

    /**
     * A part of the client's request body, as the route's endpoint gets it: copied (a retained duplicate; the caller
     * keeps {@code part}) while the copy carries the body, else ignored.
     */
    public void body(HttpContent part) {
        if (ended || bodyDone) {
            return;
        }
        bodyBytes += part.content().readableBytes();
        if (bodyBytes > route.mirror().maxBodyBytes()) {
            abandon("dropped_body", null);
            return;
        }
        if (part instanceof LastHttpContent) {
            bodyDone = true;
        }
        call.sendBody(part.retainedDuplicate());
    }

    /** The client's read burst ended: what was written to the mirror goes out. */
    public void flush() {
        if (!ended) {
            call.flush();
        }
    }

    /** The client's request will not come whole (it closed, its body was refused): a copy still being sent ends. */
    public void cancel() {
        if (!ended && !bodyDone) {
            abandon("cancelled", null);
        }
    }

    /** True once the copy ended (its answer came, it failed, or it was dropped). */
    public boolean ended() {
        return ended;
    }

    // ---------------------------------------------------------------- the mirror's answer, dropped

    @Override
    public void onResponse(HttpResponse head) {
        boolean whole = head instanceof FullHttpResponse;
        ReferenceCountUtil.release(head);
        if (whole) {
            answered();
        }
    }

    @Override
    public void onInterim(HttpResponse interim) {
        // released by the call
    }

    @Override
    public void onResponseContent(HttpContent part) {
        boolean last = part instanceof LastHttpContent;
        part.release();
        if (last) {
            answered();
        }
    }

    @Override
    public void onUpgraded(UpstreamConnection connection, HttpResponse switching) {
        ReferenceCountUtil.release(switching);
        connection.discard();
        failed("the mirror switched protocols");
    }

    @Override
    public void onFailed(HttpResponseStatus status, String message) {
        failed(message);
    }

    @Override
    public void onBroken() {
        failed("the answer broke off");
    }

    @Override
    public void onAttemptLost() {
        // nothing was made of the answer
    }

    @Override
    public void onReadingChanged() {
        // the client is never held back for the mirror
    }

    @Override
    public void onReadComplete() {
        // nothing to flush: the answer is dropped
    }

    private void answered() {
        if (ended) {
            return;
        }
        call.responseComplete(); // the connection goes back to the pool when the copy was sent whole
        call.end();
        finish("answered", null);
    }

    private void failed(String reason) {
        if (!ended) {
            abandon("failed", reason);
        }
    }

    /** Ends the copy before its answer came: the call is dropped and its connection not reused. */
    private void abandon(String result, String reason) {
        call.abort();
        call.end();
        finish(result, reason);
    }

    private void finish(String result, String reason) {
        ended = true;
        route.release();
        metrics.mirrored(cluster, result);
        if (reason != null) {
            LOG.debug("the copy of a request of {} to its mirror {} failed: {}", route.route().name(), cluster,
                    reason);
        }
    }
}
