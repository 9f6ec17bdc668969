package dev.breakwater.dataplane.cache;

import dev.breakwater.dataplane.metrics.CacheMeters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's part in one request of a caching route: the lookup (fresh, stale within stale-while-revalidate, or
 * not there), the wait for another request's fetch of the same key, the revalidation of a stale entry with its
 * validators, the fill of the cache from the response, stale-if-error, and the invalidation by an unsafe request.
 * Made for one request and dropped with it; runs on the request's event loop. The answer from a stored response is
 * made by {@link CachedAnswer}, the copy of a response being stored is a {@link ResponseCopy}.
 */
public final class CacheRequest {

    private static final Logger LOG = LoggerFactory.getLogger(CacheRequest.class);
    /** Says what the cache did, on every response of a caching route (as nginx's upstream_cache_status). */
    public static final AsciiString X_CACHE_STATUS = AsciiString.cached("x-cache-status");

    /** What {@link #consult} decided. */
    public enum Outcome {
        /** Answered from the cache: send {@link #answer()}. */
        ANSWER,
        /**
         * Waiting for another request's fetch of the key, or for the disk tier's read of it: the {@code resume} given
         * to consult runs (on the request's event loop) when it ends; consult again then.
         */
        WAIT,
        /** Not in the cache and the request said only-if-cached: 504. */
        NOT_CACHED,
        /** Forward the request (perhaps revalidating, perhaps filling the cache). */
        FORWARD
    }

    /** Starts a stale-while-revalidate refresh of a stored response; it must finish {@code fill} whatever happens. */
    public interface Refresher {
        void refresh(CacheKey key, CachedResponse stale, CacheSettings settings, ResponseCache.Fill fill);
    }

    private final CacheFilter filter;
    private final ResponseCache cache;
    private final CacheSettings settings;
    private final HttpRequest request;
    private final CacheKey key;
    private final CacheControl requestCc;
    /** An unsafe request on a caching route: a non-error answer invalidates the stored GET (RFC 9111 4.4). */
    private final CacheKey invalidates;

    /** A stored response that is not fresh: revalidated, or served if the origin fails (stale-if-error). */
    private CachedResponse entry;
    private boolean revalidating;
    private ResponseCache.Fill fill;
    /** The response being stored, while it is. */
    private ResponseCopy copy;
    private boolean awaiting;
    private ScheduledFuture<?> awaitTimer;
    private long fetchStartMillis;
    private String cacheStatus;
    private CachedResponse answerEntry;
    private String answerHow;
    /** A GET with Range forwarded: its 206 (or 200) may be stored, the parts combined (RFC 9111 3.3, 3.4). */
    private boolean rangeFetch;
    /** The disk tier was asked (its answer in {@link #diskEntry}); while {@link #diskWaiting}, it is being read. */
    private boolean diskAsked;
    private boolean diskWaiting;
    private CachedResponse diskEntry;

    CacheRequest(CacheFilter filter, ResponseCache cache, CacheSettings settings, HttpRequest request, CacheKey key,
                 CacheControl requestCc, CacheKey invalidates) {
        this.filter = filter;
        this.cache = cache;
        this.settings = settings;
        this.request = request;
        this.key = key;
        this.requestCc = requestCc;
        this.invalidates = invalidates;
    }

