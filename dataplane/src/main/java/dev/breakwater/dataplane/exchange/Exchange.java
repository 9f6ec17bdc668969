package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.cache.CacheRequest;
import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.dataplane.filter.LocalAnswer;
import dev.breakwater.dataplane.mirror.MirrorCopy;
import dev.breakwater.dataplane.ratelimit.ConcurrencyLimit;
import dev.breakwater.dataplane.trace.RequestSpan;
import dev.breakwater.dataplane.upstream.UpstreamCall;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response, made fresh for each request (HTTP/1.1 and HTTP/2 alike) and dropped when both are
 * complete: the head checked and routed once, the route's filters, the cache ({@link CacheStep}), then the upstream
 * call (or a local answer), and the response relayed back by its {@link ExchangeResponse}. The head's checks and
 * routing are its {@link HeadStep}. Knows nothing of the connection but its {@link Downstream}; runs on the
 * connection's event loop.
 */
public final class Exchange {

    static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private final ProxyServices services;
    private final ClientConnection connection;
    private final Downstream downstream;
    final long startNanos = System.nanoTime();

    HttpRequest request;
    String requestId;
    boolean http10;
    boolean keepAlive;
    boolean lastOnConnection;
    boolean requestDone;
    boolean responseStarted;
    boolean responseDone;
    boolean discardBody;
    boolean retryable;
    boolean upgradeRequested;
    boolean closed;
    private boolean wholeRequest;
    boolean ended;
    long bodyBytes;
    int status;
    CompiledRoute route;
    FilterContext context;
    String host;
    CacheRequest cache;
    UpstreamCall call;
    RequestSpan trace;
    AuthStep auth;
    ErrorPageStep errorPage;
    /** The copy of the request on its way to the route's mirror, or null. */
    MirrorCopy mirror;
    /** The limit of requests in progress per client this request counts in, until it ends; or null. */
    ConcurrencyLimit concurrencyHeld;
    String concurrencyKey;
    final ExchangeResponse response = new ExchangeResponse(this);

    public Exchange(ProxyServices services, ClientConnection connection, Downstream downstream) {
        this.services = services;
        this.connection = connection;
        this.downstream = downstream;
    }

    ProxyServices services() {
        return services;
    }

    ClientConnection connection() {
        return connection;
    }

    Downstream downstream() {
        return downstream;
    }

    /** True once the whole request was read (or is being dropped). */
    public boolean requestDone() {
        return requestDone;
    }

    /** True while the connection may carry another request after this one. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** False while the client is not to be read (a connect in progress, an endpoint that takes no more). */
    public boolean mayRead() {
        return (auth == null || !auth.waiting()) && (call == null || call.mayRead());
    }

    /** The client's read burst ended: what it sent the endpoint goes out in one flush. */
    public void flushUpstream() {
        if (call != null) {
            call.flush();
        }
        if (mirror != null) {
            mirror.flush();
        }
    }

    /** The client can take more of the response, or cannot. */
    public void clientWritable(boolean writable) {
        if (call != null) {
            call.clientWritable(writable);
        }
    }

    /**
     * The proxy is draining, or this is the connection's last request: the response says {@code Connection: close},
     * then the connection closes. May be called before {@link #start(Object)}.
     */
    public void drain() {
        lastOnConnection = true;
        keepAlive = false;
    }

    // ---------------------------------------------------------------- the request

