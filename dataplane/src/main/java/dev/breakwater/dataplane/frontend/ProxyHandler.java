package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.config.RouteLimits;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.cache.CacheControl;
import dev.breakwater.dataplane.cache.CacheKey;
import dev.breakwater.dataplane.cache.CacheSettings;
import dev.breakwater.dataplane.cache.CachedBody;
import dev.breakwater.dataplane.cache.CachedResponse;
import dev.breakwater.dataplane.cache.Conditionals;
import dev.breakwater.dataplane.cache.ResponseCache;
import dev.breakwater.dataplane.compress.ResponseCompressor;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.filter.LocalAnswer;
import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.dataplane.request.HopByHop;
import dev.breakwater.dataplane.request.RequestHeadCheck;
import dev.breakwater.dataplane.request.RequestIds;
import dev.breakwater.dataplane.request.RequestRefused;
import dev.breakwater.dataplane.metrics.ProxyMetrics.UpstreamError;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.SessionAffinity;
import dev.breakwater.dataplane.lb.PickContext;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import dev.breakwater.dataplane.tls.CertificateStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one HTTP/1.1 connection: routes each request, relays it to an endpoint over a pooled
 * upstream connection of the same event loop, and relays the response back, streaming bodies both ways.
 *
 * <p>One request is proxied at a time; pipelined requests wait in a small queue (reading stops when it is
 * full) and are answered in order. Backpressure: a client is not read while its upstream connection is not
 * writable, and an upstream connection is not read while its client is not writable. Everything here runs on
 * the connection's event loop.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter
        implements UpstreamConnection.Owner, PickContext {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
    /** Tries of a request whose connects fail, whatever the route's retry policy (nginx tries every server). */
    private static final int CONNECT_FAILURE_ATTEMPTS = 3;
    private static final java.util.Set<String> IDEMPOTENT = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT",
            "DELETE");
    static final AsciiString CLIENT_VERIFY = AsciiString.cached("ssl-client-verify");
    static final AsciiString CLIENT_SUBJECT = AsciiString.cached("ssl-client-subject-dn");
    static final AsciiString CLIENT_ISSUER = AsciiString.cached("ssl-client-issuer-dn");

    private final ProxyServices services;
    private final String scheme;
    private ChannelHandlerContext ctx;
    private UpstreamPool pool;
    private String clientIp;
    private String localPort;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>(4);
    private boolean closed;

    // the request in flight
    private boolean inFlight;
    private HttpRequest request;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean keepAlive;
    private boolean discardBody;
    private boolean http10;
    private boolean retryable;
    private String requestId;
    private long startNanos;
    private long bodyBytes;
    private long maxBodyBytes;
    private int status;
    private CompiledRoute route;
    private CompiledCluster cluster;
    private UpstreamEndpoint endpoint;
    private UpstreamConnection upstream;
    private boolean connecting;
    private ArrayDeque<HttpContent> pendingBody;
    private int attempts;
    private boolean staleRetried;
    private int maxAttempts;
    private Retries retries;
    private SessionAffinity affinity;
    private String affinityCookie;
    private boolean attemptActive;
    private boolean clusterCounted;
    private int retriesTaken;
    private long perTryTimeoutNanos;
    private boolean idempotent;
    private int generation;
    private boolean upstreamKeepAlive;
    private boolean skipInterimBody;
    private boolean wroteUpstream;
    private long lastActivityNanos;
    private long responseTimeoutNanos;
    /**
     * The send timeout: parts of the request body written to the endpoint and not yet taken by it (written to the
     * socket), and since when the oldest of them waits (or the last one was taken). While parts wait, the endpoint
     * is what the exchange waits for, and the send timeout, not the response timeout, bounds that wait.
     */
    private long sendTimeoutNanos;
    private int sendPending;
    private long sendSinceNanos;
    private final ChannelFutureListener sendProgress = this::sendProgressed;
    /** The request head was written to the socket of the attempt's (reused) connection. */
    private boolean headSent;
    private final ChannelFutureListener headProgress = f -> {
        UpstreamConnection u = upstream;
        if (f.isSuccess() && u != null && f.channel() == u.channel()) {
            headSent = true;
        }
    };
    private int connectTimeoutMillis;
    private ScheduledFuture<?> timer;
    private boolean http2;
    private boolean upgradeRequested;
    private boolean tunneling;
    private boolean wholeRequest;
    private long timerDueNanos;
    private String requestHost;
    /** What the route's filters see of the request in flight. */
    private FilterContext filterContext;

    // response cache: set for requests a caching route may answer from the cache
    private CacheSettings cacheSettings;
    private CacheKey cacheKey;
    private CacheControl requestCc;
    /** A stored response that is not fresh: revalidated, or served if the origin fails (stale-if-error). */
    private CachedResponse cachedEntry;
    private boolean revalidating;
    private ResponseCache.Fill fill;
    private CachedBody fillBody;
    private int fillStatus;
    private HttpHeaders fillHeaders;
    private boolean swallowBody;
    private boolean awaitingFill;
    private int awaitToken;
    private ScheduledFuture<?> awaitTimer;
    private long fetchStartMillis;
    private String cacheStatus;
    /** An unsafe request on a caching route: a non-error answer invalidates the stored GET (RFC 9111 4.4). */
    private CacheKey invalidates;
    private ResponseCompressor.BodyEncoder encoder;

    public ProxyHandler(ProxyServices services, String scheme) {
        this.services = services;
        this.scheme = scheme;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            // added after the TLS handshake (ALPN): the channel became active before this handler existed
            connectionStarted(ctx.channel());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (pool == null) {
            connectionStarted(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    private RequestHeadTimeout headTimeout;

    private void connectionStarted(Channel ch) {
        headTimeout = ch.pipeline().get(RequestHeadTimeout.class);
        pool = services.pool(ch.eventLoop());
        clientIp = dev.breakwater.dataplane.proxyprotocol.ClientAddress.ip(ch);
        localPort = ch.localAddress() instanceof InetSocketAddress a ? Integer.toString(a.getPort()) : "";
        http2 = ch instanceof Http2StreamChannel;
        if (!http2) {
            services.metrics().connectionOpened();
        }
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunneling) {
            relayToUpstream(msg);
            return;
        }
        if (inFlight && !requestDone) {
            onRequestContent(msg);
        } else if (inFlight || !pipelined.isEmpty()) {
            pipelined.add(msg);
            if (pipelined.size() >= services.config().maxPipelinedRequests() * 2) {
                updateReading();
            }
        } else {
            dispatch(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wroteUpstream) {
            wroteUpstream = false;
            UpstreamConnection u = upstream;
            if (u != null) {
                u.channel().flush();
            }
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof FullHttpRequest full) {
            // HTTP/2 streams (and bad requests) arrive whole: handle the head, then the body as its last part
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                    full.headers());
            head.setDecoderResult(full.decoderResult());
            LastHttpContent last = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
            wholeRequest = true;
            startRequest(head);
            if (inFlight && !requestDone) {
                onRequestContent(last);
            } else {
                last.release();
            }
        } else if (msg instanceof HttpRequest req) {
            wholeRequest = false;
            startRequest(req);
        } else {
            // content of a request already answered and closed
            ReferenceCountUtil.release(msg);
        }
    }

    private void startRequest(HttpRequest req) {
        if (headTimeout != null) {
            headTimeout.headDecoded();
        }
        inFlight = true;
        request = req;
        requestDone = false;
        responseStarted = false;
        responseDone = false;
        discardBody = false;
        bodyBytes = 0;
        status = 0;
        attempts = 0;
        staleRetried = false;
        affinityCookie = null;
        route = null;
        filterContext = null;
        cluster = null;
        endpoint = null;
        upgradeRequested = false;
        cacheSettings = null;
        invalidates = null;
        cachedEntry = null;
        revalidating = false;
        swallowBody = false;
        cacheStatus = null;
        sendPending = 0;
        startNanos = System.nanoTime();
        http10 = req.protocolVersion().minorVersion() == 0;
        HttpHeaders headers = req.headers();
        requestId = RequestIds.keepOrCreate(headers.get("x-request-id"));

        if (req.decoderResult().isFailure()) {
            requestDone = true;
            keepAlive = false;
            Throwable cause = req.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                respondLocally(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
            } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                respondLocally(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large");
            } else {
                respondLocally(HttpResponseStatus.BAD_REQUEST, "malformed request");
            }
            return;
        }
        RequestHeadCheck.Checked checked;
        try {
            checked = services.headCheck().check(req, http2);
        } catch (RequestRefused refused) {
            LOG.debug("refused {} {} from {}: {}", req.method(), req.uri(), clientIp, refused.reason());
            services.metrics().refused(refused.status());
            keepAlive = false;
            respondLocally(HttpResponseStatus.valueOf(refused.status()), refused.reason());
            return;
        }
        keepAlive = checked.keepAlive() && !services.draining().getAsBoolean();
        upgradeRequested = checked.webSocketUpgrade();
        long contentLength = HttpUtil.getContentLength(req, -1L);
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        retryable = !chunked && contentLength <= 0;

        String host = checked.host();
        requestHost = host;
        String uri = req.uri();
        String path = checked.target().path();
        String query = checked.target().query();

        Router router = services.table().router();
        CompiledRoute r = router == null ? null : router.route(host, path, query, req.method().name(), headers);
        if (r == null) {
            services.metrics().unrouted();
            respondLocally(HttpResponseStatus.NOT_FOUND, "no route for this host and path");
            return;
        }
        route = r;
        // the route's filters: allowlist, CORS preflight, redirects, rate limit, header and URL rewrites, fixed
        // response, redirect to HTTPS
        filterContext = new FilterContext(req, scheme, host, path, query, clientIp, services.config());
        LocalAnswer answer = r.filters().onRequest(filterContext);
        if (answer != null) {
            respondLocally(answer.status(), answer.message(), answer.headers());
            return;
        }
        RoutePolicy policy = r.route().policy();
        if (r.clientAuth() != null && !clientCertificateAccepted(r, headers)) {
            return;
        }
        RouteLimits limits = r.limits();
        maxBodyBytes = limits.maxRequestBodyBytes();
        if (contentLength > maxBodyBytes) {
            respondLocally(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body larger than "
                    + maxBodyBytes + " bytes");
            return;
        }
        if (headers.contains(HttpHeaderNames.EXPECT)) {
            if (!HttpUtil.is100ContinueExpected(req)) {
                respondLocally(HttpResponseStatus.EXPECTATION_FAILED, "unsupported expectation");
                return;
            }
            headers.remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        connectTimeoutMillis = limits.connectTimeoutMillis();
        responseTimeoutNanos = limits.responseTimeoutNanos();
        sendTimeoutNanos = limits.sendTimeoutNanos();
        if (policy.cache() != null && services.cache() != null && !upgradeRequested
                && (req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD))) {
            ResponseCache cache = services.cache();
            cacheSettings = CacheSettings.resolve(policy.cache(), cache.config());
            cacheKey = CacheKey.of(r.name(), cacheSettings.purgeGeneration(), scheme, host, uri);
            List<String> cc = headers.getAll(HttpHeaderNames.CACHE_CONTROL);
            requestCc = cc.isEmpty() && headers.containsValue(HttpHeaderNames.PRAGMA, "no-cache", true)
                    ? CacheControl.parse("no-cache") : CacheControl.parse(cc);
            if (consultCache(true)) {
                return;
            }
        } else if (policy.cache() != null && services.cache() != null && !SAFE_METHODS.contains(req.method().name())) {
            invalidates = CacheKey.of(r.name(), policy.cache().purgeGeneration(), scheme, host, uri);
        }
        forward();
    }

    /** Sends the request in flight to an endpoint of the route's cluster (the route is chosen, checks passed). */
    private void forward() {
        CompiledRoute r = route;
        RoutePolicy policy = r.route().policy();
        HttpRequest req = request;
        HttpHeaders headers = req.headers();
        cluster = r.pickCluster();
        if (cluster == null) {
            respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "no ready endpoint");
            return;
        }
        retries = r.limits().retries();
        maxAttempts = retries.attempts();
        perTryTimeoutNanos = r.limits().perTryTimeoutNanos();
        idempotent = IDEMPOTENT.contains(req.method().name());
        affinity = policy.affinity();
        endpoint = affinity == null ? null : cluster.byAffinity(cookie(affinity.cookieName()));
        if (endpoint == null) {
            endpoint = cluster.pick(this, null);
            if (endpoint != null && affinity != null) {
                affinityCookie = affinityCookie(cluster.affinityId(endpoint));
            }
        }
        if (endpoint == null) {
            respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "no ready endpoint");
            return;
        }
        cluster.requestStarted();
        clusterCounted = true;
        prepareUpstreamHeaders(req, headers, requestHost, endpoint, http2 && !wholeRequest);
        if (upgradeRequested) {
            retryable = false;
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        }
        beginAttempt(false);
    }

    /** Sends the request to {@link #endpoint}: on a pooled connection when there is one, else a new one. */
    private void beginAttempt(boolean flushNow) {
        endpoint.state().requestStarted();
        attemptActive = true;
        UpstreamConnection c = pool.poll(endpoint.key());
        if (c != null) {
            attach(c, flushNow);
        } else {
            connect();
        }
    }

    /** Ends the attempt on {@link #endpoint}: its in-flight count goes down (once). */
    private void endAttempt() {
        if (attemptActive) {
            attemptActive = false;
            endpoint.state().requestEnded();
        }
    }

    /**
     * Tries the request again on another endpoint (where one exists) if attempts are left and the cluster's
     * retry budget allows. The attempt that failed must have been ended.
     */
    private boolean retry(String why) {
        return reserveRetry() && startRetry(why);
    }

    /** Takes an attempt and a place in the cluster's retry budget, if both are left. */
    private boolean reserveRetry() {
        if (attempts + 1 >= maxAttempts || closed) {
            return false;
        }
        if (!cluster.tryStartRetry(retries.budgetPercent(), retries.minRetryConcurrency())) {
            services.metrics().retryBudgetExhausted(cluster.name());
            return false;
        }
        retriesTaken++;
        attempts++;
        return true;
    }

    /** Sends the request again, to another endpoint where one exists; a retry must have been reserved. */
    private boolean startRetry(String why) {
        UpstreamEndpoint previous = endpoint;
        UpstreamEndpoint next = cluster.pick(this, previous);
        if (next == null) {
            return false;
        }
        endpoint = next;
        if (affinity != null && next != previous) {
            affinityCookie = affinityCookie(cluster.affinityId(next));
        }
        services.metrics().retry(cluster.name());
        LOG.debug("retrying {} on {} after {} from {}", request.uri(), next, why, previous);
        if (requestDone && retryable) {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>(1);
            }
            if (pendingBody.isEmpty()) {
                pendingBody.add(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }
        beginAttempt(true);
        return true;
    }

    private String affinityCookie(String id) {
        StringBuilder c = new StringBuilder(affinity.cookieName()).append('=').append(id)
                .append("; Path=").append(affinity.path() == null ? "/" : affinity.path());
        if (affinity.maxAgeSeconds() != null) {
            c.append("; Max-Age=").append(affinity.maxAgeSeconds());
        }
        if ("https".equals(scheme)) {
            c.append("; Secure");
        }
        return c.append("; HttpOnly").toString();
    }

    // ---------------------------------------------------------------- PickContext (hash keys)

    @Override
    public String header(String name) {
        return request == null ? null : request.headers().get(name);
    }

    @Override
    public String cookie(String name) {
        if (request == null) {
            return null;
        }
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
        }
        return null;
    }

    @Override
    public String sourceIp() {
        return clientIp;
    }

    private void prepareUpstreamHeaders(HttpRequest req, HttpHeaders headers, String host, UpstreamEndpoint endpoint,
                                        boolean bodyOfUnknownLength) {
        // hop-by-hop and client-forbidden headers are gone already (RequestHeadCheck)
        if (services.config().trustForwardedHeaders()) {
            String prior = headers.get(ForwardedHeaders.X_FORWARDED_FOR);
            headers.set(ForwardedHeaders.X_FORWARDED_FOR, prior == null ? clientIp : prior + ", " + clientIp);
            setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_PROTO, scheme);
            setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_HOST, host);
            setIfAbsent(headers, ForwardedHeaders.X_FORWARDED_PORT, localPort);
        } else {
            headers.set(ForwardedHeaders.X_FORWARDED_FOR, clientIp);
            headers.set(ForwardedHeaders.X_FORWARDED_PROTO, scheme);
            if (host != null) {
                headers.set(ForwardedHeaders.X_FORWARDED_HOST, host);
            }
            headers.set(ForwardedHeaders.X_FORWARDED_PORT, localPort);
        }
        if (endpoint.protocol().http2()) {
            // HTTP/2 upstream: the stream codec takes :scheme from this header
            headers.set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), endpoint.protocol().tls() ? "https" : "http");
        } else if (bodyOfUnknownLength && !HttpUtil.isContentLengthSet(req)) {
            // an HTTP/2 request body of unknown length, to an HTTP/1.1 endpoint: chunk it
            HttpUtil.setTransferEncodingChunked(req, true);
        }
        headers.set(ForwardedHeaders.X_REAL_IP, clientIp);
        headers.set(ForwardedHeaders.X_REQUEST_ID, requestId);
        if (host == null) {
            headers.set(HttpHeaderNames.HOST, endpoint.key());
        }
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private static void setIfAbsent(HttpHeaders headers, CharSequence name, String value) {
        if (!headers.contains(name) && value != null) {
            headers.set(name, value);
        }
    }

    private void onRequestContent(Object msg) {
        if (!(msg instanceof HttpContent content)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            requestDone = true;
            keepAlive = false;
            if (!responseStarted) {
                abortUpstream();
                respondLocally(HttpResponseStatus.BAD_REQUEST, "malformed request body");
            } else {
                ctx.close();
            }
            return;
        }
        if (last) {
            requestDone = true;
        }
        if (discardBody) {
            content.release();
            if (last) {
                finishIfDone();
            }
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > maxBodyBytes) {
            content.release();
            requestDone = true;
            keepAlive = false;
            if (!responseStarted) {
                abortUpstream();
                respondLocally(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body larger than "
                        + maxBodyBytes + " bytes");
            } else {
                ctx.close();
            }
            return;
        }
        if (bodyBytes > 0) {
            retryable = false;
        }
        UpstreamConnection u = upstream;
        if (u != null && !connecting) {
            writeBodyUpstream(u.channel(), content);
            wroteUpstream = true;
            lastActivityNanos = System.nanoTime();
            if (!u.channel().isWritable()) {
                updateReading();
            }
        } else {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>(4);
            }
            pendingBody.add(content);
        }
        if (last && responseDone) {
            finishIfDone();
        }
    }

    // ---------------------------------------------------------------- upstream side

    private void connect() {
        connecting = true;
        updateReading();
        int gen = ++generation;
        UpstreamEndpoint target = endpoint;
        Future<UpstreamConnection> f = pool.connect(target, connectTimeoutMillis);
        f.addListener(future -> onConnected(f, gen, target));
    }

    private void onConnected(Future<UpstreamConnection> future, int gen, UpstreamEndpoint target) {
        if (gen != generation || closed) {
            if (future.isSuccess()) {
                future.getNow().release();
            }
            return;
        }
        connecting = false;
        if (!future.isSuccess()) {
            services.metrics().upstreamError(cluster.name(), UpstreamError.CONNECT);
            LOG.debug("connect to {} failed: {}", target, future.cause().toString());
            endAttempt();
            cluster.failed(target);
            // the request never reached an endpoint: always worth others (up to three tries in all), outside the
            // retry budget, which guards endpoints against amplified load that a refused connect never put on them;
            // in a rolling update more than one endpoint in the table may already be gone
            maxAttempts = Math.max(maxAttempts, CONNECT_FAILURE_ATTEMPTS);
            if (attempts + 1 < maxAttempts && !closed) {
                attempts++;
                if (startRetry("connect failure")) {
                    return;
                }
            }
            updateReading();
            respondLocally(HttpResponseStatus.BAD_GATEWAY, "could not connect to an endpoint");
            return;
        }
        attach(future.getNow(), true);
        updateReading();
    }

    /**
     * Sends the request head and any body received so far on a connection. Flushed now when called from a
     * connect callback; otherwise the client's read-complete flushes it together with the body parts read in
     * the same pass.
     */
    private void attach(UpstreamConnection c, boolean flushNow) {
        upstream = c;
        c.attach(this);
        upstreamKeepAlive = true;
        skipInterimBody = false;
        sendPending = 0;
        Channel ch = c.channel();
        headSent = false;
        // on a reused connection, whether the head left is what decides a retry of a non-idempotent request
        ch.write(request, c.reused() ? ch.newPromise().addListener(headProgress) : ch.voidPromise());
        if (pendingBody != null) {
            HttpContent part;
            while ((part = pendingBody.poll()) != null) {
                writeBodyUpstream(ch, part);
            }
        }
        if (flushNow) {
            ch.flush();
        } else {
            wroteUpstream = true;
        }
        lastActivityNanos = System.nanoTime();
        armTimer();
    }

    /**
     * Writes a part of the request body to the endpoint. A part with bytes is followed until the endpoint takes it
     * (the send timeout); an empty one (the end of a bodyless request) costs nothing.
     */
    private void writeBodyUpstream(Channel ch, HttpContent part) {
        if (!part.content().isReadable()) {
            ch.write(part, ch.voidPromise());
            return;
        }
        if (sendPending++ == 0) {
            sendSinceNanos = System.nanoTime();
            armTimer();
        }
        ch.write(part, ch.newPromise().addListener(sendProgress));
    }

    /** A part of the request body left for the endpoint (or could not be written): it took something. */
    private void sendProgressed(ChannelFuture f) {
        UpstreamConnection u = upstream;
        if (u == null || f.channel() != u.channel() || sendPending == 0) {
            return; // an earlier attempt's connection
        }
        sendPending--;
        long now = System.nanoTime();
        sendSinceNanos = now;
        lastActivityNanos = now;
    }

    @Override
    public void upstreamRead(UpstreamConnection c, Object msg) {
        if (c != upstream) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastActivityNanos = System.nanoTime();
        if (swallowBody && !tunneling) {
            // the rest of a 304 that refreshed a stored response
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                finishRevalidation();
            }
            return;
        }
        if (revalidating && msg instanceof HttpResponse r304 && r304.decoderResult().isSuccess()
                && r304.status().code() == 304) {
            revalidated(r304);
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                finishRevalidation();
            }
            return;
        }
        if (msg instanceof FullHttpResponse full && !tunneling) {
            // a whole response (HTTP/2 HEADERS with end of stream, as gRPC "trailers only"): kept whole so
            // that an HTTP/2 client gets it the same way
            if (full.decoderResult().isSuccess() && full.status().code() < 200) {
                full.release();
                return;
            }
            if (full.decoderResult().isSuccess()) {
                if (full.status().code() >= 500 && staleInsteadOfError(full)) {
                    return;
                }
                onResponseHead(full);
                onResponseComplete();
                return;
            }
        }
        if (tunneling) {
            if (msg instanceof ByteBuf buf) {
                ctx.write(buf, ctx.voidPromise());
                if (!ctx.channel().isWritable()) {
                    c.channel().config().setAutoRead(false);
                }
            } else {
                ReferenceCountUtil.release(msg); // the empty end of the 101 response
            }
            return;
        }
        if (msg instanceof HttpResponse resp) {
            if (resp.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                services.metrics().upstreamError(cluster.name(), UpstreamError.RESET);
                if (!responseStarted) {
                    upstream = null;
                    c.discard();
                    endAttempt();
                    if (retryOnFreshConnection(c)) {
                        return;
                    }
                    abortUpstream();
                    respondLocally(HttpResponseStatus.BAD_GATEWAY, "invalid response from endpoint");
                } else {
                    abortUpstream();
                    ctx.close();
                }
                return;
            }
            int code = resp.status().code();
            if (code == 101 && upgradeRequested) {
                startTunnel(c, resp);
                return;
            }
            if (code < 200) {
                // an interim response (103 Early Hints and the like): not relayed; its empty body follows
                skipInterimBody = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            if (code >= 500) {
                cluster.failed(endpoint);
                if ((code == 502 || code == 503 || code == 504) && retries.on5xx() && mayRetryAfterSending()
                        && retryAfterAllows(resp) && reserveRetry()) {
                    // this answer is dropped (and its connection with it) for another attempt
                    ReferenceCountUtil.release(msg);
                    UpstreamConnection failed = upstream;
                    upstream = null;
                    failed.discard();
                    endAttempt();
                    if (!startRetry("status " + code)) {
                        respondLocally(HttpResponseStatus.valueOf(code), "endpoint answered " + code);
                    }
                    return;
                }
                if (staleInsteadOfError(msg)) {
                    return;
                }
            } else {
                cluster.succeeded(endpoint);
            }
            onResponseHead(resp);
            if (!(msg instanceof HttpContent)) {
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            if (skipInterimBody) {
                if (content instanceof LastHttpContent) {
                    skipInterimBody = false;
                }
                content.release();
                return;
            }
            if (content instanceof LastHttpContent) {
                writeBody(content, true);
                onResponseComplete();
            } else {
                writeBody(content, false);
                if (!ctx.channel().isWritable()) {
                    c.channel().config().setAutoRead(false);
                }
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Writes a part of the response body to the client: through the compressor when the response is being
     * compressed, and into the cache entry being filled (what the client gets is what is stored).
     */
    private void writeBody(HttpContent content, boolean last) {
        if (encoder != null) {
            ByteBuf encoded = encoder.encode(content.content().retain());
            if (last) {
                ByteBuf tail = encoder.finish();
                encoder = null;
                encoded = tail.isReadable() ? Unpooled.wrappedBuffer(encoded, tail) : releaseAndKeep(tail, encoded);
                HttpHeaders trailers = ((LastHttpContent) content).trailingHeaders();
                content.release();
                content = new DefaultLastHttpContent(encoded, trailers);
            } else {
                content.release();
                if (!encoded.isReadable()) {
                    encoded.release();
                    return;
                }
                content = new DefaultHttpContent(encoded);
            }
        }
        if (fillBody != null && !fillBody.append(content.content())) {
            // larger than the route stores (or the cache's budget for bodies in flight): passed on, not stored
            endFill();
        }
        ctx.write(content, ctx.voidPromise());
    }

    private static ByteBuf releaseAndKeep(ByteBuf drop, ByteBuf keep) {
        drop.release();
        return keep;
    }

    /** A request that already went to an endpoint may be sent again: idempotent, bodyless and complete. */
    private boolean mayRetryAfterSending() {
        return idempotent && retryable && requestDone && !upgradeRequested;
    }

    /** A {@code Retry-After} of more than a second means the endpoint asks for a pause: pass its answer on. */
    private static boolean retryAfterAllows(HttpResponse resp) {
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

    private void onResponseHead(HttpResponse resp) {
        responseStarted = true;
        status = resp.status().code();
        HttpHeaders headers = resp.headers();
        upstreamKeepAlive = HttpUtil.isKeepAlive(resp);
        HopByHop.strip(headers);
        if (endpoint.protocol().http2()) {
            for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                headers.remove(n.text());
            }
        }
        boolean head = request.method().equals(HttpMethod.HEAD);
        ResponseCompressor compressor = route.compressor();
        if (compressor != null && !head) {
            String coding = compressor.begin(status, headers, request.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
            if (coding != null) {
                encoder = ResponseCompressor.encoder(coding);
            }
        }
        if (fill != null) {
            beginFill(headers);
        }
        if (invalidates != null && status < 400) {
            services.cache().invalidate(invalidates);
        }
        if (cacheStatus != null) {
            headers.set(X_CACHE_STATUS, cacheStatus);
        }
        if (!http2 && !http10 && !HttpUtil.isContentLengthSet(resp) && !HttpUtil.isTransferEncodingChunked(resp)
                && status != 204 && status != 304 && !request.method().equals(HttpMethod.HEAD)) {
            // a body of unknown length (from HTTP/2, or close-delimited): frame it for the client
            HttpUtil.setTransferEncodingChunked(resp, true);
        }
        if (http10 && HttpUtil.isTransferEncodingChunked(resp)) {
            // an HTTP/1.0 client cannot read chunks: send the body as it comes and close to end it
            HttpUtil.setTransferEncodingChunked(resp, false);
            keepAlive = false;
        }
        if (!requestDone) {
            // the endpoint answers before the request body is complete: finish this exchange and close
            keepAlive = false;
        }
        if (keepAlive && services.draining().getAsBoolean()) {
            keepAlive = false;
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (affinityCookie != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, affinityCookie);
        }
        route.filters().onResponse(filterContext, headers); // HSTS, CORS headers, response header modifier
        resp.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (resp instanceof FullHttpResponse full && (encoder != null || fillBody != null)) {
            // a whole response whose body is compressed or stored: its head, then its body as the last part
            ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, full.status(), full.headers()), ctx.voidPromise());
            writeBody(new DefaultLastHttpContent(full.content(), full.trailingHeaders()), true);
        } else {
            ctx.write(resp, ctx.voidPromise());
        }
    }

    private void onResponseComplete() {
        responseDone = true;
        if (fillBody != null) {
            storeFilled();
        }
        endFill();
        endAttempt();
        UpstreamConnection u = upstream;
        upstream = null;
        if (u != null) {
            if (upstreamKeepAlive && requestDone) {
                u.release();
            } else {
                u.discard();
            }
        }
        route.meters().record(status, System.nanoTime() - startNanos);
        if (keepAlive) {
            ctx.flush();
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            if (!requestDone) {
                discardBody = true;
            }
        }
        finishIfDone();
    }

    @Override
    public void upstreamReadComplete(UpstreamConnection c) {
        ctx.flush();
    }

    @Override
    public void upstreamWritabilityChanged(UpstreamConnection c) {
        if (c == upstream) {
            updateReading();
        }
    }

    @Override
    public void upstreamClosed(UpstreamConnection c) {
        if (c != upstream) {
            return;
        }
        upstream = null;
        if (tunneling) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (responseDone) {
            return;
        }
        services.metrics().upstreamError(cluster.name(), UpstreamError.RESET);
        dropFill();
        if (!responseStarted) {
            endAttempt();
            if (!c.cutByDrainTimeout() && retryOnFreshConnection(c)) {
                return;
            }
            cluster.failed(endpoint);
            // a cut at the drain timeout is final: the operator said how long requests to a removed endpoint may run
            if (!c.cutByDrainTimeout() && retries.onReset() && mayRetryAfterSending() && retry("reset")) {
                return;
            }
            respondLocally(HttpResponseStatus.BAD_GATEWAY, "endpoint closed the connection");
        } else {
            ctx.close();
        }
    }

    /**
     * A reused connection failed before any byte of the answer arrived (the endpoint had closed it while it idled, or
     * it answered with bytes that are no response): sends the request once more on a new connection, when that is
     * safe: the request has no body, and it is idempotent or its head never reached the connection.
     */
    private boolean retryOnFreshConnection(UpstreamConnection failed) {
        if (!failed.reused() || !retryable || staleRetried || !idempotent && headSent) {
            return false;
        }
        staleRetried = true;
        LOG.debug("reused connection to {} failed before an answer; retrying on a new one", endpoint);
        if (requestDone) {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>(1);
            }
            pendingBody.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        endpoint.state().requestStarted();
        attemptActive = true;
        connect();
        return true;
    }

    private void abortUpstream() {
        dropFill();
        endAttempt();
        generation++;
        connecting = false;
        sendPending = 0;
        UpstreamConnection u = upstream;
        upstream = null;
        if (u != null) {
            u.discard();
        }
        releasePendingBody();
    }

    // ---------------------------------------------------------------- response cache

    /**
     * Answers the request from the cache when it can (fresh, or stale within stale-while-revalidate), else
     * prepares the fetch: joins another request's fetch of the same key (when {@code mayWait}), or becomes the
     * fetch that fills the cache, revalidating a stale entry with its validators. Returns true when the request
     * is answered or waiting.
     */
    private boolean consultCache(boolean mayWait) {
        ResponseCache cache = services.cache();
        ProxyMetrics.CacheMeters meters = route.cacheMeters();
        HttpHeaders headers = request.headers();
        long now = cache.now();
        CachedResponse e = cache.lookup(cacheKey, headers);
        if (e != null && !requestCc.has("no-cache")) {
            if (e.freshFor(requestCc, now)) {
                meters.hit();
                serveCached(e, "HIT");
                return true;
            }
            if (e.withinStaleWhileRevalidate(now)) {
                meters.stale();
                refreshInBackground(e);
                serveCached(e, "UPDATING");
                return true;
            }
        }
        if (requestCc.has("only-if-cached")) {
            respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT, "not in the cache (the request said only-if-cached)");
            return true;
        }
        cachedEntry = e;
        if (!request.method().equals(HttpMethod.HEAD) && !headers.contains(HttpHeaderNames.RANGE)) {
            if (mayWait) {
                int token = ++awaitToken;
                EventExecutor loop = ctx.executor();
                fill = cache.joinOrStart(cacheKey, () -> loop.execute(() -> fillEnded(token)));
                if (fill == null) {
                    awaitingFill = true;
                    meters.coalesced();
                    awaitTimer = loop.schedule(() -> fillEnded(token), cache.config().lockTimeout().toMillis(),
                            TimeUnit.MILLISECONDS);
                    return true;
                }
            } else {
                fill = cache.joinOrStart(cacheKey, null);
            }
            if (e != null && e.hasValidators() && !headers.contains(HttpHeaderNames.IF_NONE_MATCH)
                    && !headers.contains(HttpHeaderNames.IF_MODIFIED_SINCE)) {
                if (e.etag() != null) {
                    headers.set(HttpHeaderNames.IF_NONE_MATCH, e.etag());
                }
                if (e.lastModified() != null) {
                    headers.set(HttpHeaderNames.IF_MODIFIED_SINCE, e.lastModified());
                }
                revalidating = true;
            }
        }
        meters.miss();
        cacheStatus = e == null ? "MISS" : "EXPIRED";
        fetchStartMillis = now;
        return false;
    }

    /** The fetch this request waited for ended (or the wait timed out): look again, else fetch. */
    private void fillEnded(int token) {
        if (!awaitingFill || token != awaitToken || closed) {
            return;
        }
        awaitingFill = false;
        if (awaitTimer != null) {
            awaitTimer.cancel(false);
            awaitTimer = null;
        }
        if (!consultCache(false)) {
            forward();
            channelReadComplete(ctx); // nothing else flushes what was written upstream
        }
    }

    /** Answers the request with a stored response (304 when the client's own validators match). */
    private void serveCached(CachedResponse e, String how) {
        HttpHeaders h = new DefaultHttpHeaders().add(e.headers());
        h.set(HttpHeaderNames.AGE, e.currentAgeMillis(services.cache().now()) / 1000);
        h.set(X_CACHE_STATUS, how);
        int code = e.status();
        ByteBuf body = Unpooled.EMPTY_BUFFER;
        if (!revalidating && Conditionals.notModified(e, request.headers())) {
            code = 304;
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            h.remove(HttpHeaderNames.CONTENT_TYPE);
        } else if (!request.method().equals(HttpMethod.HEAD)) {
            body = Unpooled.wrappedBuffer(e.body());
        }
        route.filters().onResponse(filterContext, h);
        status = code;
        responseStarted = true;
        releasePendingBody();
        if (!requestDone) {
            discardBody = true;
            if (!retryable) {
                keepAlive = false;
            }
        }
        sendWhole(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), body, h,
                EmptyHttpHeaders.INSTANCE));
    }

    /** The origin failed: serves the stale entry instead, if its stale-if-error window allows. */
    private boolean serveStaleOnError() {
        CachedResponse e = cachedEntry;
        if (!e.withinStaleIfError(services.cache().now())) {
            return false;
        }
        cachedEntry = null;
        if (upstream != null) {
            abortUpstream();
        }
        route.cacheMeters().stale();
        serveCached(e, "STALE");
        return true;
    }

    /** A 5xx from the origin: replaced by the stale entry where stale-if-error allows. */
    private boolean staleInsteadOfError(Object msg) {
        if (cachedEntry == null || !cachedEntry.withinStaleIfError(services.cache().now())) {
            return false;
        }
        ReferenceCountUtil.release(msg);
        abortUpstream();
        return serveStaleOnError();
    }

    /** The origin answered our revalidation with 304: the stored response is current again. */
    private void revalidated(HttpResponse notModified) {
        upstreamKeepAlive = HttpUtil.isKeepAlive(notModified);
        HttpHeaders h = notModified.headers();
        HopByHop.strip(h);
        for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
            h.remove(n.text());
        }
        ResponseCache cache = services.cache();
        CachedResponse refreshed = cachedEntry.refreshedBy(h, fetchStartMillis, cache.now(), cacheSettings);
        cache.store(cacheKey, request.headers(), refreshed);
        route.cacheMeters().revalidated();
        cluster.succeeded(endpoint);
        cachedEntry = refreshed;
        endFill();
        swallowBody = true;
    }

    private void finishRevalidation() {
        swallowBody = false;
        UpstreamConnection u = upstream;
        upstream = null;
        endAttempt();
        if (u != null) {
            if (upstreamKeepAlive && requestDone) {
                u.release();
            } else {
                u.discard();
            }
        }
        serveCached(cachedEntry, "REVALIDATED");
    }

    /** The response head of this request's fetch: starts storing it when it may be stored. */
    private void beginFill(HttpHeaders headers) {
        String why = CachedResponse.whyNotStorable(request.method().name(), requestCc,
                request.headers().contains(HttpHeaderNames.AUTHORIZATION), status, headers, cacheSettings);
        long length = HttpUtil.getContentLength(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                headers), -1L);
        if (why == null && length > cacheSettings.maxObjectBytes()) {
            why = "larger than " + cacheSettings.maxObjectBytes() + " bytes";
        }
        if (why != null) {
            LOG.debug("not storing {}: {}", cacheKey.url(), why);
            endFill();
            return;
        }
        fillStatus = status;
        fillHeaders = new DefaultHttpHeaders().add(headers);
        fillBody = new CachedBody(cacheSettings.maxObjectBytes(), services.cache());
    }

    private void storeFilled() {
        byte[] body = fillBody.toArray();
        fillBody.release();
        fillBody = null;
        ResponseCache cache = services.cache();
        CachedResponse entry = CachedResponse.store(fillStatus, fillHeaders, body, fetchStartMillis, cache.now(),
                cacheSettings);
        fillHeaders = null;
        cache.store(cacheKey, request.headers(), entry);
        route.cacheMeters().stored(body.length);
    }

    /** Ends this request's part in filling the cache (stored or not) and wakes the requests waiting for it. */
    private void endFill() {
        if (fillBody != null) {
            fillBody.release();
            fillBody = null;
        }
        fillHeaders = null;
        ResponseCache.Fill f = fill;
        if (f != null) {
            fill = null;
            f.finish();
        }
    }

    /** The response is abandoned: nothing is stored, and a compressor in progress is closed. */
    private void dropFill() {
        endFill();
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }

    /**
     * stale-while-revalidate: fetches the response again in the background (one fetch per key at a time),
     * while this request is answered with the stale one.
     */
    private void refreshInBackground(CachedResponse e) {
        ResponseCache cache = services.cache();
        ResponseCache.Fill f = cache.joinOrStart(cacheKey, null);
        if (f == null) {
            return; // another request is fetching it already
        }
        CompiledCluster c = route.pickCluster();
        UpstreamEndpoint target = c == null ? null : c.pick(this, null);
        if (target == null) {
            f.finish();
            return;
        }
        HttpHeaders copy = new DefaultHttpHeaders().add(request.headers());
        for (CharSequence conditional : CONDITIONAL_HEADERS) {
            copy.remove(conditional);
        }
        HttpRequest fetch = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, request.uri(),
                Unpooled.EMPTY_BUFFER, copy, EmptyHttpHeaders.INSTANCE);
        prepareUpstreamHeaders(fetch, copy, requestHost, target, false);
        if (e.etag() != null) {
            copy.set(HttpHeaderNames.IF_NONE_MATCH, e.etag());
        }
        if (e.lastModified() != null) {
            copy.set(HttpHeaderNames.IF_MODIFIED_SINCE, e.lastModified());
        }
        RoutePolicy policy = route.route().policy();
        new BackgroundRefresh(pool, target, fetch, cache, f, cacheKey, e, cacheSettings, route.cacheMeters(),
                route.compressor(), request.headers().get(HttpHeaderNames.ACCEPT_ENCODING), connectTimeoutMillis,
                responseTimeoutNanos).start();
    }

    /** Methods that never invalidate stored responses. */
    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private static final CharSequence[] CONDITIONAL_HEADERS = {HttpHeaderNames.IF_NONE_MATCH,
        HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.IF_MATCH, HttpHeaderNames.IF_UNMODIFIED_SINCE,
        HttpHeaderNames.IF_RANGE, HttpHeaderNames.RANGE};

    // ---------------------------------------------------------------- timeouts

    /**
     * Makes sure the connection's response timer will look at the exchange in time. One timer per connection
     * is kept armed while exchanges keep coming and is never cancelled: when it fires it checks the exchange
     * in flight (if any) against its last activity and re-arms itself for the time left, so a request costs
     * no timer operation at all in the common case.
     */
    private void armTimer() {
        long due = sendPending > 0 ? sendSinceNanos + sendTimeoutNanos
                : lastActivityNanos + (responseStarted ? responseTimeoutNanos : perTryTimeoutNanos);
        if (timer == null || due - timerDueNanos < 0) {
            if (timer != null) {
                timer.cancel(false);
            }
            timerDueNanos = due;
            timer = ctx.executor().schedule(this::checkTimeout, Math.max(0, due - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void stopTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }

    private void checkTimeout() {
        timer = null;
        if (closed || tunneling || !inFlight || responseDone || upstream == null) {
            return;
        }
        long now = System.nanoTime();
        if (sendPending > 0) {
            // the endpoint has not taken the request body written to it: the send timeout applies, not the
            // response timeout (nginx arms proxy_read_timeout only once the request is sent)
            long stalled = now - sendSinceNanos;
            if (stalled < sendTimeoutNanos) {
                timerDueNanos = sendSinceNanos + sendTimeoutNanos;
                timer = ctx.executor().schedule(this::checkTimeout, sendTimeoutNanos - stalled, TimeUnit.NANOSECONDS);
                return;
            }
            services.metrics().upstreamError(cluster.name(), UpstreamError.TIMEOUT);
            LOG.debug("{} took no part of the request body of {} for {} ms", endpoint, request.uri(),
                    TimeUnit.NANOSECONDS.toMillis(stalled));
            abortUpstream();
            if (!responseStarted) {
                respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT, "endpoint did not take the request body in time");
            } else {
                ctx.close();
            }
            return;
        }
        long idle = now - lastActivityNanos;
        long limit = responseStarted ? responseTimeoutNanos : perTryTimeoutNanos;
        if (idle < limit) {
            timerDueNanos = lastActivityNanos + limit;
            timer = ctx.executor().schedule(this::checkTimeout, limit - idle, TimeUnit.NANOSECONDS);
            return;
        }
        services.metrics().upstreamError(cluster.name(), UpstreamError.TIMEOUT);
        if (!responseStarted && limit < responseTimeoutNanos && (retries.on5xx() || retries.onReset())
                && mayRetryAfterSending()) {
            UpstreamConnection slow = upstream;
            upstream = null;
            slow.discard();
            endAttempt();
            cluster.failed(endpoint);
            if (retry("per-try timeout")) {
                return;
            }
        }
        abortUpstream();
        if (!responseStarted) {
            respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT, "endpoint did not answer in time");
        } else {
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- answers and bookkeeping

    /** Answers the request in flight without a backend, with a small text body naming the request id. */
    private void respondLocally(HttpResponseStatus st, String message) {
        respondLocally(st, message, null);
    }

    private void respondLocally(HttpResponseStatus st, String message, CharSequence headerName, String headerValue) {
        respondLocally(st, message, new DefaultHttpHeaders().set(headerName, headerValue));
    }

    /** As above, plus {@code extra} headers; no body (and no request id in it) when {@code message} is null. */
    private void respondLocally(HttpResponseStatus st, String message, HttpHeaders extra) {
        if (st.code() >= 500 && cachedEntry != null && serveStaleOnError()) {
            return;
        }
        status = st.code();
        responseStarted = true;
        releasePendingBody();
        if (!requestDone) {
            discardBody = true;
            if (!retryable) {
                // a body of unknown or large size is on its way: do not read it, close instead
                keepAlive = false;
            }
        }
        ByteBuf body = Unpooled.EMPTY_BUFFER;
        if (message != null) {
            body = ctx.alloc().buffer(64 + message.length());
            body.writeCharSequence(st.code() + " " + st.reasonPhrase() + ": " + message + "\nrequest-id: "
                    + requestId + "\n", StandardCharsets.UTF_8);
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, body);
        if (message != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        if (message != null || st.code() != 204 && st.code() != 304) {
            resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        resp.headers().set(ForwardedHeaders.X_REQUEST_ID, requestId);
        if (extra != null) {
            resp.headers().add(extra);
        }
        sendWhole(resp);
    }

    /** Sends a whole response made here (not relayed), ending the exchange. */
    private void sendWhole(FullHttpResponse resp) {
        if (!keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        dropFill();
        responseDone = true;
        if (route != null) {
            route.meters().record(status, System.nanoTime() - startNanos);
        }
        if (keepAlive) {
            ctx.writeAndFlush(resp, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
        finishIfDone();
    }

    /**
     * For a route whose host asks for client certificates: checks that this connection's handshake asked
     * for the same ones (so that SNI for one host cannot be used to reach another), and passes what was
     * verified upstream in ingress-nginx's headers. Answers the request itself (421, 400) when not accepted.
     */
    private boolean clientCertificateAccepted(CompiledRoute r, HttpHeaders headers) {
        headers.remove(CLIENT_VERIFY);
        headers.remove(CLIENT_SUBJECT);
        headers.remove(CLIENT_ISSUER);
        CertificateStore.Entry entry = TlsSession.entry(ctx.channel());
        if (entry == null || !r.clientAuth().equals(entry.clientAuth())) {
            respondLocally(HttpResponseStatus.MISDIRECTED_REQUEST,
                    "this host needs a TLS connection made for it (SNI) with a client certificate");
            return false;
        }
        X509Certificate peer = null;
        try {
            SslHandler ssl = TlsSession.sslHandler(ctx.channel());
            java.security.cert.Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                peer = x;
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate
        }
        if (peer == null) {
            if (r.clientAuth().required()) {
                respondLocally(HttpResponseStatus.BAD_REQUEST, "a client certificate is required");
                return false;
            }
            headers.set(CLIENT_VERIFY, "NONE");
            return true;
        }
        headers.set(CLIENT_VERIFY, "SUCCESS");
        headers.set(CLIENT_SUBJECT, peer.getSubjectX500Principal().getName());
        headers.set(CLIENT_ISSUER, peer.getIssuerX500Principal().getName());
        return true;
    }

    /**
     * The endpoint accepted a WebSocket upgrade: relays its 101 answer, then turns both connections into a
     * byte tunnel (HTTP codecs removed) with the route's WebSocket idle timeout. The upstream connection is
     * never pooled again; a table swap does not touch the tunnel.
     */
    private void startTunnel(UpstreamConnection c, HttpResponse resp) {
        tunneling = true;
        responseStarted = true;
        status = 101;
        HttpHeaders h = resp.headers();
        HopByHop.strip(h);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        ctx.writeAndFlush(resp, ctx.voidPromise());
        route.meters().record(101, System.nanoTime() - startNanos);
        long idleMillis = route.limits().webSocketIdleMillis();
        ChannelPipeline p = ctx.pipeline();
        if (p.get("idle") != null) {
            p.replace("idle", "idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        if (p.get("head-timeout") != null) {
            p.remove("head-timeout"); // a tunnel has no request heads
            headTimeout = null;
        }
        // removing the codecs hands any bytes they still hold to the tunnel
        p.remove("http");
        c.channel().pipeline().remove("http");
        updateReading();
    }

    private void relayToUpstream(Object msg) {
        UpstreamConnection u = upstream;
        if (u == null || !(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        u.channel().write(msg, u.channel().voidPromise());
        wroteUpstream = true;
        if (!u.channel().isWritable()) {
            updateReading();
        }
    }

    private boolean dispatching;

    private void finishIfDone() {
        if (!requestDone || !responseDone) {
            return;
        }
        inFlight = false;
        if (headTimeout != null) {
            headTimeout.exchangeEnded();
        }
        endRequestAccounting();
        request = null;
        filterContext = null;
        route = null;
        cluster = null;
        endpoint = null;
        if (!keepAlive) {
            closed = true;
            releaseQueued();
            return;
        }
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            Object next;
            while (!inFlight && (next = pipelined.poll()) != null) {
                dispatch(next);
                // the rest of its body, if already queued
                while (inFlight && !requestDone && (next = pipelined.peek()) != null
                        && !(next instanceof HttpRequest)) {
                    onRequestContent(pipelined.poll());
                }
            }
        } finally {
            dispatching = false;
        }
        // requests taken from the queue were not read in this pass: nothing else will flush them
        channelReadComplete(ctx);
        updateReading();
    }

    /** Gives back what the request held in its cluster: its place in the budget and any retries taken. */
    private void endRequestAccounting() {
        dropFill();
        awaitingFill = false;
        if (awaitTimer != null) {
            awaitTimer.cancel(false);
            awaitTimer = null;
        }
        endAttempt();
        if (clusterCounted) {
            clusterCounted = false;
            cluster.requestEnded();
        }
        for (; retriesTaken > 0; retriesTaken--) {
            cluster.retryEnded();
        }
    }

    private void updateReading() {
        Channel ch = ctx.channel();
        boolean read = !closed && !connecting
                && pipelined.size() < services.config().maxPipelinedRequests() * 2
                && (upstream == null || upstream.channel().isWritable());
        if (ch.config().isAutoRead() != read) {
            ch.config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamConnection u = upstream;
        if (u != null) {
            u.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (!inFlight || tunneling) {
                ctx.close();
            }
            return;
        }
        if (evt instanceof DrainEvent) {
            if (!inFlight) {
                ctx.close();
            } else {
                keepAlive = false; // the response in flight says Connection: close, then the connection closes
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        generation++;
        if (inFlight) {
            endRequestAccounting();
        }
        if (!http2) {
            services.metrics().connectionClosed();
        }
        stopTimer();
        UpstreamConnection u = upstream;
        upstream = null;
        if (u != null) {
            if (tunneling || inFlight && !responseDone) {
                u.discard();
            } else {
                u.release();
            }
        }
        releasePendingBody();
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void releasePendingBody() {
        if (pendingBody != null) {
            HttpContent c;
            while ((c = pendingBody.poll()) != null) {
                c.release();
            }
        }
    }

    private void releaseQueued() {
        Object m;
        while ((m = pipelined.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    /** Says what the cache did, on every response of a caching route (as nginx's upstream_cache_status). */
    static final AsciiString X_CACHE_STATUS = AsciiString.cached("x-cache-status");
}
