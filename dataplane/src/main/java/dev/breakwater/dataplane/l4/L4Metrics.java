package dev.breakwater.dataplane.l4;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The meters of L4 listeners, by listener ({@code tcp/5432}, {@code udp/53}, {@code https} for passthrough hosts of
 * the HTTPS port) and endpoint ({@code address:port}). Meters are made on first use and kept. Each one counts per
 * event loop ({@link LoopCount}: every update names the loop it runs on) and sums the loops when scraped.
 */
public final class L4Metrics {

    private final MeterRegistry registry;
    private final ConcurrentMap<String, LoopCount> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LoopCount> gauges = new ConcurrentHashMap<>();

    public L4Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A TCP connection to {@code endpoint} was established for a client of {@code listener}. */
    void connectionOpened(L4LoopState on, String listener, String endpoint) {
        counter("breakwater_l4_connections", "TCP connections proxied", listener, endpoint).add(on, 1);
        gauge("breakwater_l4_connections_active", "TCP connections open", listener).add(on, 1);
    }

    void connectionClosed(L4LoopState on, String listener) {
        gauge("breakwater_l4_connections_active", "TCP connections open", listener).add(on, -1);
    }

    /** Bytes (or datagram payload) from clients to the endpoint. */
    void bytesReceived(L4LoopState on, String listener, String endpoint, long n) {
        receivedBytes(listener, endpoint).add(on, n);
    }

    /** Bytes (or datagram payload) from the endpoint back to clients. */
    void bytesSent(L4LoopState on, String listener, String endpoint, long n) {
        sentBytes(listener, endpoint).add(on, n);
    }

    /** The count of {@link #bytesReceived}, for a connection to keep rather than look up on every read. */
    LoopCount receivedBytes(String listener, String endpoint) {
        return counter("breakwater_l4_received_bytes", "bytes from clients, sent on to endpoints", listener, endpoint);
    }

    /** The count of {@link #bytesSent}, likewise. */
    LoopCount sentBytes(String listener, String endpoint) {
        return counter("breakwater_l4_sent_bytes", "bytes from endpoints, sent back to clients", listener, endpoint);
    }

    void connectFailed(L4LoopState on, String listener, String endpoint) {
        counter("breakwater_l4_connect_failures", "connects to endpoints that failed", listener, endpoint)
                .add(on, 1);
    }

    /** A client that found no endpoint to go to (none ready, or every one failed). */
    void noEndpoint(L4LoopState on, String listener) {
        counter("breakwater_l4_no_endpoint", "clients closed without an endpoint", listener, null).add(on, 1);
    }

    /** A connection refused by the PROXY protocol gate (untrusted peer, bad or late header). */
    void proxyProtocolRefused(L4LoopState on, String listener) {
        counter("breakwater_l4_proxy_protocol_refused", "connections refused for their PROXY protocol header",
                listener, null).add(on, 1);
    }

    /** A connection closed because its endpoint left the table and the drain timeout passed. */
    void drained(L4LoopState on, String listener, String endpoint) {
        counter("breakwater_l4_drained_connections", "connections closed at their drain timeout", listener,
                endpoint).add(on, 1);
    }

    void sessionOpened(L4LoopState on, String listener, String endpoint) {
        counter("breakwater_l4_udp_sessions", "UDP client sessions started", listener, endpoint).add(on, 1);
        gauge("breakwater_l4_udp_sessions_active", "UDP client sessions open", listener).add(on, 1);
    }

    void sessionClosed(L4LoopState on, String listener) {
        gauge("breakwater_l4_udp_sessions_active", "UDP client sessions open", listener).add(on, -1);
    }

    /** A datagram of a new client dropped because the listener already has its most sessions. */
    void sessionRefused(L4LoopState on, String listener) {
        counter("breakwater_l4_udp_sessions_refused", "datagrams of new clients dropped at the session limit",
                listener, null).add(on, 1);
    }

    /** The count of a counter, 0 when it was never made (tests). */
    public double count(String name, String listener, String endpoint) {
        LoopCount c = counters.get(key(name, listener, endpoint));
        return c == null ? 0 : c.sum();
    }

    /** The value of a gauge, 0 when it was never made (tests). */
    public long gaugeValue(String name, String listener) {
        LoopCount g = gauges.get(key(name, listener, null));
        return g == null ? 0 : g.sum();
    }

    private LoopCount counter(String name, String help, String listener, String endpoint) {
        return counters.computeIfAbsent(key(name, listener, endpoint), k -> {
            LoopCount count = new LoopCount();
            FunctionCounter.Builder<LoopCount> b = FunctionCounter.builder(name, count, LoopCount::sum)
                    .description(help).tag("listener", listener);
            if (endpoint != null) {
                b.tag("endpoint", endpoint);
            }
            b.register(registry);
            return count;
        });
    }

    private LoopCount gauge(String name, String help, String listener) {
        return gauges.computeIfAbsent(key(name, listener, null), k -> {
            LoopCount value = new LoopCount();
            Gauge.builder(name, value, LoopCount::sum).description(help).tag("listener", listener)
                    .register(registry);
            return value;
        });
    }

    private static String key(String name, String listener, String endpoint) {
        return name + '|' + listener + '|' + (endpoint == null ? "" : endpoint);
    }
}