    /** The request head (a whole request for an HTTP/2 stream without body, or one the codec could not read). */
    public void start(Object msg) {
        if (msg instanceof FullHttpRequest full) {
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                    full.headers());
            head.setDecoderResult(full.decoderResult());
            LastHttpContent last = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
            wholeRequest = true;
            startRequest(head);
            if (!requestDone) {
                onRequestContent(last);
            } else {
                last.release();
            }
        } else {
            startRequest((HttpRequest) msg);
        }
    }

    /** The head of a whole request without body (an HTTP/2 stream that its HEADERS frame ended). */
    public void startWithoutBody(HttpRequest head) {
        wholeRequest = true;
        startRequest(head);
        if (!requestDone) {
            onRequestContent(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private void startRequest(HttpRequest req) {
        HeadStep.start(this, req);
    }

    /** The request passed its route's checks: 100-continue, then the cache or an endpoint. */
    void proceed(String target) {
        HttpRequest req = request;
        HttpHeaders headers = req.headers();
        CompiledRoute r = route;
        if (headers.contains(HttpHeaderNames.EXPECT)) {
            if (!HttpUtil.is100ContinueExpected(req)) {
                response.respondLocally(HttpResponseStatus.EXPECTATION_FAILED, "unsupported expectation", null);
                return;
            }
            headers.remove(HttpHeaderNames.EXPECT);
            downstream.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
            downstream.flush();
        }
        if (r.cache() != null && services.cache() != null) {
            cache = r.cache().onRequest(context, services.cache(), target, upgradeRequested);
            if (cache != null && CacheStep.consult(this, true)) {
                return;
            }
        }
        forward();
    }

    /** Sends the request in flight to an endpoint of the route's cluster (the route is chosen, checks passed). */
    void forward() {
        prepareCall();
        route.forwardedHeaders().onRequest(context);
        if (trace != null) {
            trace.inject(request.headers()); // our span is the endpoint's parent
        }
        if (route.mirror() != null && !upgradeRequested && route.mirror().sampled()) {
            // copied before the endpoint's framing is set on the head; fire-and-forget, never waited for
            mirror = MirrorCopy.start(route.mirror(), request, host, context, connection.pool(), connection.https(),
                    services.metrics(), connection.http2() && !wholeRequest);
        }
        if (!call.start(connection.http2() && !wholeRequest, host)
                && (errorPage == null || !errorPage.noEndpoint())) {
            response.respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "no ready endpoint", null);
        }
    }

    /** Makes the call to the endpoint when first needed: a request the cache answers makes none. */
    void prepareCall() {
        if (call == null) {
            call = new UpstreamCall(response, connection.pool(), connection.timer(), services.metrics(), route, context,
                    connection.https(), request, retryable, upgradeRequested, services.table());
        }
    }

    /** A part of the request body (or anything else the connection read while the request is not complete). */
    public void onRequestContent(Object msg) {
        if (!(msg instanceof HttpContent content)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            refuseBody(HttpResponseStatus.BAD_REQUEST, "malformed request body");
            return;
        }
        if (last) {
            requestDone = true;
        }
        if (mirror != null) {
            mirror.body(content);
        }
        if (discardBody || call == null && (auth == null || !auth.waiting())) {
            content.release();
            if (last) {
                finishIfDone();
            }
            return;
        }
        bodyBytes += content.content().readableBytes();
        LocalAnswer tooLarge = route.bodyLimit().onBody(bodyBytes);
        if (tooLarge != null) {
            content.release();
            services.metrics().denied(tooLarge.deniedBy());
            refuseBody(tooLarge.status(), tooLarge.message());
            return;
        }
        if (bodyBytes > 0) {
            retryable = false;
        }
        if (call == null) {
            auth.hold(content); // the authentication decides first
            return;
        }
        call.sendBody(content);
        if (last && responseDone) {
            finishIfDone();
        }
    }

    /** A request body that cannot be forwarded: answered, or the connection closed if the response began. */
    private void refuseBody(HttpResponseStatus st, String message) {
        if (mirror != null) {
            mirror.cancel();
        }
        requestDone = true;
        keepAlive = false;
        if (!responseStarted) {
            abortCall();
            response.respondLocally(st, message, null);
        } else {
            downstream.close();
        }
    }

    // ---------------------------------------------------------------- answers and the end

    /** Drops the call to the endpoint and what was being made of its response. */
    void abortCall() {
        response.drop();
        if (call != null) {
            call.abort();
        }
    }

    void finishIfDone() {
        if (!requestDone || !responseDone || ended) {
            return;
        }
        ended = true;
        ExchangeLog.ended(this);
        ExchangeTrace.ended(this);
        endAccounting();
        downstream.exchangeEnded(this);
    }

    /** Gives back what the request held: its part in the cache, its place in the cluster's budget. */
    private void endAccounting() {
        response.drop();
        if (concurrencyHeld != null) {
            concurrencyHeld.release(concurrencyKey);
            concurrencyHeld = null;
        }
        if (auth != null) {
            auth.releaseHeld();
        }
        if (cache != null) {
            cache.end();
        }
        if (call != null) {
            call.end();
        }
    }

    /** The client connection closed (or the tunnel this exchange became). */
    public void connectionClosed() {
        closed = true;
        if (mirror != null) {
            mirror.cancel();
        }
        if (auth != null) {
            auth.cancel();
        }
        if (call != null) {
            call.abort();
        }
        if (!ended) {
            ended = true;
            ExchangeLog.ended(this);
            ExchangeTrace.ended(this);
            endAccounting();
        }
    }
}