    /**
     * Answers the request from the cache when it can (fresh, or stale within stale-while-revalidate, refreshed then by
     * {@code refresher}), else prepares the fetch: joins another request's fetch of the same key (when
     * {@code mayWait}; {@code resume} runs on {@code loop} once it ends or the lock wait is over), or becomes the
     * fetch that fills the cache, revalidating a stale entry with its validators.
     */
    public Outcome consult(boolean mayWait, EventExecutor loop, Runnable resume, Refresher refresher) {
        if (key == null) {
            return Outcome.FORWARD; // only invalidates
        }
        CacheMeters meters = filter.meters();
        HttpHeaders headers = request.headers();
        long now = cache.now();
        CachedResponse e = cache.lookup(key, headers);
        if (e == null && cache.disk() != null && !requestCc.has("no-cache")) {
            if (diskAsked) {
                e = ResponseCache.usable(diskEntry, headers);
                diskEntry = null;
            } else {
                DiskTier.Indexed ix = cache.disk().find(key, headers);
                CachedResponse pending = ix == null ? null : ix.pending();
                if (pending != null) {
                    e = ResponseCache.usable(pending, headers); // its file is being written
                } else if (ix != null) {
                    // read on the disk thread; the request goes on on its event loop with what was read
                    diskAsked = true;
                    diskWaiting = true;
                    cache.disk().read(ix, r -> loop.execute(() -> diskRead(r, resume)));
                    return Outcome.WAIT;
                }
            }
        }
        if (e != null && e.partial() != null) {
            // parts of 206s: they answer a Range they hold, while fresh; else the request goes to the origin
            if (!requestCc.has("no-cache") && request.method().equals(HttpMethod.GET)
                    && ByteRanges.answerable(e, headers) && e.freshFor(requestCc, now)) {
                meters.hit();
                return answerWith(e, "HIT");
            }
            e = null;
        }
        if (e != null && !requestCc.has("no-cache")) {
            if (e.freshFor(requestCc, now)) {
                meters.hit();
                return answerWith(e, "HIT");
            }
            if (e.withinStaleWhileRevalidate(now)) {
                meters.stale();
                ResponseCache.Fill f = cache.joinOrStart(key, null);
                if (f != null) {
                    refresher.refresh(key, e, settings, f); // else another request is fetching it already
                }
                return answerWith(e, "UPDATING");
            }
        }
        if (requestCc.has("only-if-cached")) {
            return Outcome.NOT_CACHED;
        }
        entry = e;
        if (!request.method().equals(HttpMethod.HEAD) && !headers.contains(HttpHeaderNames.RANGE)) {
            if (mayWait) {
                fill = cache.joinOrStart(key, () -> loop.execute(() -> fillEnded(resume)));
                if (fill == null) {
                    awaiting = true;
                    meters.coalesced();
                    awaitTimer = loop.schedule(() -> fillEnded(resume), cache.config().lockTimeout().toMillis(),
                            TimeUnit.MILLISECONDS);
                    return Outcome.WAIT;
                }
            } else {
                fill = cache.joinOrStart(key, null);
            }
            if (e != null && e.hasValidators() && !headers.contains(HttpHeaderNames.IF_NONE_MATCH)
                    && !headers.contains(HttpHeaderNames.IF_MODIFIED_SINCE)) {
                Conditionals.askWithValidators(headers, e);
                revalidating = true;
            }
        } else if (request.method().equals(HttpMethod.GET)) {
            rangeFetch = true;
        }
        meters.miss();
        cacheStatus = e == null ? "MISS" : "EXPIRED";
        fetchStartMillis = now;
        return Outcome.FORWARD;
    }

    private Outcome answerWith(CachedResponse e, String how) {
        answerEntry = e;
        answerHow = how;
        return Outcome.ANSWER;
    }

    /** The disk tier's read ended (on the request's event loop): the request goes on with it, unless it ended. */
    private void diskRead(CachedResponse read, Runnable resume) {
        if (!diskWaiting) {
            return;
        }
        diskWaiting = false;
        diskEntry = read;
        resume.run();
    }

    /** The fetch this request waited for ended (or the wait timed out): the request goes on, once. */
    private void fillEnded(Runnable resume) {
        if (!awaiting) {
            return;
        }
        awaiting = false;
        if (awaitTimer != null) {
            awaitTimer.cancel(false);
            awaitTimer = null;
        }
        resume.run();
    }

    /** True while this request revalidates a stored response (its 304 refreshes the entry). */
    public boolean revalidating() {
        return revalidating;
    }

    /** What the cache did with the request (the X-Cache-Status it sent: HIT, MISS, STALE ...), or null. */
    public String status() {
        return answerHow != null ? answerHow : cacheStatus;
    }

    /**
     * The stored response to answer with (after {@link Outcome#ANSWER}, a revalidation or {@link #staleOnError()}):
     * 304 when the client's own validators match, the body left out for {@code HEAD}. The route's response filters
     * have not run on it.
     */
    public FullHttpResponse answer() {
        return CachedAnswer.full(answerEntry, answerHow, revalidating, request, cache.now());
    }

    /**
     * True when {@link #answer()} would be the stored response as it is, with only its age and cache status added:
     * not a 304 to a conditional request, not a part of it for a {@code Range}, not for {@code HEAD}; a complete
     * response framed by its {@code Content-Length}. Then {@link #answerEncoded} gives the same answer in wire bytes.
     */
    public boolean answersAsStored() {
        return CachedAnswer.asStored(answerEntry, revalidating, request);
    }

