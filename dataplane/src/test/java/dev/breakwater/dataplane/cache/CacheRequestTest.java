package dev.breakwater.dataplane.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.CachePolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's part in a request, with plain calls: no socket, an embedded event loop for the lock wait. */
class CacheRequestTest {

    private final ResponseCache cache = new ResponseCache(CacheConfig.DEFAULTS
            .withClock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)));
    private final CacheFilter filter = new CacheFilter("r", CachePolicy.DEFAULTS, new ProxyMetrics().cache("r"));
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<CachedResponse> refreshed = new ArrayList<>();
    private final CacheRequest.Refresher refresher = (key, stale, settings, fill) -> {
        refreshed.add(stale);
        fill.finish();
    };

    @AfterEach
    void close() {
        assertThat(loop.finishAndReleaseAll()).isFalse();
    }

    private CacheRequest request(HttpMethod method, String... headers) {
        return request(cache, method, headers);
    }

    private CacheRequest request(ResponseCache in, HttpMethod method, String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/page");
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        FilterContext ctx = new FilterContext(req, "http", "a.test", "/page", null, "192.0.2.1", ProxyConfig.defaults());
        return filter.onRequest(ctx, in, "/page", false);
    }

    /** The response of a fetch, as the exchange relays it. */
    private static void respond(CacheRequest r, String cacheControl, String body) {
        HttpHeaders h = new DefaultHttpHeaders().set("cache-control", cacheControl).set("etag", "\"v1\"")
                .set("content-length", body.length());
        r.onResponseHead(200, h);
        assertThat(h.get("x-cache-status")).isIn("MISS", "EXPIRED");
        r.onBody(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.onResponseComplete();
    }

    private static String text(FullHttpResponse answer) {
        try {
            return answer.content().toString(StandardCharsets.UTF_8);
        } finally {
            answer.release();
        }
    }

    @Test
    void anEntryOnDiskIsReadOffTheLoopAndTheRequestGoesOnOnItWithWhatWasRead(@TempDir Path dir) {
        CacheConfig config = cache.config().withDisk(new DiskTierConfig(dir, 1 << 20, 1)); // all to disk
        ResponseCache before = new ResponseCache(config);
        CacheRequest miss = request(before, HttpMethod.GET);
        assertThat(miss.consult(true, loop.eventLoop(), () -> { }, refresher)).isEqualTo(CacheRequest.Outcome.FORWARD);
        respond(miss, "max-age=60", "from disk");
        miss.end();
        before.close(); // the file written

        ResponseCache after = new ResponseCache(config);
        CacheRequest hit = request(after, HttpMethod.GET);
        AtomicInteger resumed = new AtomicInteger();
        assertThat(hit.consult(true, loop.eventLoop(), resumed::incrementAndGet, refresher))
                .isEqualTo(CacheRequest.Outcome.WAIT);
        after.disk().close(); // the read done: what it hands the loop is queued there
        assertThat(resumed).as("never on the disk thread").hasValue(0);
        loop.runPendingTasks();
        assertThat(resumed).hasValue(1);
        assertThat(hit.consult(false, loop.eventLoop(), () -> { }, refresher)).isEqualTo(CacheRequest.Outcome.ANSWER);
        assertThat(text(hit.answer())).isEqualTo("from disk");
        assertThat(after.disk().reads()).isEqualTo(1);
    }

    @Test
    void aMissIsFetchedAndStoredThenAnsweredFromTheCache() {
        CacheRequest first = request(HttpMethod.GET);
        assertThat(first.consult(true, loop.eventLoop(), () -> { }, refresher)).isEqualTo(CacheRequest.Outcome.FORWARD);
        assertThat(first.filling()).isFalse();
        respond(first, "max-age=60", "hello");

        CacheRequest second = request(HttpMethod.GET);
        assertThat(second.consult(true, loop.eventLoop(), () -> { }, refresher)).isEqualTo(CacheRequest.Outcome.ANSWER);
        FullHttpResponse answer = second.answer();
        assertThat(answer.headers().get("x-cache-status")).isEqualTo("HIT");
        assertThat(text(answer)).isEqualTo("hello");
    }

    @Test
    void theClientsOwnValidatorsGetA304() {
        CacheRequest first = request(HttpMethod.GET);
        first.consult(true, loop.eventLoop(), () -> { }, refresher);
        respond(first, "max-age=60", "hello");
        CacheRequest conditional = request(HttpMethod.GET, "if-none-match", "\"v1\"");
        assertThat(conditional.consult(true, loop.eventLoop(), () -> { }, refresher))
                .isEqualTo(CacheRequest.Outcome.ANSWER);
        FullHttpResponse answer = conditional.answer();
        assertThat(answer.status().code()).isEqualTo(304);
        assertThat(text(answer)).isEmpty();
    }

    @Test
    void aSecondMissWaitsForTheFirstFetchAndThenFindsItsResponse() {
        CacheRequest first = request(HttpMethod.GET);
        first.consult(true, loop.eventLoop(), () -> { }, refresher);
        CacheRequest second = request(HttpMethod.GET);
        AtomicInteger resumed = new AtomicInteger();
        assertThat(second.consult(true, loop.eventLoop(), resumed::incrementAndGet, refresher))
                .isEqualTo(CacheRequest.Outcome.WAIT);
        respond(first, "max-age=60", "hello");
        loop.runPendingTasks();
        assertThat(resumed).hasValue(1);
        assertThat(second.consult(false, loop.eventLoop(), () -> { }, refresher))
                .isEqualTo(CacheRequest.Outcome.ANSWER);
        text(second.answer());
        second.end();
    }

    @Test
    void onlyIfCachedIsNotCachedWhenAbsent() {
        CacheRequest r = request(HttpMethod.GET, "cache-control", "only-if-cached");
        assertThat(r.consult(true, loop.eventLoop(), () -> { }, refresher)).isEqualTo(CacheRequest.Outcome.NOT_CACHED);
    }

    @Test
    void aStaleEntryIsRevalidatedAndServedOnErrorWithinItsWindow() {
        CacheRequest first = request(HttpMethod.GET);
        first.consult(true, loop.eventLoop(), () -> { }, refresher);
        respond(first, "max-age=0, stale-if-error=60", "old");

        CacheRequest again = request(HttpMethod.GET);
        assertThat(again.consult(true, loop.eventLoop(), () -> { }, refresher)).isEqualTo(CacheRequest.Outcome.FORWARD);
        assertThat(again.revalidating()).isTrue();
        assertThat(again.staleOnError()).isTrue();
        FullHttpResponse answer = again.answer();
        assertThat(answer.headers().get("x-cache-status")).isEqualTo("STALE");
        assertThat(text(answer)).isEqualTo("old");
        again.end();
        assertThat(refreshed).isEmpty();
    }

    @Test
    void anUnsafeRequestInvalidatesTheStoredResponseUnlessItFails() {
        CacheRequest first = request(HttpMethod.GET);
        first.consult(true, loop.eventLoop(), () -> { }, refresher);
        respond(first, "max-age=60", "hello");

        CacheRequest failedPost = request(HttpMethod.POST);
        assertThat(failedPost.consult(true, loop.eventLoop(), () -> { }, refresher))
                .isEqualTo(CacheRequest.Outcome.FORWARD);
        failedPost.onResponseHead(500, new DefaultHttpHeaders());
        assertThat(request(HttpMethod.GET).consult(true, loop.eventLoop(), () -> { }, refresher))
                .isEqualTo(CacheRequest.Outcome.ANSWER);

        CacheRequest post = request(HttpMethod.POST);
        post.onResponseHead(201, new DefaultHttpHeaders());
        assertThat(request(HttpMethod.GET).consult(true, loop.eventLoop(), () -> { }, refresher))
                .isEqualTo(CacheRequest.Outcome.FORWARD);
        assertThat(request(HttpMethod.OPTIONS)).as("safe and not cached").isNull();
    }
}
