package dev.breakwater.dataplane.backend;

import dev.breakwater.dataplane.ProxyConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
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
    private final ProxyConfig config;
    private final Map<String, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private int idleCount;

    public UpstreamPool(EventLoop loop, Class<? extends Channel> channelClass, ProxyConfig config,
                        AddressResolverGroup<InetSocketAddress> resolver) {
        this.loop = loop;
        this.config = config;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .resolver(resolver)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
        long sweepMillis = Math.max(100, Math.min(1000, config.upstreamIdleTimeout().toMillis() / 2));
        loop.scheduleWithFixedDelay(this::closeExpired, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
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

    /** Opens a new connection; its {@link UpstreamConnection} is the pipeline's last handler. */
    public ChannelFuture connect(UpstreamEndpoint endpoint, int connectTimeoutMillis) {
        assert loop.inEventLoop();
        UpstreamConnection handler = new UpstreamConnection(this, endpoint.key());
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize() * 4)
                .setMaxChunkSize(65536);
        return bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("http", new HttpClientCodec(decoder, false, false));
                        ch.pipeline().addLast("upstream", handler);
                    }
                })
                .connect(endpoint.socketAddress());
    }

    /** The connection handler of a channel opened by {@link #connect}. */
    public static UpstreamConnection connectionOf(Channel channel) {
        return (UpstreamConnection) channel.pipeline().get("upstream");
    }

    void release(UpstreamConnection c) {
        assert loop.inEventLoop();
        if (!c.channel().isActive() || config.maxIdlePerEndpoint() == 0) {
            c.channel().close();
            return;
        }
        ArrayDeque<UpstreamConnection> q = idle.computeIfAbsent(c.key(), k -> new ArrayDeque<>());
        if (q.size() >= config.maxIdlePerEndpoint()) {
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
        long deadline = System.nanoTime() - config.upstreamIdleTimeout().toNanos();
        for (ArrayDeque<UpstreamConnection> q : idle.values()) {
            // oldest first: the deque is ordered by the time connections were returned
            UpstreamConnection c;
            while ((c = q.peekFirst()) != null && c.idleSinceNanos() - deadline <= 0) {
                q.pollFirst();
                idleCount--;
                c.channel().close();
            }
        }
    }
}
