package dev.breakwater.dataplane.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The data plane's shared response cache: every stored response, bounded by bytes (Caffeine, weighed by body
 * and header size, least-recently/frequently used evicted first), with the requests now fetching a key
 * (so that concurrent misses for it make one origin request).
 *
 * <p>Entries are grouped by primary key ({@link CacheKey}); within a key, by the values of the request
 * header fields the response's {@code Vary} names (secondary key). {@code Accept-Encoding} counts by the
 * coding a request would get (br, gzip or identity), not by its exact text.
 *
 * <p>With a {@link DiskTier} (optional), responses weighing more than its threshold are stored there instead of in
 * memory, and what memory evicts for space goes there; a lookup that misses memory may then be answered from disk,
 * read on the disk tier's thread ({@link #disk()}).
 *
 * <p>Thread-safe; called from every event loop, never blocks beyond Caffeine's short per-key locks (and the disk
 * tier's index lock, as short).
 */
public final class ResponseCache {

    private final CacheConfig config;
    private final Cache<CacheKey, Variants> store;
    private final ConcurrentHashMap<CacheKey, Fill> filling = new ConcurrentHashMap<>();
    private final LongAdder evictions = new LongAdder();
    private final java.util.concurrent.atomic.AtomicLong fillingBytes = new java.util.concurrent.atomic.AtomicLong();
    private final DiskTier disk;

    public ResponseCache(CacheConfig config) {
        this(config, route -> { });
    }

