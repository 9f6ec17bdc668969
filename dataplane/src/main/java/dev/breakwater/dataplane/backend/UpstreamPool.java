package dev.breakwater.dataplane.backend;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.tls.TlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idle keep-alive connections of one event loop, per endpoint. Confined to its event loop: the client
 * connections of that loop take connections from it and give them back, so no lock is needed and an upstream
 * connection always runs on its client connection's event loop. New connections are opened by its
 * {@link UpstreamConnector}.
 */
public final class UpstreamPool {

    static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);

    private final EventLoop loop;
    private final UpstreamConnector connector;
    /** The limits in force: the data plane's, with the table's in place (set on the loop at each swap). */
    private ProxyConfig config;
    private final Map<String, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private final BusyConnections busy = new BusyConnections();
    /** Busy connections with a drain deadline already set (one timer per connection, whatever the swaps). */
    private final Set<UpstreamConnection> drainScheduled = Collections.newSetFromMap(new IdentityHashMap<>());
    private Set<String> serving;
    private int idleCount;

    public UpstreamPool(EventLoop loop, Class<? extends Channel> channelClass, ProxyConfig config,
                        AddressResolverGroup<InetSocketAddress> resolver, TlsContexts clientTls) {
        this.loop = loop;
        this.config = config;
        this.connector = new UpstreamConnector(this, loop, channelClass, resolver, clientTls);
        long sweepMillis = Math.max(100, Math.min(1000, config.upstreamIdleTimeout().toMillis() / 2));
        loop.scheduleWithFixedDelay(this::closeExpired, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the idle limits of a new table ({@link ProxyConfig#maxIdlePerEndpoint()},
     * {@link ProxyConfig#upstreamIdleTimeout()}); idle connections beyond the new count are closed, those older than
     * the new timeout at the next sweep. Must run on the pool's loop.
     */
    public void configure(ProxyConfig limits) {
        assert loop.inEventLoop();
        this.config = limits;
        for (ArrayDeque<UpstreamConnection> q : idle.values()) {
            while (q.size() > limits.maxIdlePerEndpoint()) {
                UpstreamConnection c = q.pollFirst();
                idleCount--;
                c.channel().close();
            }
        }
    }

    public EventLoop eventLoop() {
        return loop;
    }

    /** A live idle connection to the endpoint, most recently used first, or null. */
    public UpstreamConnection poll(String key) {
        assert loop.inEventLoop();
        ArrayDeque<UpstreamConnection> q = idle.get(key);
        if (q == null) {
            return null;
        }
        UpstreamConnection c;
        while ((c = q.pollLast()) != null) {
            idleCount--;
            if (c.channel().isActive()) {
                return c;
            }
        }
        return null;
    }

    /**
     * A new connection ready for one request: for HTTP/1.1 endpoints a new TCP (and TLS) connection, for
     * HTTP/2 endpoints a new stream on the loop's shared connection to the endpoint (opened if needed).
     */
    public Future<UpstreamConnection> connect(UpstreamEndpoint endpoint, int connectTimeoutMillis) {
        assert loop.inEventLoop();
        return connector.connect(endpoint, connectTimeoutMillis, config);
    }

    /** False once a table took the endpoint out of those that get new requests (removed, terminating, not ready). */
    public boolean serves(String key) {
        return serving == null || serving.contains(key);
    }

    void busy(UpstreamConnection c) {
        busy.add(c);
    }

    void notBusy(UpstreamConnection c) {
        busy.remove(c);
    }

    /** Connections carrying a request (or a tunnel) now. */
    public int busyCount() {
        return busy.size();
    }

    /**
     * Applies a new table's endpoints (on the pool's loop): idle connections to endpoints that get no new
     * requests (removed, terminating, not ready) are closed; busy ones finish their request and are then
     * closed, or are closed at their cluster's drain timeout if still busy.
     *
     * @param servingKeys    endpoints that get new requests
     * @param drainMillisOf  drain timeout of each endpoint still in the table (others: {@code defaultDrainMillis})
     */
    public void drainOthers(Set<String> servingKeys, Map<String, Long> drainMillisOf, long defaultDrainMillis) {
        assert loop.inEventLoop();
        serving = servingKeys;
        retainOnly(servingKeys);
        connector.giveUpOthers(servingKeys);
        for (UpstreamConnection c : busy.snapshot()) {
            if (!servingKeys.contains(c.key()) && drainScheduled.add(c)) {
                long millis = drainMillisOf.getOrDefault(c.key(), defaultDrainMillis);
                loop.schedule(() -> {
                    drainScheduled.remove(c);
                    if (busy.contains(c) && (serving == null || !serving.contains(c.key()))) {
                        LOG.debug("drain timeout: closing the connection to {}", c.key());
                        c.cutByDrain();
                    }
                }, millis, TimeUnit.MILLISECONDS);
            }
        }
    }

    void release(UpstreamConnection c) {
        assert loop.inEventLoop();
        int mostRequests = c.maxRequests(config.maxUpstreamRequestsPerConnection());
        int mostIdle = c.maxIdle(config.maxIdlePerEndpoint());
        long lifetime = config.upstreamKeepaliveTime().toNanos();
        if (!c.channel().isActive() || mostIdle == 0
                || lifetime > 0 && System.nanoTime() - c.openedNanos() >= lifetime
                || serving != null && !serving.contains(c.key())
                || mostRequests > 0 && c.requestsCarried() >= mostRequests) {
            c.channel().close();
            return;
        }
        ArrayDeque<UpstreamConnection> q = idle.computeIfAbsent(c.key(), k -> new ArrayDeque<>());
        if (q.size() >= mostIdle) {
            c.channel().close();
            return;
        }
        c.idleSince(System.nanoTime());
        q.addLast(c);
        idleCount++;
    }

    void removeIdle(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = idle.get(c.key());
        if (q != null && q.remove(c)) {
            idleCount--;
        }
    }

    /** Idle connections now pooled on this loop. */
    public int idleCount() {
        return idleCount;
    }

    /** Closes idle connections to endpoints not in {@code liveKeys}; must run on the pool's loop. */
    public void retainOnly(Set<String> liveKeys) {
        assert loop.inEventLoop();
        connector.closeHttp2Except(liveKeys);
        Iterator<Map.Entry<String, ArrayDeque<UpstreamConnection>>> it = idle.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, ArrayDeque<UpstreamConnection>> e = it.next();
            if (!liveKeys.contains(e.getKey())) {
                it.remove();
                for (UpstreamConnection c : e.getValue()) {
                    idleCount--;
                    c.channel().close();
                }
            }
        }
    }

    /** Closes every idle connection; must run on the pool's loop. */
    public void closeAll() {
        retainOnly(Set.of());
    }

    private void closeExpired() {
        long now = System.nanoTime();
        long poolNanos = config.upstreamIdleTimeout().toNanos();
        for (ArrayDeque<UpstreamConnection> q : idle.values()) {
            // ordered by the time connections were returned, but a connection may have an idle limit of its own
            for (Iterator<UpstreamConnection> it = q.iterator(); it.hasNext(); ) {
                UpstreamConnection c = it.next();
                if (now - c.idleSinceNanos() >= c.idleLimitNanos(poolNanos)) {
                    it.remove();
                    idleCount--;
                    c.channel().close();
                }
            }
        }
    }
}
