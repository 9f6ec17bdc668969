package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * What the response cache did for one route's requests: {@code hit} (fresh from cache), {@code miss}
 * (fetched), {@code stale} (served stale: while revalidating or because the origin failed),
 * {@code revalidated} (the origin answered 304), {@code coalesced} (waited for another request's fetch),
 * and the responses and bytes it stored. Registered with the route's first event ({@link RouteFamily}).
 */
public final class CacheMeters {
    private final RouteFamily.Handle<Counters> handle;

    CacheMeters(RouteFamily.Handle<Counters> handle) {
        this.handle = handle;
    }

    public void hit() {
        Counters c = handle.get();
        if (c != null) {
            c.hits.increment();
        }
    }

    public void miss() {
        Counters c = handle.get();
        if (c != null) {
            c.misses.increment();
        }
    }

    public void stale() {
        Counters c = handle.get();
        if (c != null) {
            c.stale.increment();
        }
    }

    public void revalidated() {
        Counters c = handle.get();
        if (c != null) {
            c.revalidated.increment();
        }
    }

    public void coalesced() {
        Counters c = handle.get();
        if (c != null) {
            c.coalesced.increment();
        }
    }

    public void stored(long bytes) {
        Counters c = handle.get();
        if (c != null) {
            c.stored.increment();
            c.storedBytes.increment(bytes);
        }
    }

    public void evicted() {
        Counters c = handle.get();
        if (c != null) {
            c.evicted.increment();
        }
    }

    /** The registered counters behind the {@link CacheMeters} of one route label. */
    static final class Counters {
        private final Counter hits;
        private final Counter misses;
        private final Counter stale;
        private final Counter revalidated;
        private final Counter coalesced;
        private final Counter stored;
        private final Counter storedBytes;
        private final Counter evicted;

        Counters(MeterRegistry registry, String route) {
            hits = result(registry, route, "hit");
            misses = result(registry, route, "miss");
            stale = result(registry, route, "stale");
            revalidated = result(registry, route, "revalidated");
            coalesced = result(registry, route, "coalesced");
            stored = Counter.builder("breakwater.cache.stored").description("Responses stored in the cache")
                    .tag("route", route).register(registry);
            storedBytes = Counter.builder("breakwater.cache.stored.bytes").baseUnit("bytes")
                    .description("Body bytes stored in the cache").tag("route", route).register(registry);
            evicted = Counter.builder("breakwater.cache.evicted")
                    .description("Keys of this route dropped to keep the cache within its byte limit")
                    .tag("route", route).register(registry);
        }

        private static Counter result(MeterRegistry registry, String route, String result) {
            return Counter.builder("breakwater.cache.requests").description("Cacheable requests, by outcome")
                    .tag("route", route).tag("result", result).register(registry);
        }

        void remove(MeterRegistry registry) {
            for (Counter c : List.of(hits, misses, stale, revalidated, coalesced, stored, storedBytes, evicted)) {
                registry.remove(c);
            }
        }
    }
}
