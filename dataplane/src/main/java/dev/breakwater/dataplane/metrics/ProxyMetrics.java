package dev.breakwater.dataplane.metrics;

import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data plane's meters, exposed in Prometheus text format on the admin port. Per-route meters are
 * keyed by route name, so they survive table swaps.
 */
public final class ProxyMetrics {

    /** Upstream failures by kind. */
    public enum UpstreamError { CONNECT, RESET, TIMEOUT }

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> budgetExhausted = new ConcurrentHashMap<>();
    private final AtomicLong activeConnections = new AtomicLong();
    private final AtomicLong tableVersion = new AtomicLong();
    private final Counter tableSwaps;
    private final Counter noRoute;
    private final ConcurrentHashMap<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Counter handshakeFailures;
    private final ConcurrentHashMap<Integer, Counter> refused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> http2Errors = new ConcurrentHashMap<>();

    public ProxyMetrics() {
        Gauge.builder("breakwater.downstream.connections.active", activeConnections, AtomicLong::get)
                .description("Client connections open now").register(registry);
        Gauge.builder("breakwater.table.version", tableVersion, AtomicLong::get)
                .description("Version of the routing table being served").register(registry);
        tableSwaps = Counter.builder("breakwater.table.swaps").description("Routing tables applied")
                .register(registry);
        handshakeFailures = Counter.builder("breakwater.tls.handshake.failures")
                .description("TLS handshakes that failed").register(registry);
        noRoute = Counter.builder("breakwater.requests.unrouted")
                .description("Requests that matched no route (answered 404)").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The meters of one route; the same object for the same name across tables. */
    public RouteMeters route(String name) {
        return routes.computeIfAbsent(name, n -> new RouteMeters(registry, n));
    }

    public void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public long activeConnections() {
        return activeConnections.get();
    }

    public void tableApplied(long version) {
        tableVersion.set(version);
        tableSwaps.increment();
    }

    /** A completed TLS handshake, by the protocol ALPN chose. */
    public void handshake(String protocol) {
        handshakes.computeIfAbsent(protocol, p -> Counter.builder("breakwater.tls.handshakes")
                .description("Completed TLS handshakes, by negotiated protocol").tag("protocol", p)
                .register(registry)).increment();
    }

    public void handshakeFailed() {
        handshakeFailures.increment();
    }

    /** Records which TLS implementation serves handshakes ({@code OPENSSL} or {@code JDK}). */
    public void tlsProvider(String provider) {
        Gauge.builder("breakwater.tls.provider", () -> 1).description("The TLS implementation in use")
                .tag("provider", provider).register(registry);
    }

    public void unrouted() {
        noRoute.increment();
    }

    /** A request refused at the edge before routing (malformed target, Host, too many headers), by status. */
    public void refused(int status) {
        refused.computeIfAbsent(status, st -> Counter.builder("breakwater.requests.refused")
                .description("Requests refused at the edge before routing, by the status answered")
                .tag("status", Integer.toString(st)).register(registry)).increment();
    }

    /**
     * An HTTP/2 connection error (a protocol violation by the client, or a broken connection): the connection is
     * closed with GOAWAY, and counted here by its error code instead of being logged.
     */
    public void http2ConnectionError(String code) {
        http2Errors.computeIfAbsent(code, c -> Counter.builder("breakwater.http2.connection.errors")
                .description("HTTP/2 connections closed for an error, by error code")
                .tag("code", c).register(registry)).increment();
    }

    public void upstreamError(String cluster, UpstreamError kind) {
        upstreamErrors.computeIfAbsent(cluster + '\0' + kind, k -> Counter.builder("breakwater.upstream.errors")
                .description("Failed attempts to reach or hear from an endpoint")
                .tag("cluster", cluster).tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry)).increment();
    }

    /** A retry sent to another endpoint. */
    public void retry(String cluster) {
        perCluster(retries, "breakwater.upstream.retries", "Attempts sent again after a failure", cluster)
                .increment();
    }

    /** A retry that the cluster's retry budget refused. */
    public void retryBudgetExhausted(String cluster) {
        perCluster(budgetExhausted, "breakwater.upstream.retry.budget.exhausted",
                "Retries refused because the cluster's retry budget was used up", cluster).increment();
    }

