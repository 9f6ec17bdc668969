package dev.breakwater.dataplane.backend;

import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import dev.breakwater.dataplane.tls.TlsContexts;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idle keep-alive connections of one event loop, per endpoint. Confined to its event loop: the client
 * connections of that loop take connections from it and give them back, so no lock is needed and an upstream
 * connection always runs on its client connection's event loop.
 */
public final class UpstreamPool {

    static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    /** The limits in force: the data plane's, with the table's in place (set on the loop at each swap). */
    private ProxyConfig config;
    private final Map<String, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private final Map<String, Http2Parent> http2Parents = new HashMap<>();
    private final BusyConnections busy = new BusyConnections();
    /** Busy connections with a drain deadline already set (one timer per connection, whatever the swaps). */
    private final Set<UpstreamConnection> drainScheduled =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Connects (and TLS handshakes) in progress, with their endpoint's key: failed at once if it leaves the table. */
    private final Map<Channel, Connecting> connecting = new java.util.IdentityHashMap<>();
    private Set<String> serving;
    private final TlsContexts clientTls;
    private int idleCount;

    public UpstreamPool(EventLoop loop, Class<? extends Channel> channelClass, ProxyConfig config,
                        AddressResolverGroup<InetSocketAddress> resolver, TlsContexts clientTls) {
        this.loop = loop;
        this.config = config;
        this.clientTls = clientTls;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .resolver(resolver)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
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
        Promise<UpstreamConnection> promise = loop.newPromise();
        if (endpoint.protocol().http2()) {
            openStream(endpoint, connectTimeoutMillis, promise);
        } else {
            connectHttp1(endpoint, connectTimeoutMillis, promise);
        }
        return promise;
    }

