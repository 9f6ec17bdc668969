package dev.breakwater.dataplane.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.breakwater.routing.RateLimit;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongSupplier;

/**
 * Every rate limiter of the data plane and the one store of their buckets.
 *
 * <p><b>The store is bounded.</b> Buckets live in a Caffeine cache of at most {@code maxKeys} entries (a few hundred
 * bytes each; see docs/rate-limits.md), whatever clients send: a flood of distinct keys (addresses, header values) evicts
 * buckets instead of growing the heap. Caffeine's admission policy (W-TinyLFU) keeps the keys seen often, so a flood
 * of keys seen once mostly evicts its own. A bucket also expires once unused for the time it takes to fill from
 * empty: by then it is full, so forgetting it changes no answer. An evicted bucket that was not full is the one
 * inexactness: its client starts again with a full bucket.
 *
 * <p><b>No lock on the request path.</b> A request reads its bucket from the cache (lock-free), or adds a new one,
 * then takes a token with one compare-and-set ({@link TokenBucket}). Caffeine's upkeep (expiry, eviction) runs on
 * {@code executor}, not on the event loops.
 *
 * <p><b>Table swaps.</b> A table is compiled through a {@link Generation}: a limit equal to one of the table being
 * served (same zone or route, rate, burst and key) gets the same {@link RateLimiter}, so its clients keep their
 * buckets; a changed limit starts with full buckets. When the generation is committed, the buckets of limiters no
 * longer used are dropped on {@code executor}.
 */
public final class RateLimiters {

    /** The default bound of the bucket store. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private final Cache<RateLimiter.BucketKey, TokenBucket> buckets;
    private final LongSupplier clock;
    private final Executor executor;
    private final int maxKeys;
    private volatile Map<Id, RateLimiter> limiters = Map.of();

    /** Limiters on the system clock, at most {@code maxKeys} buckets. */
    public RateLimiters(int maxKeys) {
        this(maxKeys, System::nanoTime, ForkJoinPool.commonPool());
    }

    /**
     * @param maxKeys  the most buckets kept (at least 1)
     * @param clock    nanoseconds, as {@link System#nanoTime()}
     * @param executor runs the store's upkeep and the removal of dropped limiters' buckets
     */
    public RateLimiters(int maxKeys, LongSupplier clock, Executor executor) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: >= 1)");
        }
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.executor = executor;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .ticker(clock::getAsLong)
                .executor(executor)
                .expireAfter(new Expiry<RateLimiter.BucketKey, TokenBucket>() {
                    @Override
                    public long expireAfterCreate(RateLimiter.BucketKey key, TokenBucket value, long currentTime) {
                        return key.limiter().fillNanos();
                    }

                    @Override
                    public long expireAfterUpdate(RateLimiter.BucketKey key, TokenBucket value, long currentTime,
                                                  long currentDuration) {
                        return key.limiter().fillNanos();
                    }

                    @Override
                    public long expireAfterRead(RateLimiter.BucketKey key, TokenBucket value, long currentTime,
                                                long currentDuration) {
                        return key.limiter().fillNanos();
                    }
                })
                .build();
    }

    /** The bound of the store. */
    public int maxKeys() {
        return maxKeys;
    }

    /** Buckets held now (an estimate, as Caffeine gives it). */
    public long keys() {
        return buckets.estimatedSize();
    }

    /** Runs the store's pending upkeep now (tests). */
    public void cleanUp() {
        buckets.cleanUp();
    }

    /** A new set of limiters, for the table being compiled; {@link Generation#commit()} once it is served. */
    public Generation next() {
        return new Generation();
    }

    long now() {
        return clock.getAsLong();
    }

    TokenBucket bucket(RateLimiter.BucketKey key, long now) {
        TokenBucket b = buckets.getIfPresent(key);
        return b != null ? b : buckets.get(key, k -> new TokenBucket(now));
    }

    /** What makes two limits share buckets: the zone (or route) and everything that shapes a bucket. */
    private record Id(String zone, String route, long requests, long perMillis, long burst, RateLimit.Key key) {
    }

    /** The limiters of one table being compiled. Not thread-safe: one table is compiled at a time. */
    public final class Generation {
        private final Map<Id, RateLimiter> used = new HashMap<>();

        private Generation() {
        }

        /**
         * The limiter of {@code limit} on route {@code routeName}: the one the served table has for an equal limit in
         * the same zone (or, without a zone, on the same route), else a new one.
         */
        public RateLimiter limiter(String routeName, RateLimit limit) {
            Id id = new Id(limit.zone(), limit.zone() == null ? routeName : null, limit.requests(), limit.perMillis(),
                    limit.burst(), limit.key());
            return used.computeIfAbsent(id, i -> {
                RateLimiter current = limiters.get(i);
                return current != null ? current
                        : new RateLimiter(RateLimiters.this, i.requests(), i.perMillis(), i.burst(), i.key());
            });
        }

        /** This generation is now served: forget the limiters it does not use, and (in the background) their buckets. */
        public void commit() {
            Map<Id, RateLimiter> previous = limiters;
            limiters = Map.copyOf(used);
            Set<RateLimiter> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
            dropped.addAll(previous.values());
            used.values().forEach(dropped::remove);
            if (!dropped.isEmpty()) {
                executor.execute(() -> buckets.asMap().keySet().removeIf(k -> dropped.contains(k.limiter())));
            }
        }
    }
}
