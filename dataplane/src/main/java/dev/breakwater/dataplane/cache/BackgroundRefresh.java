package dev.breakwater.dataplane.cache;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.request.HopByHop;
import dev.breakwater.dataplane.metrics.CacheMeters;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stale-while-revalidate refresh: fetches a stored response again, with its validators, on a pooled
 * connection of the event loop of the request that found it stale, and stores what comes back (a 304
 * refreshes the entry). No client waits for it. Bounded by the route's connect and response timeouts.
 */
public final class BackgroundRefresh implements UpstreamConnection.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRefresh.class);

    private final UpstreamPool pool;
    private final UpstreamEndpoint endpoint;
    private final HttpRequest request;
    private final ResponseCache cache;
    private final ResponseCache.Fill fill;
    private final CacheKey key;
    private final CachedResponse stale;
    private final CacheSettings settings;
    private final CacheMeters meters;
    private final Encoding encoding;
    private final int connectTimeoutMillis;
    private final long responseTimeoutNanos;
    private final long startMillis;

    private UpstreamConnection upstream;
    private ScheduledFuture<?> timer;
    private boolean done;
    private boolean keepAlive;
    private int status;
    private ResponseCopy body;

    public BackgroundRefresh(UpstreamPool pool, UpstreamEndpoint endpoint, HttpRequest request, ResponseCache cache,
                      ResponseCache.Fill fill, CacheKey key, CachedResponse stale, CacheSettings settings,
                      CacheMeters meters, Encoding encoding, int connectTimeoutMillis,
                      long responseTimeoutNanos) {
        this.pool = pool;
        this.endpoint = endpoint;
        this.request = request;
        this.cache = cache;
        this.fill = fill;
        this.key = key;
        this.stale = stale;
        this.settings = settings;
        this.meters = meters;
        this.encoding = encoding;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.responseTimeoutNanos = responseTimeoutNanos;
        this.startMillis = cache.now();
    }

    /**
     * How a refreshed body is stored: as the client that found the entry stale would get it (the route's
     * compression, for that client's {@code Accept-Encoding}), which may rewrite the header fields.
     */
    public interface Encoding {
        Encoding IDENTITY = (status, headers, body) -> body;

        byte[] encode(int status, HttpHeaders headers, byte[] body);
    }

    /**
     * The request of a refresh: a GET of {@code original}'s target with its header fields but the conditional and
     * range ones, which ask for the stored response's validators instead.
     */
    public static HttpRequest requestFor(HttpRequest original, CachedResponse stale) {
        HttpHeaders copy = new DefaultHttpHeaders().add(original.headers());
        for (CharSequence conditional : CONDITIONAL_HEADERS) {
            copy.remove(conditional);
        }
        Conditionals.askWithValidators(copy, stale);
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, original.uri(), Unpooled.EMPTY_BUFFER,
                copy, EmptyHttpHeaders.INSTANCE);
    }

    private static final CharSequence[] CONDITIONAL_HEADERS = {HttpHeaderNames.IF_NONE_MATCH,
        HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.IF_MATCH, HttpHeaderNames.IF_UNMODIFIED_SINCE,
        HttpHeaderNames.IF_RANGE, HttpHeaderNames.RANGE};

    public void start() {
        endpoint.state().requestStarted();
        UpstreamConnection c = pool.poll(endpoint.key());
        if (c != null) {
            send(c);
            return;
        }
        Future<UpstreamConnection> f = pool.connect(endpoint, connectTimeoutMillis);
        f.addListener(ignored -> {
            if (f.isSuccess()) {
                send(f.getNow());
            } else {
                LOG.debug("refresh of {}: connect to {} failed: {}", key.url(), endpoint, f.cause().toString());
                finish(false);
            }
        });
    }

    private void send(UpstreamConnection c) {
        upstream = c;
        c.attach(this);
        c.channel().writeAndFlush(request, c.channel().voidPromise());
        timer = c.channel().eventLoop().schedule(() -> {
            LOG.debug("refresh of {}: no answer in time", key.url());
            finish(false);
        }, responseTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void upstreamRead(UpstreamConnection c, Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse resp) {
                if (!resp.decoderResult().isSuccess()) {
                    finish(false);
                    return;
                }
                status = resp.status().code();
                if (status < 200) {
                    status = 0; // interim; the real head follows
                    return;
                }
                keepAlive = HttpUtil.isKeepAlive(resp);
                HttpHeaders h = new DefaultHttpHeaders().add(resp.headers());
                HopByHop.strip(h);
                for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                    h.remove(n.text());
                }
                if (status == 304) {
                    cache.store(key, request.headers(), stale.refreshedBy(h, startMillis, cache.now(), settings));
                    meters.revalidated();
                } else if (status != 206) { // it asked for the whole response: a part is not one to store
                    Storability.Verdict verdict = Storability.check("GET", CacheControl.NONE, false, status, h,
                            settings, cache.now());
                    if (verdict.storable()) {
                        body = new ResponseCopy(status, h, verdict.lifetime(), settings.maxObjectBytes(), cache);
                    }
                }
            }
            if (msg instanceof HttpContent content && status != 0) {
                if (body != null && !body.append(content.content())) {
                    body = null;
                }
                if (content instanceof LastHttpContent) {
                    if (body != null) {
                        storeRefreshed();
                    }
                    finish(keepAlive);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void storeRefreshed() {
        ResponseCopy copy = body;
        byte[] bytes = copy.toArray();
        copy.release();
        body = null;
        bytes = encoding.encode(status, copy.headers(), bytes);
        cache.store(key, request.headers(), CachedResponse.store(status, copy.headers(), bytes, startMillis,
                cache.now(), settings, copy.lifetime()));
        meters.stored(bytes.length);
    }

    @Override
    public void upstreamReadComplete(UpstreamConnection c) {
    }

    @Override
    public void upstreamWritabilityChanged(UpstreamConnection c) {
    }

    @Override
    public void upstreamClosed(UpstreamConnection c) {
        upstream = null;
        finish(false);
    }

    private void finish(boolean reuse) {
        if (done) {
            return;
        }
        done = true;
        if (body != null) {
            body.release();
            body = null;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        endpoint.state().requestEnded();
        UpstreamConnection u = upstream;
        upstream = null;
        if (u != null) {
            if (reuse) {
                u.release();
            } else {
                u.discard();
            }
        }
        fill.finish();
    }
}
