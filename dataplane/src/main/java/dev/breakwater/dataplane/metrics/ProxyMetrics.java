package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The data plane's meters, exposed in Prometheus text format on the admin port: the one registry, and the entry
 * point of every part that records into it. Per-route meters are keyed by route name, so they survive table swaps.
 *
 * <p>Per-route meters cost nothing until the route serves its first request: only then are its latency timer and
 * status counters registered, so that 10,000 idle routes neither take memory nor fill {@code /metrics}. At most
 * {@code maxRoutes} routes get meters of their own (the label's cardinality); requests of further routes are counted
 * under {@code route="}{@value #OTHER_ROUTES}{@code "}. The meters of routes that left the table are removed
 * ({@link #retainRoutes}).
 *
 * <p>The meters themselves live with their concept: the requests of each route ({@link MeteredRoutes},
 * {@link RouteMeters}, recorded per thread by {@link RequestMeters}), the other per-route families (the cache's
 * {@link CacheMeters}, the rate limit's {@link RouteCounter}, {@link AuthMeters}), the client side
 * ({@link DownstreamMeters}), the upstream side ({@link UpstreamMeters}), the table ({@link TableMeters}), the
 * served certificates ({@link CertificateExpiry}) and the counts other components keep ({@link ComponentMeters}).
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
    private static final Duration[] ADDED_LATENCY_BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CertificateExpiry certificateExpiry = new CertificateExpiry(registry, Clock.systemUTC());
    private final ComponentMeters components = new ComponentMeters(registry);
    private final UpstreamMeters upstream = new UpstreamMeters(registry);
    private final DownstreamMeters downstream;
    private final TableMeters table;
    /** Requests by route and status, their durations and the latency the proxy added: recorded per thread. */
    private final RequestMeters requests;
    private final MeteredRoutes routes;
    /** Per route, the response cache's meters and the rate limit's counter: registered on first use, capped. */
    private final RouteFamily<CacheMeters.Counters> caches;
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
        this.caches = new RouteFamily<>(maxRoutes, r -> new CacheMeters.Counters(registry, r),
                c -> c.remove(registry));
        this.rateLimited = new RouteFamily<>(maxRoutes, r -> Counter.builder("breakwater.ratelimit.rejected")
                .description("Requests answered 429 by the route's rate limit").tag("route", r).register(registry),
                registry::remove);
        this.auth = new AuthMeters(registry, maxRoutes);
        this.downstream = new DownstreamMeters(registry);
        this.table = new TableMeters(registry);
        this.requests = new RequestMeters(LATENCY_BUCKETS, ADDED_LATENCY_BUCKETS);
        registry.getPrometheusRegistry().register(requests);
        this.routes = new MeteredRoutes(requests, maxRoutes);
    }

    /** The latency the proxy added to a relayed request: the whole duration minus the answering attempt's. */
    public void addedLatency(long nanos) {
        requests.addedLatency(nanos);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The meters of one route; the same object for the same name across tables, until the route leaves the table.
     * Nothing is registered before it records a request.
     */
    public RouteMeters route(String name) {
        return routes.route(name);
    }

    /** The most routes metered on their own. */
    public int maxRoutes() {
        return routes.maxRoutes();
    }

    /** Routes whose meters are registered now (they served a request), {@value #OTHER_ROUTES} excluded. */
    public int meteredRoutes() {
        return routes.metered();
    }

    /**
     * Removes the meters of routes that left the table (a swap names them, so it costs in proportion to them): their
     * request counters and latency timers, cache, rate-limit and authentication meters. A request still in flight on
     * such a route is not counted.
     */
    public void forgetRoutes(Collection<String> names) {
        routes.forget(names);
        caches.forget(names);
        rateLimited.forget(names);
        auth.forget(names);
    }

    /**
     * Removes the meters of every route not named in {@code names}, as {@link #forgetRoutes} of every other route: a
     * walk of every route that has meters (or a place for them), for a table not made from the one before.
     */
    public void retainRoutes(Set<String> names) {
        routes.retain(names);
        caches.retain(names);
        rateLimited.retain(names);
        auth.retain(names);
    }

    /** The cache meters of one route; the same for the same name across tables (registered with its first event). */
    public CacheMeters cache(String route) {
        return new CacheMeters(caches.handle(route));
    }

    /** The counter of one route's requests refused by its rate limit (429); the same across tables. */
    public RouteCounter rateLimited(String route) {
        return new RouteCounter(rateLimited.handle(route));
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

    public void connectionOpened() {
        downstream.connectionOpened();
    }

    public void connectionClosed() {
        downstream.connectionClosed();
    }

    public long activeConnections() {
        return downstream.activeConnections();
    }

    public void tableApplied(long version) {
        table.applied(version);
    }

    /** The expiry gauges of the served certificates. */
    public CertificateExpiry certificateExpiry() {
        return certificateExpiry;
    }

    /** A completed TLS handshake, by the protocol ALPN chose and whether it resumed an earlier session. */
    public void handshake(String protocol, boolean resumed) {
        downstream.handshake(protocol, resumed);
    }

    /**
     * A request a route's policy refused (an allowlist, a rate limit, the body limit, a missing client certificate),
     * by that {@code reason}: a few fixed words, so the label stays small.
     */
    public void denied(String reason) {
        downstream.denied(reason);
    }

    public void handshakeFailed() {
        downstream.handshakeFailed();
    }

    /** Records which TLS implementation serves handshakes ({@code OPENSSL} or {@code JDK}). */
    public void tlsProvider(String provider) {
        downstream.tlsProvider(provider);
    }

    public void unrouted() {
        downstream.unrouted();
    }

    /** A request refused at the edge before routing (malformed target, Host, too many headers), by status. */
    public void refused(int status) {
        downstream.refused(status);
    }

    /**
     * An HTTP/2 connection error (a protocol violation by the client, or a broken connection): the connection is
     * closed with GOAWAY, and counted here by its error code instead of being logged.
     */
    public void http2ConnectionError(String code) {
        downstream.http2ConnectionError(code);
    }

    public void upstreamError(String cluster, UpstreamError kind) {
        upstream.error(cluster, kind);
    }

    /**
     * A mirrored copy of a request ended, by {@code result}: {@code answered} (the mirror's answer came whole, and
     * was dropped), {@code failed} (no endpoint, connect failure, reset, timeout), {@code dropped_in_flight} (not
     * sent: the route's cap of copies on their way was reached), {@code dropped_body} (not sent, or cut off: the body
     * was larger than the mirror's limit), {@code cancelled} (the client's request did not come whole).
     */
    public void mirrored(String cluster, String result) {
        upstream.mirrored(cluster, result);
    }

    /** Copies to {@code cluster} that ended with {@code result} so far (for tests). */
    public double mirroredCount(String cluster, String result) {
        return upstream.mirroredCount(cluster, result);
    }

    /** A retry sent to another endpoint. */
    public void retry(String cluster) {
        upstream.retry(cluster);
    }

    /** A retry that the cluster's retry budget refused. */
    public void retryBudgetExhausted(String cluster) {
        upstream.retryBudgetExhausted(cluster);
    }

    /** Gauges of the rate limiters' bucket store: buckets held, and the most it keeps. */
    public void bindRateLimiters(LongSupplier keys, long maxKeys) {
        components.rateLimiters(keys, maxKeys);
    }

    /** Counters of the access log: lines written, and lines dropped because the writer's queue was full. */
    public void bindAccessLog(LongSupplier written, LongSupplier dropped) {
        components.accessLog(written, dropped);
    }

    /** Counters of the span export: spans dropped (the queue full), sent, and failed to send. */
    public void bindTracing(LongSupplier dropped, LongSupplier exported, LongSupplier failed) {
        components.tracing(dropped, exported, failed);
    }

    /** Gauges of the whole cache: bytes and entries held, evictions since start. */
    public void bindCache(LongSupplier bytes, LongSupplier entries, LongSupplier evictions) {
        components.cache(bytes, entries, evictions);
    }
}
