package dev.breakwater.dataplane.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.RateLimit;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets and their store, on a clock the tests move (no timing). */
class RateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final HttpHeaders NONE = new DefaultHttpHeaders();

    /** Starts at an arbitrary, negative time: only differences of nanoTime mean anything. */
    private final AtomicLong clock = new AtomicLong(-123_456_789_000L);
    private final RateLimiters limiters = new RateLimiters(1000, clock::get, Runnable::run);

    private RateLimiter limiter(long requests, long perMillis, long burst, RateLimit.Key key) {
        RateLimiters.Generation g = limiters.next();
        RateLimiter l = g.limiter("r", new RateLimit(requests, perMillis, burst, key));
        g.commit();
        return l;
    }

    private static int passing(RateLimiter l, String address, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            if (l.acquire(NONE, address) == 0) {
                passed++;
            }
        }
        return passed;
    }

    private void advance(long nanos) {
        clock.addAndGet(nanos);
    }

    @Test
    void aFullBucketGivesItsBurstThenRefillsContinuouslyAtTheRate() {
        RateLimiter l = limiter(10, 1000, 10, null); // 10 per second: a token every 100 ms

        assertThat(passing(l, "10.0.0.1", 10)).isEqualTo(10);
        assertThat(l.acquire(NONE, "10.0.0.1")).isEqualTo(SECOND / 10);

        advance(SECOND / 20); // half a token
        assertThat(l.acquire(NONE, "10.0.0.1")).isEqualTo(SECOND / 20);
        advance(SECOND / 20); // a whole one
        assertThat(l.acquire(NONE, "10.0.0.1")).isZero();
        assertThat(l.acquire(NONE, "10.0.0.1")).isEqualTo(SECOND / 10);

        advance(SECOND * 3 / 10 + 1); // three tokens and a bit
        assertThat(passing(l, "10.0.0.1", 10)).isEqualTo(3);

        advance(TimeUnit.HOURS.toNanos(1)); // refilled, but never beyond the burst
        assertThat(passing(l, "10.0.0.1", 100)).isEqualTo(10);
    }

    @Test
    void theBurstIsTheBucketsCapacityWhateverTheRate() {
        RateLimiter l = limiter(1, 60_000, 3, null); // 1 per minute, 3 at once

        assertThat(passing(l, "10.0.0.1", 10)).isEqualTo(3);
        long wait = l.acquire(NONE, "10.0.0.1");
        assertThat(wait).isEqualTo(TimeUnit.MINUTES.toNanos(1));
        assertThat(RateLimiter.retryAfterSeconds(wait)).isEqualTo(60);

        advance(TimeUnit.SECONDS.toNanos(59));
        assertThat(RateLimiter.retryAfterSeconds(l.acquire(NONE, "10.0.0.1"))).isEqualTo(1);
        advance(TimeUnit.SECONDS.toNanos(1));
        assertThat(passing(l, "10.0.0.1", 10)).isEqualTo(1);

        RateLimiter wide = limiter(100, 1000, 1, null); // 100 per second, one at a time
        assertThat(passing(wide, "10.0.0.1", 5)).isEqualTo(1);
        advance(SECOND / 100);
        assertThat(passing(wide, "10.0.0.1", 5)).isEqualTo(1);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(RateLimiter.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(SECOND)).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(SECOND + 1)).isEqualTo(2);
        assertThat(RateLimiter.retryAfterSeconds(TimeUnit.MINUTES.toNanos(12))).isEqualTo(720);
    }

    @Test
    void eachKeyHasItsOwnBucketAndTheRouteKeyOneForAll() {
        RateLimiter byAddress = limiter(1, 3_600_000, 2, RateLimit.Key.SOURCE_IP);
        assertThat(passing(byAddress, "10.0.0.1", 5)).isEqualTo(2);
        assertThat(passing(byAddress, "10.0.0.2", 5)).isEqualTo(2);
        assertThat(passing(byAddress, "2001:db8::1", 5)).isEqualTo(2);

        RateLimiter byHeader = limiter(1, 3_600_000, 2, RateLimit.Key.header("X-Api-Key"));
        HttpHeaders alice = new DefaultHttpHeaders().set("x-api-key", "alice");
        HttpHeaders bob = new DefaultHttpHeaders().set("X-API-KEY", "bob");
        HttpHeaders addressLike = new DefaultHttpHeaders().set("X-Api-Key", "10.0.0.1");
        assertThat(byHeader.acquire(alice, "10.0.0.1")).isZero();
        assertThat(byHeader.acquire(alice, "10.0.0.2")).isZero();
        assertThat(byHeader.acquire(alice, "10.0.0.3")).isPositive(); // the key, not the address, counts
        assertThat(byHeader.acquire(bob, "10.0.0.1")).isZero();
        // without the header a request is keyed by its address, apart from header values equal to it
        assertThat(passing(byHeader, "10.0.0.1", 5)).isEqualTo(2);
        assertThat(byHeader.acquire(addressLike, "10.0.0.9")).isZero();

        // long values are keyed by their digest: equal values share, different ones do not
        String longKey = "k".repeat(10_000);
        assertThat(byHeader.acquire(new DefaultHttpHeaders().set("x-api-key", longKey), "10.0.0.1")).isZero();
        assertThat(byHeader.acquire(new DefaultHttpHeaders().set("x-api-key", longKey), "10.0.0.2")).isZero();
        assertThat(byHeader.acquire(new DefaultHttpHeaders().set("x-api-key", longKey), "10.0.0.3")).isPositive();
        assertThat(byHeader.acquire(new DefaultHttpHeaders().set("x-api-key", longKey + "!"), "10.0.0.3")).isZero();

        RateLimiter whole = limiter(1, 3_600_000, 3, RateLimit.Key.ROUTE);
        assertThat(passing(whole, "10.0.0.1", 2) + passing(whole, "10.0.0.2", 2)).isEqualTo(3);
        assertThat(whole.acquire(alice, "10.0.0.3")).isPositive();
    }

    @Test
    void twoThreadsOnOneBucketGetExactlyItsTokens() throws Exception {
        // a frozen clock: exactly the burst passes, however the two threads interleave
        RateLimiter l = limiter(1, 3_600_000, 50_000, null);
        int[] passed = new int[2];
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int me = t;
            threads[t] = new Thread(() -> passed[me] = passing(l, "10.0.0.1", 100_000));
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(passed[0] + passed[1]).isEqualTo(50_000);
    }

    @Test
    void twoThreadsAcrossRefillsGetExactlyTheTokensAdded() throws Exception {
        // rounds: the clock moves by 37 tokens' worth, then both threads race for them on one bucket
        RateLimiter l = limiter(1000, 1000, 500, null); // a token per millisecond
        int rounds = 200;
        long[] passed = new long[2];
        CyclicBarrier start = new CyclicBarrier(3);
        CyclicBarrier done = new CyclicBarrier(3);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int me = t;
            Thread thread = new Thread(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        start.await();
                        passed[me] += passing(l, "10.0.0.1", 100);
                        done.await();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (int r = 0; r < rounds; r++) {
            start.await();
            done.await();
            advance(37 * TimeUnit.MILLISECONDS.toNanos(1));
        }
        for (Thread t : threads) {
            t.join();
        }
        // the first round gets the full bucket (500, of which 200 taken by 2 x 100 tries; the rest stays), every
        // round after it 37 more: what was there is exactly what passed
        long offered = 500 + 37L * (rounds - 1);
        long tries = 2L * 100 * rounds;
        assertThat(passed[0] + passed[1]).isEqualTo(Math.min(offered, tries));
    }

    @Test
    void aFloodOfDistinctKeysStaysWithinTheBoundAndIdleBucketsExpireOnceFull() {
        RateLimiter l = limiter(1, 1000, 5, null); // fills from empty in 5 s
        for (int i = 0; i < 100_000; i++) {
            l.acquire(NONE, "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
            if (i % 10_000 == 0) {
                limiters.cleanUp();
                assertThat(limiters.keys()).isLessThanOrEqualTo(1000);
            }
        }
        limiters.cleanUp();
        assertThat(limiters.keys()).isLessThanOrEqualTo(1000).isPositive();

        // the bucket of a client that has just been limited is kept while it is not full again
        passing(l, "192.0.2.1", 10);
        advance(TimeUnit.SECONDS.toNanos(4));
        limiters.cleanUp();
        assertThat(passing(l, "192.0.2.1", 10)).isEqualTo(4); // 4 s gave 4 tokens: not a new bucket of 5

        advance(TimeUnit.SECONDS.toNanos(5) + 1); // past the fill time of every bucket
        limiters.cleanUp();
        assertThat(limiters.keys()).isZero();
    }

    @Test
    void aTableSwapKeepsTheBucketsOfUnchangedLimits() {
        RateLimit same = new RateLimit(1, 3_600_000, 2, null);
        RateLimit zoned = new RateLimit(1, 3_600_000, 2, null, null, "Ingress/default/web");
        RateLimiters.Generation first = limiters.next();
        RateLimiter a = first.limiter("a", same);
        RateLimiter b = first.limiter("b", same);
        RateLimiter z1 = first.limiter("web-1", zoned);
        RateLimiter z2 = first.limiter("web-2", zoned.withExempt(List.of("10.0.0.0/8")));
        first.commit();
        assertThat(a).isNotSameAs(b); // no zone: each route has its own buckets
        assertThat(z1).isSameAs(z2); // one zone: one set of buckets (exemptions do not shape buckets)
        passing(a, "10.0.0.1", 5);
        passing(z1, "10.0.0.1", 5);
        passing(b, "10.0.0.1", 5);
        long held = limiters.keys();

        RateLimiters.Generation second = limiters.next();
        RateLimiter a2 = second.limiter("a", same);
        RateLimiter b2 = second.limiter("b", new RateLimit(1, 3_600_000, 3, null)); // changed: new buckets
        RateLimiter z3 = second.limiter("web-3", zoned);
        second.commit();

        assertThat(a2).isSameAs(a);
        assertThat(z3).isSameAs(z1);
        assertThat(a2.acquire(NONE, "10.0.0.1")).isPositive(); // still empty
        assertThat(z3.acquire(NONE, "10.0.0.1")).isPositive();
        assertThat(b2).isNotSameAs(b);
        assertThat(passing(b2, "10.0.0.1", 5)).isEqualTo(3);
        // the old limiter's bucket was dropped at the commit
        assertThat(held).isEqualTo(3);
        assertThat(limiters.keys()).isEqualTo(3);
    }
}