    /** The status of {@link #answerEncoded}'s response. */
    public int answerStatus() {
        return answerEntry.status();
    }

    /** The size of {@link #answerEncoded}'s body. */
    public int answerBodyLength() {
        return answerEntry.body().length;
    }

    /**
     * {@link #answer()} as HTTP/1.1 wire bytes, when {@link #answersAsStored()}: the stored head encoded once, this
     * answer's {@code Age} and {@code X-Cache-Status} (and {@code Connection: close} when {@code close}), the body.
     */
    public ByteBuf answerEncoded(ByteBufAllocator alloc, boolean close) {
        return CachedAnswer.encoded(answerEntry, answerHow, cache.now(), alloc, close);
    }

    /**
     * The origin failed (a 5xx, or no answer): true when the stale entry is to be served instead ({@link #answer()}),
     * as its stale-if-error window allows.
     */
    public boolean staleOnError() {
        CachedResponse e = entry;
        if (e == null || !e.withinStaleIfError(cache.now())) {
            return false;
        }
        entry = null;
        filter.meters().stale();
        answerWith(e, "STALE");
        return true;
    }

    /**
     * The origin answered the revalidation with 304 (its header fields, hop-by-hop ones stripped): the stored
     * response is current again, and is what {@link #answer()} gives.
     */
    public void revalidated(HttpHeaders notModified) {
        CachedResponse refreshed = entry.refreshedBy(notModified, fetchStartMillis, cache.now(), settings);
        cache.store(key, request.headers(), refreshed);
        filter.meters().revalidated();
        entry = refreshed;
        endFill();
        answerWith(refreshed, "REVALIDATED");
    }

    /**
     * The head of the response on its way to the client: starts storing it when it may be stored, invalidates for an
     * unsafe request, says what the cache did.
     */
    public void onResponseHead(int status, HttpHeaders headers) {
        if (fill != null || rangeFetch && (status == 200 || status == 206)) {
            beginFill(status, headers);
        }
        if (settings != null && settings.targeted()) {
            headers.remove(Freshness.OWN_CACHE_CONTROL); // meant for this cache only (RFC 9213)
        }
        if (invalidates != null && status < 400) {
            cache.invalidate(invalidates);
        }
        if (cacheStatus != null) {
            headers.set(X_CACHE_STATUS, cacheStatus);
        }
    }

    private void beginFill(int status, HttpHeaders headers) {
        Storability.Verdict verdict = Storability.checkFor(request, requestCc, status, headers, settings, cache.now());
        if (!verdict.storable()) {
            LOG.debug("not storing {}: {}", key.url(), verdict.whyNot());
            endFill();
            return;
        }
        copy = new ResponseCopy(status, new DefaultHttpHeaders().add(headers), verdict.lifetime(),
                settings.maxObjectBytes(), cache);
    }

    /** True while the response is being stored. */
    public boolean filling() {
        return copy != null;
    }

    /** A part of the body as the client gets it (the caller keeps the buffer): stored, while it fits. */
    public void onBody(ByteBuf part) {
        if (copy != null && !copy.append(part)) {
            // larger than the route stores (or the cache's budget for bodies in flight): passed on, not stored
            endFill();
        }
    }

    /** The whole response went to the client: stores it, when it was being stored. */
    public void onResponseComplete() {
        ResponseCopy c = copy;
        if (c != null) {
            byte[] body = c.toArray();
            c.release();
            copy = null;
            CachedResponse stored = c.entry(body, key, request.headers(), fetchStartMillis, settings);
            if (stored != null) {
                cache.store(key, request.headers(), stored);
                filter.meters().stored(body.length);
            }
        }
        endFill();
    }

    /**
     * Ends this request's part in filling the cache (stored or not) and wakes the requests waiting for it;
     * idempotent. A response abandoned half-way stores nothing.
     */
    public void endFill() {
        if (copy != null) {
            copy.release();
            copy = null;
        }
        ResponseCache.Fill f = fill;
        if (f != null) {
            fill = null;
            f.finish();
        }
    }

    /** The request is over: nothing more is stored, and it waits for nothing. */
    public void end() {
        endFill();
        awaiting = false;
        diskWaiting = false;
        if (awaitTimer != null) {
            awaitTimer.cancel(false);
            awaitTimer = null;
        }
    }
}
