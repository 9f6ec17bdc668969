package dev.breakwater.dataplane.metrics;

import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data plane's meters, exposed in Prometheus text format on the admin port. Per-route meters are
 * keyed by route name, so they survive table swaps.
 *
 * <p>Per-route meters cost nothing until the route serves its first request: only then are its latency timer and
 * status counters registered, so that 10,000 idle routes neither take memory nor fill {@code /metrics}. At most
 * {@code maxRoutes} routes get meters of their own (the label's cardinality); requests of further routes are counted
 * under {@code route="}{@value #OTHER_ROUTES}{@code "}. The meters of routes that left the table are removed
 * ({@link #retainRoutes}).
 */
public final class ProxyMetrics {

    /** The route label of requests whose route found no room among the {@code maxRoutes} metered ones. */
    public static final String OTHER_ROUTES = "(other)";

    /** The default of {@code maxRoutes}: routes metered on their own. */
    public static final int DEFAULT_MAX_ROUTES = 1000;

    /** Upstream failures by kind. */
    public enum UpstreamError { CONNECT, RESET, TIMEOUT }

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /**
     * The suppliers behind function gauges and counters: Micrometer holds their state only weakly, so a lambda bound
     * without another reference is collected and its meter reads NaN (or stops counting) after the next GC.
     */
    private final java.util.List<Object> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> budgetExhausted = new ConcurrentHashMap<>();
    private final AtomicLong activeConnections = new AtomicLong();
    private final AtomicLong tableVersion = new AtomicLong();
    private final Counter tableSwaps;
    private final AtomicLong tableApplied = new AtomicLong();
    private final CertificateExpiry certificateExpiry = new CertificateExpiry(registry, java.time.Clock.systemUTC());
    private final Counter noRoute;
    /** Requests by route and status, their durations and the latency the proxy added: recorded per thread. */
    private final RequestMeters requests;
    private final ConcurrentHashMap<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Counter handshakeFailures;
    private final ConcurrentHashMap<Integer, Counter> refused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> denied = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> http2Errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> mirrored = new ConcurrentHashMap<>();

    private final int maxRoutes;
    /** Routes whose own meters are registered (those that served a request), at most {@link #maxRoutes}. */
    private final java.util.concurrent.atomic.AtomicInteger meteredRoutes = new java.util.concurrent.atomic.AtomicInteger();
    private volatile RouteMeters otherRoutes;
    /** Per route, the response cache's meters and the rate limit's counter: registered on first use, capped. */
    private final RouteFamily<CacheCounters> caches;
    private final RouteFamily<Counter> rateLimited;
    private final AuthMeters auth;

    public ProxyMetrics() {
        this(DEFAULT_MAX_ROUTES);
    }

    /** @param maxRoutes the most routes with meters of their own (label cardinality); at least 1 */
    public ProxyMetrics(int maxRoutes) {
        if (maxRoutes < 1) {
            throw new IllegalArgumentException("maxRoutes: " + maxRoutes + " (expected: >= 1)");
        }
        this.maxRoutes = maxRoutes;
        this.caches = new RouteFamily<>(maxRoutes, r -> new CacheCounters(registry, r), c -> c.remove(registry));
        this.rateLimited = new RouteFamily<>(maxRoutes, r -> Counter.builder("breakwater.ratelimit.rejected")
                .description("Requests answered 429 by the route's rate limit").tag("route", r).register(registry),
                registry::remove);
        this.auth = new AuthMeters(registry, maxRoutes);
        Gauge.builder("breakwater.downstream.connections.active", activeConnections, AtomicLong::get)
                .description("Client connections open now").register(registry);
        Gauge.builder("breakwater.table.applied.timestamp", tableApplied, t -> t.get() / 1000.0).baseUnit("seconds")
                .description("When the routing table being served was applied (Unix time); 0 before the first")
                .register(registry);
        Gauge.builder("breakwater.table.version", tableVersion, AtomicLong::get)
                .description("Version of the routing table being served").register(registry);
        tableSwaps = Counter.builder("breakwater.table.swaps").description("Routing tables applied")
                .register(registry);
        handshakeFailures = Counter.builder("breakwater.tls.handshake.failures")
                .description("TLS handshakes that failed").register(registry);
        noRoute = Counter.builder("breakwater.requests.unrouted")
                .description("Requests that matched no route (answered 404)").register(registry);
        requests = new RequestMeters(LATENCY_BUCKETS, new Duration[] {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)});
        registry.getPrometheusRegistry().register(requests);
    }

    /** The latency the proxy added to a relayed request: the whole duration minus the answering attempt's. */
    public void addedLatency(long nanos) {
        requests.addedLatency(nanos);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The meters of one route; the same object for the same name across tables, until the route leaves the table.
     * Nothing is registered before it records a request.
     */
    public RouteMeters route(String name) {
        RouteMeters m = routes.get(name);
        return m != null ? m : routes.computeIfAbsent(name, n -> new RouteMeters(this, n));
    }

    /** The most routes metered on their own. */
    public int maxRoutes() {
        return maxRoutes;
    }

    /** Routes whose meters are registered now (they served a request), {@value #OTHER_ROUTES} excluded. */
    public int meteredRoutes() {
        return meteredRoutes.get();
    }

    /**
     * Removes the meters of routes that left the table (a swap names them, so it costs in proportion to them): their
     * request counters and latency timers, cache, rate-limit and authentication meters. A request still in flight on
     * such a route is not counted.
     */
    public void forgetRoutes(java.util.Collection<String> names) {
        for (String name : names) {
            RouteMeters m = routes.remove(name);
            if (m != null && m.retire()) {
                meteredRoutes.decrementAndGet();
            }
        }
        caches.forget(names);
        rateLimited.forget(names);
        auth.forget(names);
    }

    /**
     * Removes the meters of every route not named in {@code names}, as {@link #forgetRoutes} of every other route: a
     * walk of every route that has meters (or a place for them), for a table not made from the one before.
     */
    public void retainRoutes(java.util.Set<String> names) {
        for (var it = routes.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!names.contains(e.getKey())) {
                it.remove();
                if (e.getValue().retire()) {
                    meteredRoutes.decrementAndGet();
                }
            }
        }
        caches.retain(names);
        rateLimited.retain(names);
        auth.retain(names);
    }

    /** A slot for one more route's own meters, or false when {@link #maxRoutes} have them. */
    private boolean takeRouteSlot() {
        while (true) {
            int n = meteredRoutes.get();
            if (n >= maxRoutes) {
                return false;
            }
            if (meteredRoutes.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The shared meters of routes beyond {@link #maxRoutes}, registered when first needed. */
    private RouteMeters otherRoutes() {
        RouteMeters m = otherRoutes;
        if (m == null) {
            synchronized (this) {
                m = otherRoutes;
                if (m == null) {
                    m = new RouteMeters(this, OTHER_ROUTES);
                    m.materialize();
                    otherRoutes = m;
                }
            }
        }
        return m;
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
        tableApplied.set(System.currentTimeMillis());
        tableSwaps.increment();
    }

    /** The expiry gauges of the served certificates. */
    public CertificateExpiry certificateExpiry() {
        return certificateExpiry;
    }

    /** A completed TLS handshake, by the protocol ALPN chose and whether it resumed an earlier session. */
    public void handshake(String protocol, boolean resumed) {
        handshakes.computeIfAbsent(resumed ? protocol + "\0r" : protocol, k -> Counter.builder("breakwater.tls.handshakes")
                .description("Completed TLS handshakes, by negotiated protocol and session resumption")
                .tag("protocol", protocol).tag("resumed", Boolean.toString(resumed))
                .register(registry)).increment();
    }

    /**
     * A request a route's policy refused (an allowlist, a rate limit, the body limit, a missing client certificate),
     * by that {@code reason}: a few fixed words, so the label stays small.
     */
    public void denied(String reason) {
        denied.computeIfAbsent(reason, r -> Counter.builder("breakwater.requests.denied")
                .description("Requests refused by a route's policy, by what refused them").tag("reason", r)
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

    /**
     * A mirrored copy of a request ended, by {@code result}: {@code answered} (the mirror's answer came whole, and
     * was dropped), {@code failed} (no endpoint, connect failure, reset, timeout), {@code dropped_in_flight} (not
     * sent: the route's cap of copies on their way was reached), {@code dropped_body} (not sent, or cut off: the body
     * was larger than the mirror's limit), {@code cancelled} (the client's request did not come whole).
     */
    public void mirrored(String cluster, String result) {
        mirrored.computeIfAbsent(cluster + '\0' + result, k -> Counter.builder("breakwater.mirror.requests")
                .description("Copies of requests sent to a mirror, by how they ended")
                .tag("cluster", cluster).tag("result", result).register(registry)).increment();
    }

    /** Copies to {@code cluster} that ended with {@code result} so far (for tests). */
    public double mirroredCount(String cluster, String result) {
        Counter c = mirrored.get(cluster + '\0' + result);
        return c == null ? 0 : c.count();
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

    /**
     * The counter of one route's authentication outcomes: {@code kind} {@code basic}, {@code digest} or
     * {@code external}, {@code result} {@code allowed}, {@code denied} (401, 403 or the redirect to sign in),
     * {@code error} (the service failed, timed out or answered something else: 500), {@code cached} (an external answer
     * from the cache); registered with its first increment, capped and removed with the route as the other route meters.
     */
    public AuthCount authResult(String route, String kind, String result) {
        return auth.count(route, kind, result);
    }

    /** How long one route's external authentication service takes to answer (answers from the cache excluded). */
    public AuthLatency authLatency(String route) {
        return auth.latency(route);
    }

    /** One route's counter of one authentication outcome (see {@link #authResult}). */
    public static final class AuthCount {
        private final RouteFamily.Handle<AuthMeters.Label> handle;
        private final String kindAndResult;

        AuthCount(RouteFamily.Handle<AuthMeters.Label> handle, String kindAndResult) {
            this.handle = handle;
            this.kindAndResult = kindAndResult;
        }

        /** Counts one; not counted once the route left the table. */
        public void increment() {
            AuthMeters.Label l = handle.get();
            if (l != null) {
                l.count(kindAndResult);
            }
        }
    }

    /** One route's timer of the external authentication service's answers. */
    public static final class AuthLatency {
        private final RouteFamily.Handle<AuthMeters.Label> handle;

        AuthLatency(RouteFamily.Handle<AuthMeters.Label> handle) {
            this.handle = handle;
        }

        public void record(long nanos) {
            AuthMeters.Label l = handle.get();
            if (l != null) {
                l.record(nanos);
            }
        }
    }

    /** The counter of one route's requests refused by its rate limit (429); the same across tables. */
    public RouteCounter rateLimited(String route) {
        return new RouteCounter(rateLimited.handle(route));
    }

    /**
     * A counter of one route, registered with its first increment ({@link RouteFamily}: its own while fewer than
     * {@code maxRoutes} routes have one, else {@value #OTHER_ROUTES}'s); increments after the route left the table are
     * not counted.
     */
    public static final class RouteCounter {
        private final RouteFamily.Handle<Counter> handle;

        RouteCounter(RouteFamily.Handle<Counter> handle) {
            this.handle = handle;
        }

        public void increment() {
            Counter c = handle.get();
            if (c != null) {
                c.increment();
            }
        }
    }

    /** Gauges of the rate limiters' bucket store: buckets held, and the most it keeps. */
    public void bindRateLimiters(LongSupplier keys, long maxKeys) {
        bound.add(keys);
        Gauge.builder("breakwater.ratelimit.keys", keys, LongSupplier::getAsLong)
                .description("Rate-limit buckets (client keys) held in memory").register(registry);
        Gauge.builder("breakwater.ratelimit.keys.max", () -> maxKeys)
                .description("The most rate-limit buckets kept in memory").register(registry);
    }

    /** The cache meters of one route; the same for the same name across tables (registered with its first event). */
    public CacheMeters cache(String route) {
        return new CacheMeters(caches.handle(route));
    }

    /** Counters of the access log: lines written, and lines dropped because the writer's queue was full. */
    public void bindAccessLog(LongSupplier written, LongSupplier dropped) {
        bound.add(written);
        bound.add(dropped);
        io.micrometer.core.instrument.FunctionCounter.builder("breakwater.access.log.lines", written,
                LongSupplier::getAsLong).description("Access-log lines written").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("breakwater.access.log.dropped", dropped,
                LongSupplier::getAsLong).description("Access-log lines dropped: the writer's queue was full")
                .register(registry);
    }

    /** Counters of the span export: spans dropped (the queue full), sent, and failed to send. */
    public void bindTracing(LongSupplier dropped, LongSupplier exported, LongSupplier failed) {
        bound.add(dropped);
        bound.add(exported);
        bound.add(failed);
        io.micrometer.core.instrument.FunctionCounter.builder("breakwater.trace.spans.dropped", dropped,
                LongSupplier::getAsLong).description("Ended spans dropped: the export queue was full")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("breakwater.trace.spans.exported", exported,
                LongSupplier::getAsLong).description("Spans the OTLP endpoint accepted").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("breakwater.trace.spans.export.failed", failed,
                LongSupplier::getAsLong).description("Spans whose export failed (endpoint unreachable, refusing "
                        + "or too slow)").register(registry);
    }

    /** Gauges of the whole cache: bytes and entries held, evictions since start. */
    public void bindCache(java.util.function.LongSupplier bytes, java.util.function.LongSupplier entries,
                          java.util.function.LongSupplier evictions) {
        bound.add(bytes);
        bound.add(entries);
        bound.add(evictions);
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
        private final RouteFamily.Handle<CacheCounters> handle;

        CacheMeters(RouteFamily.Handle<CacheCounters> handle) {
            this.handle = handle;
        }

        public void hit() {
            CacheCounters c = handle.get();
            if (c != null) {
                c.hits.increment();
            }
        }

        public void miss() {
            CacheCounters c = handle.get();
            if (c != null) {
                c.misses.increment();
            }
        }

        public void stale() {
            CacheCounters c = handle.get();
            if (c != null) {
                c.stale.increment();
            }
        }

        public void revalidated() {
            CacheCounters c = handle.get();
            if (c != null) {
                c.revalidated.increment();
            }
        }

        public void coalesced() {
            CacheCounters c = handle.get();
            if (c != null) {
                c.coalesced.increment();
            }
        }

        public void stored(long bytes) {
            CacheCounters c = handle.get();
            if (c != null) {
                c.stored.increment();
                c.storedBytes.increment(bytes);
            }
        }

        public void evicted() {
            CacheCounters c = handle.get();
            if (c != null) {
                c.evicted.increment();
            }
        }
    }

    /** The registered counters behind the {@link CacheMeters} of one route label. */
    private static final class CacheCounters {
        private final Counter hits;
        private final Counter misses;
        private final Counter stale;
        private final Counter revalidated;
        private final Counter coalesced;
        private final Counter stored;
        private final Counter storedBytes;
        private final Counter evicted;

        CacheCounters(MeterRegistry registry, String route) {
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

    /**
     * Requests by status and their latency, for one route: registered with its first request, as the route's own
     * meters while fewer than {@code maxRoutes} routes have theirs, else as {@value #OTHER_ROUTES}'s.
     */
    public static final class RouteMeters {
        private final ProxyMetrics owner;
        private final String route;
        /** This route's own meters, or those of {@value #OTHER_ROUTES}; null before the first request. */
        private volatile RequestMeters.Route meters;
        /** Set once the route left the table: nothing more is registered for it. */
        private volatile boolean retired;

        RouteMeters(ProxyMetrics owner, String route) {
            this.owner = owner;
            this.route = route;
        }

        public void record(int status, long nanos) {
            RequestMeters.Route m = meters;
            if (m == null) {
                m = materialize();
                if (m == null) {
                    return;
                }
            }
            m.record(status, nanos);
        }

        /** Registers this route's meters (or points at the shared ones); null once retired. */
        private synchronized RequestMeters.Route materialize() {
            if (meters == null && !retired) {
                if (route.equals(OTHER_ROUTES) || owner.takeRouteSlot()) {
                    meters = owner.requests.register(route);
                } else {
                    meters = owner.otherRoutes().meters;
                }
            }
            return retired ? null : meters;
        }

        /** Removes this route's own meters; true when it had some (it held one of the {@code maxRoutes} slots). */
        private synchronized boolean retire() {
            retired = true;
            RequestMeters.Route m = meters;
            meters = null;
            if (m != null && m.name().equals(route)) {
                owner.requests.remove(m);
                return true;
            }
            return false;
        }
    }

}