    /** @param onEvicted told the route name of every key evicted for space */
    public ResponseCache(CacheConfig config, java.util.function.Consumer<String> onEvicted) {
        this.config = config;
        DiskTier d = config.disk() == null ? null : new DiskTier(config.disk());
        this.disk = d;
        this.store = Caffeine.newBuilder()
                .maximumWeight(config.maxBytes())
                .weigher((CacheKey k, Variants v) -> v.weight)
                .removalListener((CacheKey k, Variants v, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evictions.increment();
                        if (d != null && k != null && v != null) {
                            v.entries.forEach((secondary, r) -> d.write(k, secondary, r)); // to disk, not lost
                        }
                        if (k != null) {
                            onEvicted.accept(k.route());
                        }
                    }
                })
                .executor(Runnable::run)
                .build();
    }

    public CacheConfig config() {
        return config;
    }

    /** Wall-clock milliseconds, from the configured clock. */
    public long now() {
        return config.clock().millis();
    }

    /** The stored response for this key whose variant matches the request, or null. */
    public CachedResponse lookup(CacheKey key, HttpHeaders request) {
        Variants v = store.getIfPresent(key);
        if (v == null) {
            return null;
        }
        return usable(v.entries.get(secondaryKey(v.vary, request)), request);
    }

    /** The response, or null when it is null or stored in a coding this client cannot read. */
    static CachedResponse usable(CachedResponse r, HttpHeaders request) {
        if (r == null) {
            return null;
        }
        String coding = r.contentEncoding();
        if (coding != null && !ContentCoding.accepts(request.get(HttpHeaderNames.ACCEPT_ENCODING), coding)) {
            return null;
        }
        return r;
    }

    /** The disk tier, or null when there is none. */
    public DiskTier disk() {
        return disk;
    }

    /** Stores a response for the request that fetched it, replacing the variant it matches. */
    public void store(CacheKey key, HttpHeaders request, CachedResponse response) {
        String secondary = secondaryKey(response.vary(), request);
        if (disk != null) {
            if (response.partial() == null && response.weight() > disk.config().thresholdBytes()) {
                // too large for memory: on disk only, the variant it replaces dropped from memory
                store.asMap().computeIfPresent(key, (k, old) -> {
                    if (!old.entries.containsKey(secondary)) {
                        return old;
                    }
                    Map<String, CachedResponse> rest = new HashMap<>(old.entries);
                    rest.remove(secondary);
                    return rest.isEmpty() ? null : new Variants(old.vary, rest);
                });
                disk.write(key, secondary, response);
                return;
            }
            if (disk.holds(key)) {
                disk.remove(key); // what was kept on disk is older than this
            }
        }
        store.asMap().compute(key, (k, old) -> {
            Map<String, CachedResponse> entries = new HashMap<>(4);
            if (old != null && old.vary.equals(response.vary())) {
                entries.putAll(old.entries);
            }
            entries.put(secondary, response);
            return new Variants(response.vary(), entries);
        });
    }

    /** Drops every variant of a key (a response said it must not be reused, or a purge). */
    public void invalidate(CacheKey key) {
        store.invalidate(key);
        if (disk != null) {
            disk.remove(key);
        }
    }

    /**
     * Joins the fetch already in flight for this key, or starts one. Returns the new {@link Fill} when the
     * caller is to fetch (and must {@link Fill#finish()} it whatever happens), or null when it joined another
     * request's fetch: {@code onDone} then runs once that fetch ends (on the fetching request's thread).
     */
    public Fill joinOrStart(CacheKey key, Runnable onDone) {
        for (;;) {
            Fill fresh = new Fill(key);
            Fill existing = filling.putIfAbsent(key, fresh);
            if (existing == null) {
                return fresh;
            }
            if (onDone == null || existing.addWaiter(onDone)) {
                return null;
            }
            filling.remove(key, existing); // finished meanwhile: try again
        }
    }

    /** True when a request is fetching this key now. */
    public boolean fetching(CacheKey key) {
        return filling.containsKey(key);
    }

    /** Removes every entry for this URL (any route), by scheme, host and target. Returns how many keys. */
    public int purgeUrl(String scheme, String host, String target) {
        String h = CacheKey.normaliseHost(scheme, host);
        String t = CacheKey.normaliseTarget(target);
        return purgeWhere(k -> k.scheme().equals(scheme) && k.host().equals(h) && k.target().equals(t));
    }

    /** Removes every entry of a host (either scheme, any route) whose path starts with the prefix. */
    public int purgePrefix(String host, String pathPrefix) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        String p = CacheKey.normaliseTarget(pathPrefix);
        return purgeWhere(k -> (k.host().equals(h) || k.host().equals(CacheKey.normaliseHost(k.scheme(), h)))
                && k.path().startsWith(p));
    }

    private int purgeWhere(java.util.function.Predicate<CacheKey> test) {
        List<CacheKey> matched = new ArrayList<>();
        for (CacheKey k : store.asMap().keySet()) {
            if (test.test(k)) {
                matched.add(k);
            }
        }
        store.invalidateAll(matched);
        if (disk == null) {
            return matched.size();
        }
        java.util.Set<CacheKey> all = new java.util.HashSet<>(matched);
        all.addAll(disk.removeWhere(test));
        return all.size();
    }

    /**
     * Ends the cache: with a disk tier, what memory holds is written there (within its bound) for the next start,
     * and the writes are finished. Called off any event loop.
     */
    public void close() {
        if (disk == null) {
            return;
        }
        store.asMap().forEach((k, v) -> v.entries.forEach((secondary, r) -> disk.write(k, secondary, r)));
        disk.close();
    }

    /**
     * Takes {@code n} bytes from the budget of bodies being copied into the cache now (as large as the cache:
     * many large responses filling at once cannot take more memory than the cache itself; with a disk tier, at
     * least four objects of the largest size stored, since those go to disk). False when the budget is spent: that
     * response is then not stored.
     */
    public boolean reserveFillBytes(long n) {
        long now = fillingBytes.addAndGet(n);
        long budget = disk == null ? config.maxBytes() : Math.max(config.maxBytes(), 4 * config.maxObjectBytes());
        if (now > budget) {
            fillingBytes.addAndGet(-n);
            return false;
        }
        return true;
    }

    public void releaseFillBytes(long n) {
        fillingBytes.addAndGet(-n);
    }

    /** Bytes of bodies being copied into the cache now. */
    public long fillingBytes() {
        return fillingBytes.get();
    }

    /** Bytes counted against the limit now. */
    public long weightedBytes() {
        return store.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** Entries (primary keys) stored now. */
    public long size() {
        return store.estimatedSize();
    }

    /** Primary keys dropped to stay within the byte limit, since start. */
    public long evictions() {
        return evictions.sum();
    }

    /** Runs pending evictions now (for tests and the admin view). */
    public void cleanUp() {
        store.cleanUp();
    }

    /**
     * The variant a request selects: for each field {@code Vary} names, the request's values normalised the ways
     * RFC 9111 4.1 allows without changing their meaning: several lines joined as one list, the whitespace around
     * list members dropped; {@code Accept-Encoding} by the coding the request would get (br, gzip or identity);
     * {@code Accept-Language} as its language ranges in lower case, by preference (q, then order), with q=0 ones
     * and duplicates dropped, so that {@code en-US,de;q=0.5} and {@code de;q=0.5, EN-us} select the same response.
     */
    static String secondaryKey(List<String> vary, HttpHeaders request) {
        if (vary.isEmpty()) {
            return "";
        }
        StringBuilder key = new StringBuilder();
        for (String name : vary) {
            key.append(name).append('=');
            if (name.equals("accept-encoding")) {
                key.append(ContentCoding.preferred(request.get(HttpHeaderNames.ACCEPT_ENCODING)));
            } else if (name.equals("accept-language")) {
                key.append(LanguageRanges.normalise(request.getAll(name)));
            } else {
                boolean first = true;
                for (String value : request.getAll(name)) {
                    for (String member : value.split(",", -1)) {
                        if (!first) {
                            key.append(',');
                        }
                        key.append(member.trim());
                        first = false;
                    }
                }
            }
            key.append('\n');
        }
        return key.toString();
    }

    /** Every variant stored under one primary key; immutable, replaced as a whole. */
    private static final class Variants {
        final List<String> vary;
        final Map<String, CachedResponse> entries;
        final int weight;

        Variants(List<String> vary, Map<String, CachedResponse> entries) {
            this.vary = vary;
            this.entries = Map.copyOf(entries);
            long w = 64;
            for (CachedResponse r : entries.values()) {
                w += r.weight();
            }
            this.weight = (int) Math.min(Integer.MAX_VALUE, w);
        }
    }

    /** One request's fetch of a key, with the requests waiting for it. */
    public final class Fill {
        private final CacheKey key;
        private List<Runnable> waiters;
        private boolean done;

        Fill(CacheKey key) {
            this.key = key;
        }

        synchronized boolean addWaiter(Runnable r) {
            if (done) {
                return false;
            }
            if (waiters == null) {
                waiters = new ArrayList<>(4);
            }
            waiters.add(r);
            return true;
        }

        /** Ends the fetch (stored or not) and wakes every waiting request; idempotent. */
        public void finish() {
            List<Runnable> toRun;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                toRun = waiters;
                waiters = null;
            }
            filling.remove(key, this);
            if (toRun != null) {
                for (Runnable r : toRun) {
                    r.run();
                }
            }
        }

        public CacheKey key() {
            return key;
        }
    }
}
