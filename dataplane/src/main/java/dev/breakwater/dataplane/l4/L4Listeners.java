package dev.breakwater.dataplane.l4;

import dev.breakwater.channel.Transport;
import dev.breakwater.dataplane.listen.BindPlan;
import dev.breakwater.dataplane.listen.ServerSockets;
import dev.breakwater.dataplane.proxyprotocol.ProxyProtocolGate;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SniRoute;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L4 listeners of the data plane, opened and closed as tables change. A new table is taken in two steps: {@link
 * #prepare} checks it and binds the ports it adds (a port that cannot be bound fails the table, naming the port,
 * and nothing changes); {@link BindPlan#commit} then serves it: listeners it drops stop accepting, the connections of
 * every listener keep running, those whose endpoint (or listener) is gone drain for their route's drain timeout.
 * Listeners that stay are not touched; their new connections follow the new table.
 */
public final class L4Listeners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(L4Listeners.class);

    private final EventLoopGroup workers;
    private final String bindAddress;
    private final L4Runtime runtime;
    private final L4Settings settings;
    private final int acceptsPerWakeup;
    private final Map<String, Bound> bound = new LinkedHashMap<>();
    private volatile L4Table current = L4Table.EMPTY;

    /** The listeners of one event-loop group (whose loops also carry the upstream connections). */
    public L4Listeners(EventLoopGroup workers, Transport transport, AddressResolverGroup<InetSocketAddress> resolver,
                       String bindAddress, MeterRegistry registry, L4Settings settings, int acceptsPerWakeup) {
        this.workers = workers;
        this.bindAddress = bindAddress;
        this.settings = settings;
        this.acceptsPerWakeup = acceptsPerWakeup;
        Map<EventLoop, L4LoopState> loops = new IdentityHashMap<>();
        for (EventExecutor e : workers) {
            loops.put((EventLoop) e, new L4LoopState((EventLoop) e));
        }
        this.runtime = new L4Runtime(transport, resolver, new L4Metrics(registry), Map.copyOf(loops));
    }

    public L4Metrics metrics() {
        return runtime.metrics();
    }

    /**
     * Checks the L4 part of {@code table} and binds the ports it adds.
     *
     * @throws IllegalArgumentException naming the listener: a route's cluster is not in the table, or its port
     *                                  cannot be bound
     */
    public synchronized BindPlan prepare(RoutingTable table) {
        L4Table next = L4Table.compile(table);
        return BindPlan.bind(next.listeners().values(), L4Listener::key, l -> !bound.containsKey(l.key()),
                l -> bind(l, next), Bound::close, fresh -> commit(next, fresh));
    }

    private synchronized void commit(L4Table next, Map<String, Bound> fresh) {
        bound.putAll(fresh);
        for (var it = bound.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (next.listener(e.getKey()) == null) {
                LOG.info("L4 listener {} closed (no longer in the table); its connections drain", e.getKey());
                e.getValue().close();
                it.remove();
            } else {
                e.getValue().table = next;
            }
        }
        current = next;
        for (L4LoopState state : runtime.loops().values()) {
            state.loop().execute(() -> state.drainOthers(next));
        }
        for (Bound b : bound.values()) {
            if (b.udp != null) {
                b.channel.eventLoop().execute(() -> b.udp.review(next));
            }
        }
    }

    private Bound bind(L4Listener listener, L4Table table) {
        Bound b = new Bound(listener.key(), table);
        InetSocketAddress address = new InetSocketAddress(bindAddress, listener.port());
        try {
            if (listener.protocol() == L4Listener.Protocol.TCP) {
                b.channel = ServerSockets.bootstrap(workers, runtime.transport(), settings.backlog(), acceptsPerWakeup)
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                accept(ch, b);
                            }
                        })
                        .bind(address).syncUninterruptibly().channel();
            } else {
                b.udp = new UdpProxy(runtime, () -> b.table, listener.key());
                b.channel = new Bootstrap()
                        .group(workers.next())
                        .channel(runtime.transport().datagramChannel())
                        .handler(b.udp)
                        .bind(address).syncUninterruptibly().channel();
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("L4 listener " + listener.key() + ": cannot bind port "
                    + listener.port() + " on " + bindAddress + ": " + e.getMessage(), e);
        }
        LOG.info("L4 listener {} bound on {}:{}", listener.key(), bindAddress, b.port());
        return b;
    }

    /** The pipeline of a connection accepted on a TCP listener: PROXY gate, SNI peek, splice, as configured. */
    private void accept(Channel ch, Bound b) {
        L4Table table = b.table;
        L4Listener listener = table.listener(b.key);
        if (listener == null) {
            ch.close();
            return;
        }
        Runnable splice = () -> {
            if (listener.sni().isEmpty()) {
                ch.pipeline().addLast("l4-tcp", new TcpFrontend(runtime, table, b.key, listener.route()));
            } else {
                ch.pipeline().addLast("sni-peek", new SniPeek(settings.maxClientHelloLength(),
                        settings.clientHelloTimeoutMillis(), (ctx, name) -> {
                            L4Route route = listener.routeFor(name);
                            if (route == null) {
                                runtime.metrics().noEndpoint(runtime.loop(ctx.channel().eventLoop()), b.key);
                                ctx.close();
                                ctx.pipeline().remove(ctx.name());
                            } else {
                                ctx.pipeline().replace(ctx.name(), "l4-tcp",
                                        new TcpFrontend(runtime, table, b.key, route));
                            }
                        }));
            }
        };
        List<String> from = listener.acceptProxyProtocolFrom();
        if (from.isEmpty()) {
            splice.run();
        } else {
            ch.pipeline().addLast("proxy-protocol", new ProxyProtocolGate(TrustedSources.parse(from),
                    settings.proxyProtocolHeaderTimeoutMillis(),
                    () -> runtime.metrics().proxyProtocolRefused(runtime.loop(ch.eventLoop()), b.key), splice));
        }
    }

    /**
     * The first step of the HTTPS listener's pipeline: while the table has passthrough hosts, the ClientHello is read
     * first, and a passthrough host's connection is spliced to its endpoints, never reaching the HTTP stack;
     * {@code rest} (the TLS and HTTP handlers) is added for every other connection.
     */
    public void httpsPassthrough(Channel ch, Runnable rest) {
        L4Table table = current;
        List<SniRoute> hosts = table.httpsPassthrough();
        if (hosts.isEmpty()) {
            rest.run();
            return;
        }
        ch.pipeline().addLast("passthrough-peek", new SniPeek(settings.maxClientHelloLength(),
                settings.clientHelloTimeoutMillis(), (ctx, name) -> {
                    SniRoute host = dev.breakwater.routing.SniRoutes.find(hosts, name);
                    if (host == null) {
                        rest.run();
                        ctx.pipeline().remove(ctx.name());
                    } else {
                        ctx.pipeline().replace(ctx.name(), "l4-tcp",
                                new TcpFrontend(runtime, table, L4Table.HTTPS, host.route()));
                    }
                }));
    }

    /** A prelude of the HTTP and HTTPS listeners' pipelines: the PROXY protocol gate when {@code trusted} is on. */
    public BiConsumer<Channel, Runnable> proxyProtocol(TrustedSources trusted, String listener) {
        if (!trusted.enabled()) {
            return (ch, rest) -> rest.run();
        }
        return proxyProtocol(() -> trusted, listener);
    }

    /**
     * As {@link #proxyProtocol(TrustedSources, String)}, the trusted peers asked of {@code trusted} for each connection
     * accepted (the current table's, say): the gate when they are on, else the rest at once.
     */
    public BiConsumer<Channel, Runnable> proxyProtocol(java.util.function.Supplier<TrustedSources> trusted,
                                                       String listener) {
        return (ch, rest) -> {
            TrustedSources now = trusted.get();
            if (!now.enabled()) {
                rest.run();
                return;
            }
            ch.pipeline().addLast("proxy-protocol", new ProxyProtocolGate(now,
                    settings.proxyProtocolHeaderTimeoutMillis(),
                    () -> runtime.metrics().proxyProtocolRefused(runtime.loop(ch.eventLoop()), listener), rest));
        };
    }

    /** The bound port of the listener {@code key} ({@code tcp/9000}), or -1 when it is not open. */
    public synchronized int port(String key) {
        Bound b = bound.get(key);
        return b == null ? -1 : b.port();
    }

    /** Open TCP connections of every listener (tests). */
    public int openConnections() throws InterruptedException {
        int n = 0;
        for (L4LoopState s : runtime.loops().values()) {
            n += s.loop().submit(s::openConnections).syncUninterruptibly().getNow();
        }
        return n;
    }

    /** Stops accepting on every L4 listener and closes their connections. */
    @Override
    public synchronized void close() {
        bound.values().forEach(Bound::close);
        bound.clear();
        for (L4LoopState s : runtime.loops().values()) {
            if (!s.loop().isShuttingDown()) {
                s.loop().execute(s::closeAll);
            }
        }
    }

    /** Stops accepting on every L4 listener (draining the data plane); open connections keep running. */
    public synchronized void stopAccepting() {
        bound.values().forEach(Bound::close);
        bound.clear();
    }

    /** One bound port, with the table its new connections follow. */
    private static final class Bound {
        final String key;
        volatile L4Table table;
        Channel channel;
        UdpProxy udp;

        Bound(String key, L4Table table) {
            this.key = key;
            this.table = table;
        }

        int port() {
            return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
        }

        void close() {
            if (channel != null) {
                channel.close().syncUninterruptibly();
            }
        }
    }
}