    private void connectHttp1(UpstreamEndpoint endpoint, int connectTimeoutMillis,
                              Promise<UpstreamConnection> promise) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize() * 4)
                .setMaxChunkSize(65536);
        UpstreamHttpCodec codec = new UpstreamHttpCodec(decoder);
        UpstreamConnection handler = new UpstreamConnection(this, endpoint.key(), codec);
        Promise<Channel> ready = loop.newPromise();
        open(endpoint, connectTimeoutMillis, false, ready, p -> {
            p.addLast("http", codec);
            p.addLast("upstream", handler);
        });
        ready.addListener(r -> {
            if (r.isSuccess()) {
                promise.trySuccess(handler);
            } else {
                promise.tryFailure(r.cause());
            }
        });
    }

    private SslHandler sslHandler(Channel ch, UpstreamEndpoint endpoint, int timeoutMillis, boolean http2) {
        SslContext ctx = clientTls.client(endpoint.tls(), http2);
        String name = endpoint.serverName();
        SslHandler h = name != null
                ? ctx.newHandler(ch.alloc(), name, endpoint.socketAddress().getPort())
                : ctx.newHandler(ch.alloc(), endpoint.endpoint().address(), endpoint.socketAddress().getPort());
        h.setHandshakeTimeoutMillis(timeoutMillis);
        return h;
    }

    /** The loop's HTTP/2 connection to an endpoint: ready once connected (and, over TLS, handshaken). */
    private static final class Http2Parent {
        final Channel channel;
        final Promise<Channel> ready;

        Http2Parent(Channel channel, Promise<Channel> ready) {
            this.channel = channel;
            this.ready = ready;
        }
    }

    private void openStream(UpstreamEndpoint endpoint, int connectTimeoutMillis, Promise<UpstreamConnection> promise) {
        Http2Parent parent = http2Parents.get(endpoint.key());
        if (parent == null || (parent.ready.isDone() && !parent.channel.isActive())) {
            parent = connectHttp2(endpoint, connectTimeoutMillis);
            http2Parents.put(endpoint.key(), parent);
        }
        parent.ready.addListener(ready -> {
            if (!ready.isSuccess()) {
                promise.tryFailure(ready.cause());
                return;
            }
            Channel conn = (Channel) ready.getNow();
            UpstreamConnection handler = new UpstreamConnection(this, endpoint.key(), null);
            new Http2StreamChannelBootstrap(conn)
                    .handler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(false));
                            stream.pipeline().addLast("upstream", handler);
                        }
                    })
                    .open()
                    .addListener(opened -> {
                        if (opened.isSuccess()) {
                            promise.trySuccess(handler);
                        } else {
                            promise.tryFailure(opened.cause());
                        }
                    });
        });
    }

    private Http2Parent connectHttp2(UpstreamEndpoint endpoint, int connectTimeoutMillis) {
        Promise<Channel> ready = loop.newPromise();
        Channel channel = open(endpoint, connectTimeoutMillis, true, ready, p -> {
            p.addLast("h2", Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                            .initialWindowSize(config.http2InitialWindowSize()))
                    .validateHeaders(false)
                    .build());
            p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        }).channel();
        Http2Parent parent = new Http2Parent(channel, ready);
        channel.closeFuture().addListener(closed -> {
            if (http2Parents.get(endpoint.key()) == parent) {
                http2Parents.remove(endpoint.key());
            }
        });
        return parent;
    }

    /**
     * Opens a connection to an endpoint: TLS first when its protocol says so (ALPN h2 for HTTP/2), then the
     * handlers {@code protocol} adds. {@code ready} completes once connected and, over TLS, handshaken.
     */
    private ChannelFuture open(UpstreamEndpoint endpoint, int connectTimeoutMillis, boolean http2,
                               Promise<Channel> ready,
                               java.util.function.Consumer<io.netty.channel.ChannelPipeline> protocol) {
        SslHandler[] ssl = new SslHandler[1];
        ChannelFuture f = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (endpoint.protocol().tls()) {
                            ssl[0] = sslHandler(ch, endpoint, connectTimeoutMillis, http2);
                            ch.pipeline().addLast("tls", ssl[0]);
                        }
                        protocol.accept(ch.pipeline());
                    }
                })
                .connect(endpoint.socketAddress());
        Channel ch = f.channel();
        connecting.put(ch, new Connecting(endpoint.key(), ready));
        ready.addListener(r -> connecting.remove(ch));
        whenReady(f, ssl, ready);
        return f;
    }

    /** A connect in progress: its endpoint, and what completes once it is connected (and handshaken). */
    private record Connecting(String key, Promise<Channel> ready) {
    }

    /** False once a table took the endpoint out of those that get new requests (removed, terminating, not ready). */
    public boolean serves(String key) {
        return serving == null || serving.contains(key);
    }

    /** Completes {@code ready} once the connection is made and, over TLS, its handshake is done. */
    private static void whenReady(ChannelFuture connect, SslHandler[] ssl, Promise<Channel> ready) {
        connect.addListener((ChannelFutureListener) cf -> {
            if (!cf.isSuccess()) {
                ready.tryFailure(cf.cause());
            } else if (ssl[0] == null) {
                ready.trySuccess(cf.channel());
            } else {
                ssl[0].handshakeFuture().addListener(hs -> {
                    if (hs.isSuccess()) {
                        ready.trySuccess(cf.channel());
                    } else {
                        cf.channel().close();
                        ready.tryFailure(hs.cause());
                    }
                });
            }
        });
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
        for (Map.Entry<Channel, Connecting> e : List.copyOf(connecting.entrySet())) {
            Connecting c = e.getValue();
            if (!servingKeys.contains(c.key())) {
                LOG.debug("{} left the table while being connected to: that connect is given up", c.key());
                c.ready().tryFailure(new EndpointLeftTableException(c.key()));
                e.getKey().close();
            }
        }
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
        Iterator<Map.Entry<String, Http2Parent>> parents = http2Parents.entrySet().iterator();
        while (parents.hasNext()) {
            Map.Entry<String, Http2Parent> e = parents.next();
            if (!liveKeys.contains(e.getKey())) {
                parents.remove();
                e.getValue().channel.close();
            }
        }
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
            for (java.util.Iterator<UpstreamConnection> it = q.iterator(); it.hasNext(); ) {
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
