package dev.breakwater.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of the proxy: connections open, TLS handshakes (completed, failed, the implementation), HTTP/2
 * connection errors, and the requests the proxy answered itself: refused at the edge before routing, matching no
 * route, refused by a route's policy. Counters with a label are registered with their first value.
 */
final class DownstreamMeters {

    private final MeterRegistry registry;
    private final AtomicLong activeConnections = new AtomicLong();
    private final ConcurrentHashMap<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Counter handshakeFailures;
    private final Counter noRoute;
    private final ConcurrentHashMap<Integer, Counter> refused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> denied = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> http2Errors = new ConcurrentHashMap<>();

    DownstreamMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("breakwater.downstream.connections.active", activeConnections, AtomicLong::get)
                .description("Client connections open now").register(registry);
        handshakeFailures = Counter.builder("breakwater.tls.handshake.failures")
                .description("TLS handshakes that failed").register(registry);
        noRoute = Counter.builder("breakwater.requests.unrouted")
                .description("Requests that matched no route (answered 404)").register(registry);
    }

    void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    long activeConnections() {
        return activeConnections.get();
    }

    void handshake(String protocol, boolean resumed) {
        handshakes.computeIfAbsent(resumed ? protocol + "\0r" : protocol, k -> Counter.builder("breakwater.tls.handshakes")
                .description("Completed TLS handshakes, by negotiated protocol and session resumption")
                .tag("protocol", protocol).tag("resumed", Boolean.toString(resumed))
                .register(registry)).increment();
    }

    void handshakeFailed() {
        handshakeFailures.increment();
    }

    void tlsProvider(String provider) {
        Gauge.builder("breakwater.tls.provider", () -> 1).description("The TLS implementation in use")
                .tag("provider", provider).register(registry);
    }

    void denied(String reason) {
        denied.computeIfAbsent(reason, r -> Counter.builder("breakwater.requests.denied")
                .description("Requests refused by a route's policy, by what refused them").tag("reason", r)
                .register(registry)).increment();
    }

    void unrouted() {
        noRoute.increment();
    }

    void refused(int status) {
        refused.computeIfAbsent(status, st -> Counter.builder("breakwater.requests.refused")
                .description("Requests refused at the edge before routing, by the status answered")
                .tag("status", Integer.toString(st)).register(registry)).increment();
    }

    void http2ConnectionError(String code) {
        http2Errors.computeIfAbsent(code, c -> Counter.builder("breakwater.http2.connection.errors")
                .description("HTTP/2 connections closed for an error, by error code")
                .tag("code", c).register(registry)).increment();
    }
}
