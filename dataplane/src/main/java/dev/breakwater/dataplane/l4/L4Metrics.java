package dev.breakwater.dataplane.l4;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of L4 listeners, by listener ({@code tcp/5432}, {@code udp/53}, {@code https} for passthrough hosts of
 * the HTTPS port) and endpoint ({@code address:port}). Meters are made on first use and kept.
 */
public final class L4Metrics {

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public L4Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A TCP connection to {@code endpoint} was established for a client of {@code listener}. */
    void connectionOpened(String listener, String endpoint) {
        counter("breakwater_l4_connections", "TCP connections proxied", listener, endpoint).increment();
        gauge("breakwater_l4_connections_active", "TCP connections open", listener).incrementAndGet();
    }

    void connectionClosed(String listener) {
        gauge("breakwater_l4_connections_active", "TCP connections open", listener).decrementAndGet();
    }

    /** Bytes (or datagram payload) from clients to the endpoint. */
    void bytesReceived(String listener, String endpoint, long n) {
        receivedBytes(listener, endpoint).increment(n);
    }

    /** Bytes (or datagram payload) from the endpoint back to clients. */
    void bytesSent(String listener, String endpoint, long n) {
        sentBytes(listener, endpoint).increment(n);
    }

    /** The counter of {@link #bytesReceived}, for a connection to keep rather than look up on every read. */
    Counter receivedBytes(String listener, String endpoint) {
        return counter("breakwater_l4_received_bytes", "bytes from clients, sent on to endpoints", listener, endpoint);
    }

    /** The counter of {@link #bytesSent}, likewise. */
    Counter sentBytes(String listener, String endpoint) {
        return counter("breakwater_l4_sent_bytes", "bytes from endpoints, sent back to clients", listener, endpoint);
    }

    void connectFailed(String listener, String endpoint) {
        counter("breakwater_l4_connect_failures", "connects to endpoints that failed", listener, endpoint)
                .increment();
    }

    /** A client that found no endpoint to go to (none ready, or every one failed). */
    void noEndpoint(String listener) {
        counter("breakwater_l4_no_endpoint", "clients closed without an endpoint", listener, null).increment();
    }

    /** A connection refused by the PROXY protocol gate (untrusted peer, bad or late header). */
    public void proxyProtocolRefused(String listener) {
        counter("breakwater_l4_proxy_protocol_refused", "connections refused for their PROXY protocol header",
                listener, null).increment();
    }

    /** A connection closed because its endpoint left the table and the drain timeout passed. */
    void drained(String listener, String endpoint) {
        counter("breakwater_l4_drained_connections", "connections closed at their drain timeout", listener,
                endpoint).increment();
    }

    void sessionOpened(String listener, String endpoint) {
        counter("breakwater_l4_udp_sessions", "UDP client sessions started", listener, endpoint).increment();
        gauge("breakwater_l4_udp_sessions_active", "UDP client sessions open", listener).incrementAndGet();
    }

    void sessionClosed(String listener) {
        gauge("breakwater_l4_udp_sessions_active", "UDP client sessions open", listener).decrementAndGet();
    }

    /** A datagram of a new client dropped because the listener already has its most sessions. */
    void sessionRefused(String listener) {
        counter("breakwater_l4_udp_sessions_refused", "datagrams of new clients dropped at the session limit",
                listener, null).increment();
    }

    /** The count of a counter, 0 when it was never made (tests). */
    public double count(String name, String listener, String endpoint) {
        Counter c = counters.get(key(name, listener, endpoint));
        return c == null ? 0 : c.count();
    }

    /** The value of a gauge, 0 when it was never made (tests). */
    public long gaugeValue(String name, String listener) {
        AtomicLong g = gauges.get(key(name, listener, null));
        return g == null ? 0 : g.get();
    }

    private Counter counter(String name, String help, String listener, String endpoint) {
        return counters.computeIfAbsent(key(name, listener, endpoint), k -> {
            Counter.Builder b = Counter.builder(name).description(help).tag("listener", listener);
            if (endpoint != null) {
                b.tag("endpoint", endpoint);
            }
            return b.register(registry);
        });
    }

    private AtomicLong gauge(String name, String help, String listener) {
        return gauges.computeIfAbsent(key(name, listener, null), k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(help).tag("listener", listener)
                    .register(registry);
            return value;
        });
    }

    private static String key(String name, String listener, String endpoint) {
        return name + '|' + listener + '|' + (endpoint == null ? "" : endpoint);
    }
}
