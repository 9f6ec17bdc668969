package dev.breakwater.dataplane;

import dev.breakwater.dataplane.accesslog.AccessLog;
import dev.breakwater.dataplane.trace.Tracing;
import dev.breakwater.dataplane.trace.TracingConfig;
import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import java.io.OutputStream;
import dev.breakwater.dataplane.channel.TableSink;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.channel.Transport;
import dev.breakwater.dataplane.cache.CacheConfig;
import dev.breakwater.dataplane.cache.ResponseCache;

import dev.breakwater.dataplane.admin.AdminServer;
import dev.breakwater.dataplane.backend.HostsFile;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.frontend.DrainEvent;
import dev.breakwater.dataplane.frontend.HttpsInitializer;
import dev.breakwater.dataplane.frontend.ListenerPorts;
import dev.breakwater.dataplane.health.HealthChecker;
import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.request.RequestHeadCheck;
import dev.breakwater.dataplane.request.RequestPolicy;
import dev.breakwater.dataplane.frontend.ProxyInitializer;
import dev.breakwater.dataplane.l4.L4Listeners;
import dev.breakwater.dataplane.l4.L4Settings;
import dev.breakwater.dataplane.listen.ListenSettings;
import dev.breakwater.dataplane.listen.ServerSockets;
import dev.breakwater.dataplane.listen.BindPlan;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import dev.breakwater.dataplane.tls.SelfSignedCertificate;
import dev.breakwater.dataplane.tls.TlsContexts;
import dev.breakwater.routing.Certificate;
import dev.breakwater.dataplane.exchange.ProxyServices;
import dev.breakwater.dataplane.metrics.EndpointMeters;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: an HTTP listener that proxies by the current routing table, and an admin listener.
 * Made with {@link #builder()}, started with {@link #start()}, fed with {@link #apply(RoutingTable)}.
 */
public final class DataPlane implements TableSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    private final String bindAddress;
    private final int requestedHttpPort;
    private final int requestedAdminPort;
    private final int workers;
    private final ProxyConfig config;
    private final Transport transport;
    private final ProxyMetrics metrics;
    private final EndpointMeters endpointMeters;
    private final EndpointRegistry registry = new EndpointRegistry();
    private final RateLimiters limiters;
    private final int requestedHttpsPort;
    private final TlsContexts tls;
    private final TlsContexts clientTls = new TlsContexts();
    private final TableHolder table;
    private volatile boolean draining;

    private EventLoopGroup workerGroup;
    private EventLoopGroup adminGroup;
    private DnsAddressResolverGroup resolver;
    private final Map<EventLoop, UpstreamPool> pools = new IdentityHashMap<>();
    private volatile Channel httpChannel;
    private volatile Channel httpsChannel;
    private ProxyServices services;
    private final boolean listenOnceServing;
    private AdminServer admin;
    private HealthChecker healthChecker;
    private final EndpointBook endpoints;
    private ChannelGroup connections;
    private final CacheConfig cacheConfig;
    private final ResponseCache cache;
    private final String adminToken;
    private final Path hostsFile;
    private final RequestPolicy requestPolicy;
    private final L4Settings l4Settings;
    private final ListenSettings listenSettings;
    private final TrustedSources proxyProtocolFrom;
    private volatile L4Listeners l4;
    /** The table's listener ports (a Gateway's own), or null before {@link #start()}. */
    private volatile ListenerPorts listenerPorts;
    private final AccessLogConfig accessLogConfig;
    private final OutputStream accessLogOutput;
    private AccessLog accessLog = AccessLog.OFF;
    private final TracingConfig tracingConfig;
    private Tracing tracing = Tracing.OFF;

    DataPlane(DataPlaneBuilder b) {
        this.bindAddress = b.bindAddress;
        this.requestedHttpPort = b.httpPort;
        this.requestedAdminPort = b.adminPort;
        this.workers = b.workers;
        this.config = b.config;
        this.transport = b.transport;
        this.requestedHttpsPort = b.httpsPort;
        this.cacheConfig = b.cache;
        this.adminToken = b.adminToken;
        this.metrics = new ProxyMetrics(b.metricsMaxRoutes);
        this.endpointMeters = new EndpointMeters(metrics.registry(), b.metricsMaxEndpoints);
        this.endpoints = new EndpointBook(registry, endpointMeters, pools.values(), DEFAULT_DRAIN_MILLIS);
        this.limiters = new RateLimiters(b.rateLimitKeys);
        metrics.bindRateLimiters(limiters::keys, limiters.maxKeys());
        this.hostsFile = b.hostsFile;
        this.requestPolicy = b.requestPolicy;
        this.listenOnceServing = b.listenOnceServing;
        this.l4Settings = b.l4Settings;
        this.listenSettings = b.listenSettings;
        this.proxyProtocolFrom = b.proxyProtocolFrom;
        this.accessLogConfig = b.accessLog;
        this.accessLogOutput = b.accessLogOutput;
        this.tracingConfig = b.tracing;
        if (b.cache.maxBytes() > 0) {
            this.cache = new ResponseCache(b.cache, route -> metrics.cache(route).evicted());
            metrics.bindCache(cache::weightedBytes, cache::size, cache::evictions);
        } else {
            this.cache = null;
        }
        if (b.httpsPort >= 0) {
            this.tls = new TlsContexts(TlsContexts.defaultProvider(), b.tlsSessionResumption);
            Certificate fallback = b.defaultCertificate != null ? b.defaultCertificate
                    : SelfSignedCertificate.generate("breakwater.invalid");
            this.table = new TableHolder(metrics, tls, fallback, registry, limiters, config);
            metrics.tlsProvider(tls.provider().name());
        } else {
            this.tls = null;
            this.table = new TableHolder(metrics, null, null, registry, limiters, config);
        }
    }

    public static DataPlaneBuilder builder() {
        return new DataPlaneBuilder();
    }

    /**
     * Binds the listeners (with {@link DataPlaneBuilder#listenOnceServing}, the HTTP and HTTPS ones only with the first table).
     * Until a table is applied /readyz says not ready, and every request gets 404.
     */
    public synchronized DataPlane start() throws InterruptedException {
        if (workerGroup != null) {
            throw new IllegalStateException("already started");
        }
        workerGroup = new MultiThreadIoEventLoopGroup(workers, transport.ioHandlerFactory());
        adminGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        DnsNameResolverBuilder dns = new DnsNameResolverBuilder().datagramChannelType(transport.datagramChannel());
        if (hostsFile != null) {
            dns.hostsFileEntriesResolver(HostsFile.read(hostsFile));
        }
        resolver = new DnsAddressResolverGroup(dns);
        for (EventExecutor e : workerGroup) {
            EventLoop loop = (EventLoop) e;
            pools.put(loop, new UpstreamPool(loop, transport.channel(), config, resolver, clientTls));
        }
        l4 = new L4Listeners(workerGroup, transport, resolver, bindAddress, metrics.registry(), l4Settings,
                listenSettings.acceptsPerWakeup());
        if (table.router() != null) {
            l4.prepare(table.router().table()).commit();
        }
        connections = new DefaultChannelGroup("client-connections", GlobalEventExecutor.INSTANCE);
        accessLog = AccessLog.start(accessLogConfig, accessLogOutput);
        metrics.bindAccessLog(accessLog::written, accessLog::dropped);
        tracing = Tracing.start(tracingConfig);
        if (tracing.on()) {
            Tracing t = tracing;
            metrics.bindTracing(t::droppedSpans, t::exportedSpans, t::failedSpans);
            LOG.info("tracing: spans exported to {} (sample ratio {}, incoming traceparent {}, routes: {})",
                    tracingConfig.tracesUrl(), tracingConfig.sampleRatio(),
                    tracingConfig.trustIncoming() ? "trusted" : "not trusted",
                    tracingConfig.allRoutes() ? "all" : "opted-in");
        }
        ProxyServices services = new ProxyServices(table, config, metrics, Map.copyOf(pools), () -> draining,
                connections, cache, new RequestHeadCheck(requestPolicy), accessLog, tracing);
        this.services = services;
        listenerPorts = new ListenerPorts(workerGroup, transport, bindAddress, services, tls, listenSettings);
        if (table.router() != null) {
            listenerPorts.prepare(table.router().table()).commit();
        }
        if (listenOnceServing && !table.loaded()) {
            LOG.info("HTTP and HTTPS listeners bound once the first table is applied; until then connections to "
                    + "{}:{} are refused", bindAddress, requestedHttpPort);
        } else {
            bindListeners();
        }
        healthChecker = new HealthChecker(adminGroup.next(), transport, metrics.registry());
        Router current = table.router();
        if (current != null) {
            healthChecker.update(current);
        }
        admin = AdminServer.bind(adminGroup, transport, new InetSocketAddress(bindAddress, requestedAdminPort),
                table, metrics, () -> draining, cache, adminToken);
        LOG.info("data plane listening: http {}:{}, admin {}:{} ({} transport, {} event loops)",
                bindAddress, httpPort(), bindAddress, adminPort(), transport, workers);
        return this;
    }

    /** Binds the HTTP and HTTPS listeners (once). */
    private void bindListeners() throws InterruptedException {
        if (httpChannel != null) {
            return;
        }
        httpChannel = ServerSockets.bootstrap(workerGroup, transport, listenSettings)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                .childHandler(new ProxyInitializer(services, proxyProtocol("http")))
                .bind(new InetSocketAddress(bindAddress, requestedHttpPort)).sync().channel();
        if (tls != null) {
            httpsChannel = ServerSockets.bootstrap(workerGroup, transport, listenSettings)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                    .childHandler(new HttpsInitializer(services, tls, httpsPrelude()))
                    .bind(new InetSocketAddress(bindAddress, requestedHttpsPort)).sync().channel();
            String why = TlsContexts.openSslUnavailableReason();
            LOG.info("HTTPS on {}:{} with the {} TLS provider{}", bindAddress, httpsPort(), tls.provider(),
                    why == null ? " (BoringSSL)" : " (OpenSSL unavailable: " + why + ")");
        }
    }

    /**
     * The PROXY protocol gate of a listener: the data plane's own {@code --proxy-protocol-from} when set, else the
     * current table's ({@code use-proxy-protocol}), asked for each connection accepted.
     */
    private java.util.function.BiConsumer<Channel, Runnable> proxyProtocol(String listener) {
        if (proxyProtocolFrom.enabled()) {
            return l4.proxyProtocol(proxyProtocolFrom, listener);
        }
        return l4.proxyProtocol(table::proxyProtocolFrom, listener);
    }

    /** The HTTPS listener's first handlers: the PROXY protocol gate (when on), then TLS passthrough by SNI. */
    private java.util.function.BiConsumer<Channel, Runnable> httpsPrelude() {
        var gate = proxyProtocol("https");
        return (ch, rest) -> gate.accept(ch, () -> l4.httpsPassthrough(ch, rest));
    }

    /**
     * Serves a new table from now on. Requests in flight finish on the endpoints they have; idle pooled
     * connections to endpoints the new table no longer has are closed.
     *
     * @throws IllegalArgumentException if the table is inconsistent; the current table keeps serving
     */
    @Override
    public void apply(RoutingTable newTable) {
        apply(newTable, null);
    }

    /**
     * Serves a new table that differs from the one served by {@code changes} (what the deltas that made it name; see
     * {@link TableSink#apply(RoutingTable, TableChanges)}): only those hosts and clusters, and their endpoints, are
     * looked at. Otherwise as {@link #apply(RoutingTable)}.
     */
    @Override
    public void apply(RoutingTable newTable, TableChanges changes) {
        BindPlan l4Plan = l4 == null ? null : l4.prepare(newTable);
        BindPlan portsPlan = null;
        Router router;
        ProxyConfig before = table.config();
        try {
            portsPlan = listenerPorts == null ? null : listenerPorts.prepare(newTable, changes);
            router = table.apply(newTable, changes);
        } catch (RuntimeException e) {
            if (l4Plan != null) {
                l4Plan.abort();
            }
            if (portsPlan != null) {
                portsPlan.abort();
            }
            throw e;
        }
        if (l4Plan != null) {
            l4Plan.commit();
        }
        if (portsPlan != null) {
            portsPlan.commit();
        }
        if (listenOnceServing && httpChannel == null && services != null) {
            bindLate();
        }
        if (healthChecker != null) {
            healthChecker.update(router);
        }
        ProxyConfig limits = table.config();
        if (!limits.equals(before)) {
            for (UpstreamPool pool : pools.values()) {
                pool.eventLoop().execute(() -> pool.configure(limits));
            }
        }
        endpoints.swapped(router);
    }

    /** The listeners of a data plane that listens once it serves: bound with its first table. */
    private synchronized void bindLate() {
        if (httpChannel != null || draining) {
            return;
        }
        try {
            bindListeners();
            LOG.info("first table applied: listening on {}:{}", bindAddress, httpPort());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the listeners", e);
        }
    }

    /** Drain timeout of endpoints that left the table (the default of {@code ClusterPolicy.drainTimeoutMillis}). */
    static final long DEFAULT_DRAIN_MILLIS = 30_000;

    /** The table being served, or null before the first. */
    @Override
    public RoutingTable table() {
        var r = table.router();
        return r == null ? null : r.table();
    }

    /** The router being served, or null before the first table (tests). */
    Router router() {
        return table.router();
    }

    /** The endpoint bookkeeping (tests). */
    EndpointBook endpointBook() {
        return endpoints;
    }

    /** The response cache, or null when it is off. */
    public ResponseCache cache() {
        return cache;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The listener ports of the table (a Gateway's own), or null before {@link #start()}. */
    public ListenerPorts listenerPorts() {
        return listenerPorts;
    }

    /** The L4 listeners (TCP, UDP, TLS passthrough), or null before {@link #start()}. */
    public L4Listeners l4() {
        return l4;
    }

    /** The HTTP port, or -1 while a data plane that listens once it serves has no table yet. */
    public int httpPort() {
        return httpChannel == null ? -1 : ((InetSocketAddress) httpChannel.localAddress()).getPort();
    }

    /** The HTTPS port, or -1 without an HTTPS listener. */
    public int httpsPort() {
        return httpsChannel == null ? -1 : ((InetSocketAddress) httpsChannel.localAddress()).getPort();
    }

    /** The TLS provider in use ({@code OPENSSL} or {@code JDK}), or null without HTTPS. */
    public String tlsProvider() {
        return tls == null ? null : tls.provider().name();
    }

    public int adminPort() {
        return admin.port();
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Stops gracefully, as a data-plane pod must on SIGTERM: {@code /readyz} fails at once and every response
     * from then on carries {@code Connection: close}; the listeners keep accepting for {@code grace} (so that
     * the load balancer in front notices); then they stop accepting, idle connections close, HTTP/2
     * connections get GOAWAY, and requests in flight have until {@code deadline} (counted from the end of the
     * grace period) to finish. Returns the number of client connections still open at the deadline, which are
     * then closed.
     */
    public int drainAndClose(java.time.Duration grace, java.time.Duration deadline) throws InterruptedException {
        draining = true;
        LOG.info("draining: not ready; still accepting for {} ms", grace.toMillis());
        Thread.sleep(grace.toMillis());
        if (httpChannel != null) {
            httpChannel.close().syncUninterruptibly();
        }
        if (httpsChannel != null) {
            httpsChannel.close().syncUninterruptibly();
        }
        if (l4 != null) {
            l4.stopAccepting();
        }
        if (listenerPorts != null) {
            listenerPorts.stopAccepting();
        }
        for (Channel c : connections) {
            c.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        }
        long end = System.nanoTime() + deadline.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        int left = connections.size();
        LOG.info("drained: {} client connection(s) left at the deadline", left);
        close();
        return left;
    }

    /** True once {@link #drainAndClose} has begun. */
    public boolean draining() {
        return draining;
    }

    /** Stops accepting, closes client and upstream connections, and releases the event loops. */
    @Override
    public synchronized void close() {
        if (workerGroup == null) {
            return;
        }
        draining = true;
        if (httpChannel != null) {
            httpChannel.close().syncUninterruptibly();
        }
        listenerPorts.close();
        connections.close();
        if (httpsChannel != null) {
            httpsChannel.close().syncUninterruptibly();
        }
        admin.close();
        healthChecker.close();
        l4.close();
        for (UpstreamPool pool : pools.values()) {
            pool.eventLoop().execute(pool::closeAll);
        }
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        resolver.close();
        if (cache != null) {
            cache.close(); // with a disk tier: what memory holds is written there for the next start
        }
        accessLog.close();
        tracing.close(); // what is queued is exported
        workerGroup = null;
    }
}