    private Counter perCluster(ConcurrentHashMap<String, Counter> map, String name, String description,
                               String cluster) {
        return map.computeIfAbsent(cluster, c -> Counter.builder(name).description(description)
                .tag("cluster", c).register(registry));
    }

    private final ConcurrentHashMap<String, Counter> rateLimited = new ConcurrentHashMap<>();

    /** The counter of one route's requests refused by its rate limit (429); the same across tables. */
    public Counter rateLimited(String route) {
        return rateLimited.computeIfAbsent(route, r -> Counter.builder("breakwater.ratelimit.rejected")
                .description("Requests answered 429 by the route's rate limit").tag("route", r).register(registry));
    }

    /** Gauges of the rate limiters' bucket store: buckets held, and the most it keeps. */
    public void bindRateLimiters(LongSupplier keys, long maxKeys) {
        Gauge.builder("breakwater.ratelimit.keys", keys, LongSupplier::getAsLong)
                .description("Rate-limit buckets (client keys) held in memory").register(registry);
        Gauge.builder("breakwater.ratelimit.keys.max", () -> maxKeys)
                .description("The most rate-limit buckets kept in memory").register(registry);
    }

    private final ConcurrentHashMap<String, CacheMeters> caches = new ConcurrentHashMap<>();

    /** The cache meters of one route; the same object for the same name across tables. */
    public CacheMeters cache(String route) {
        CacheMeters m = caches.get(route);
        return m != null ? m : caches.computeIfAbsent(route, r -> new CacheMeters(registry, r));
    }

    /** Gauges of the whole cache: bytes and entries held, evictions since start. */
    public void bindCache(java.util.function.LongSupplier bytes, java.util.function.LongSupplier entries,
                          java.util.function.LongSupplier evictions) {
        Gauge.builder("breakwater.cache.bytes", bytes, LongSupplier::getAsLong)
                .description("Bytes held by the response cache (bodies and headers)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("breakwater.cache.entries", entries, LongSupplier::getAsLong)
                .description("Keys held by the response cache").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("breakwater.cache.evictions", evictions,
                        LongSupplier::getAsLong)
                .description("Keys dropped from the response cache to stay within its byte limit")
                .register(registry);
    }

    /** Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * What the response cache did for one route's requests: {@code hit} (fresh from cache), {@code miss}
     * (fetched), {@code stale} (served stale: while revalidating or because the origin failed),
     * {@code revalidated} (the origin answered 304), {@code coalesced} (waited for another request's fetch),
     * and the responses and bytes it stored.
     */
    public static final class CacheMeters {
        private final Counter hits;
        private final Counter misses;
        private final Counter stale;
        private final Counter revalidated;
        private final Counter coalesced;
        private final Counter stored;
        private final Counter storedBytes;
        private final Counter evicted;

        CacheMeters(MeterRegistry registry, String route) {
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

        public void hit() {
            hits.increment();
        }

        public void miss() {
            misses.increment();
        }

        public void stale() {
            stale.increment();
        }

        public void revalidated() {
            revalidated.increment();
        }

        public void coalesced() {
            coalesced.increment();
        }

        public void stored(long bytes) {
            stored.increment();
            storedBytes.increment(bytes);
        }

        public void evicted() {
            evicted.increment();
        }
    }

    /** Requests by status and their latency, for one route. */
    public static final class RouteMeters {
        private final MeterRegistry registry;
        private final String route;
        private final Timer latency;
        private final ConcurrentHashMap<Integer, Counter> byStatus = new ConcurrentHashMap<>();

        RouteMeters(MeterRegistry registry, String route) {
            this.registry = registry;
            this.route = route;
            this.latency = Timer.builder("breakwater.request.duration")
                    .description("Time from the request head to the last byte of the response")
                    .tag("route", route)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
        }

        public void record(int status, long nanos) {
            Counter c = byStatus.get(status);
            if (c == null) {
                c = byStatus.computeIfAbsent(status, s -> Counter.builder("breakwater.requests")
                        .description("Requests answered, by route and status")
                        .tag("route", route).tag("status", Integer.toString(s))
                        .register(registry));
            }
            c.increment();
            latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
