package dev.breakwater.dataplane.channel;

import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.channel.ChannelPipelines;
import dev.breakwater.channel.Transport;
import dev.breakwater.routing.RoutingTable;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data plane's end of the push channel: connects to the operator's table server over mutual TLS, says
 * {@code HELLO} with the table it serves (and protocol 2: deltas and compressed frames welcome), applies every
 * {@code TABLE} and {@code DELTA} it receives to the {@link TableSink data plane} ({@link TableApplier}) and answers
 * {@code ACK}, or {@code NACK} with the reason when the data plane refuses it (the previous table keeps serving). When the connection is lost it reconnects with exponential backoff and jitter, and keeps serving
 * its last table meanwhile. With a table cache file, every applied table is written there, and the cached
 * table is applied at {@link #start()}, before the operator is reached.
 *
 * <p>Threads: one event loop of its own for the connection, and one thread that decodes and applies tables, so
 * that the event loop never waits for a table swap. Tables and deltas that arrive while one is being applied are
 * taken together: only the table they give is applied.
 */
public final class TableClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TableClient.class);

    private final String host;
    private final int port;
    private final SslContext ssl;
    private final String serverName;
    private final String node;
    private final String pod;
    private final TableSink dataPlane;
    private final TableCache cache;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final Duration keepAlive;
    private final int maxFrameBytes;
    private final Transport transport;

    private final TableApplier tables;
    private EventLoopGroup group;
    private ExecutorService applier;
    private Bootstrap bootstrap;
    private volatile Channel channel;
    private volatile boolean connected;
    private volatile boolean closed;
    /** Failed attempts since a message last arrived from the operator; event loop only. */
    private int failures;

    private TableClient(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.ssl = b.ssl;
        this.serverName = b.serverName != null ? b.serverName : b.host;
        this.node = b.node;
        this.pod = b.pod;
        this.dataPlane = b.dataPlane;
        this.cache = b.cacheFile == null ? null : new TableCache(b.cacheFile);
        this.initialBackoffMillis = b.initialBackoff.toMillis();
        this.maxBackoffMillis = b.maxBackoff.toMillis();
        this.keepAlive = b.keepAlive;
        this.maxFrameBytes = b.maxFrameBytes;
        this.transport = b.transport;
        this.tables = new TableApplier(dataPlane, cache);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Applies the cached table if there is one (a cache that cannot be read or applied is logged and ignored),
     * then starts connecting; returns at once.
     */
    public synchronized TableClient start() {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        if (cache != null) {
            applyCache();
        }
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("breakwater-channel", true),
                transport.ioHandlerFactory());
        applier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "breakwater-table-apply");
            t.setDaemon(true);
            return t;
        });
        bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), serverName, port));
                        ch.pipeline().addLast("handshake", new HandshakeGate());
                    }
                });
        group.execute(this::connect);
        return this;
    }

    /** True while connected to the operator (TLS established and {@code HELLO} sent). */
    public boolean connected() {
        return connected;
    }

    private void applyCache() {
        try {
            RoutingTable cached = cache.load();
            if (cached != null) {
                dataPlane.apply(cached);
                LOG.info("serving cached table v{} from {} until the operator answers", cached.version(),
                        cache.file());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("table cache {} not used: {}", cache.file(), e.getMessage());
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                retry("cannot connect: " + ChannelPipelines.describe(f.cause()));
                return;
            }
            channel = f.channel();
            f.channel().closeFuture().addListener(c -> {
                boolean wasConnected = connected;
                connected = false;
                channel = null;
                retry(wasConnected ? "connection lost" : "connection closed before it was established");
            });
        });
    }

    private void retry(String why) {
        if (closed) {
            return;
        }
        long delay = backoffMillis(failures++, initialBackoffMillis, maxBackoffMillis);
        LOG.warn("push channel to {}:{}: {}; next attempt in {} ms (the current table keeps serving)", host, port,
                why, delay);
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * The wait before attempt {@code failures + 1}: {@code initial * 2^failures}, at most {@code max}, of which
     * a random part (up to half) is taken off, so that data planes cut off together do not come back together.
     */
    static long backoffMillis(int failures, long initial, long max) {
        long ceiling = Math.min(max, initial << Math.min(failures, 30));
        long half = ceiling / 2;
        return ceiling - (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** Installs the messaging handlers once the handshake succeeded, then says HELLO. */
    private final class HandshakeGate extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (!done.isSuccess()) {
                    LOG.warn("push channel to {}:{}: TLS handshake failed: {}", host, port,
                            ChannelPipelines.describe(done.cause()));
                    ctx.close();
                    return;
                }
                ChannelPipelines.addMessaging(ctx.pipeline(), maxFrameBytes, keepAlive);
                ctx.pipeline().addLast("tables", new TableHandler());
                ctx.pipeline().remove(this);
                RoutingTable current = dataPlane.table();
                ctx.channel().writeAndFlush(new ChannelMessage.Hello(ChannelMessage.PROTOCOL, node, pod,
                        current == null ? 0 : current.version(), current == null ? null : current.hash(),
                        ChannelMessage.MAX_PROTOCOL));
                connected = true;
                LOG.info("push channel: connected to {}:{} as {}/{} (serving {})", host, port, node, pod,
                        current == null ? "no table yet" : "table v" + current.version());
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("push channel to {}:{}: {}", host, port, ChannelPipelines.describe(cause));
            ctx.close(); // the handshake event that follows says what went wrong
        }
    }

    /** Takes tables to the applier; every message from the operator shows it is there, which resets backoff. */
    private final class TableHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            failures = 0;
            if (msg instanceof ChannelMessage.Table || msg instanceof ChannelMessage.Delta) {
                tables.received(ctx.channel(), (ChannelMessage) msg);
                applier.execute(tables::applyPending);
            } else if (!(msg instanceof ChannelMessage.Ping) && !(msg instanceof ChannelMessage.Pong)) {
                LOG.warn("push channel to {}:{}: unexpected {}; closing", host, port, msg);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("push channel to {}:{}: {}; closing", host, port, ChannelPipelines.describe(cause));
            ctx.close();
        }
    }

    /** Disconnects and stops reconnecting; the data plane keeps serving its table. */
    @Override
    public synchronized void close() {
        if (group == null || closed) {
            return;
        }
        closed = true;
        Channel c = channel;
        if (c != null) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        applier.shutdown();
        try {
            applier.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a {@link TableClient}; every setter checks its argument. */
    public static final class Builder {
        private String host;
        private int port;
        private SslContext ssl;
        private String serverName;
        private String node;
        private String pod;
        private TableSink dataPlane;
        private Path cacheFile;
        private Duration initialBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(15);
        private Duration keepAlive = ChannelPipelines.DEFAULT_KEEP_ALIVE;
        private int maxFrameBytes = ChannelPipelines.DEFAULT_MAX_FRAME_BYTES;
        private Transport transport = Transport.best();

        private Builder() {
        }

        /** The operator's table service. */
        public Builder operator(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
            this.port = port;
            return this;
        }

        /** From {@link ChannelTls#client}. */
        public Builder tls(SslContext value) {
            Objects.requireNonNull(value, "tls");
            if (!value.isClient()) {
                throw new IllegalArgumentException("tls: a server context (expected: ChannelTls.client(...))");
            }
            this.ssl = value;
            return this;
        }

        /** The name the operator's certificate must carry (and the SNI sent); default: the operator's host. */
        public Builder serverName(String value) {
            this.serverName = Objects.requireNonNull(value, "serverName");
            return this;
        }

        /** How this data plane names itself: its node and pod (the operator's id for it is {@code node/pod}). */
        public Builder identity(String node, String pod) {
            this.node = requireText(node, "node");
            this.pod = requireText(pod, "pod");
            return this;
        }

        /** The data plane that serves the tables received. */
        public Builder dataPlane(TableSink value) {
            this.dataPlane = Objects.requireNonNull(value, "dataPlane");
            return this;
        }

        /** Where the last applied table is kept (holding private keys); unset: nowhere. */
        public Builder tableCache(Path value) {
            this.cacheFile = Objects.requireNonNull(value, "tableCache");
            return this;
        }

        /** Reconnect delays: from {@code initial}, doubling per failed attempt, up to {@code max}, with jitter. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff: " + initial + ", " + max
                        + " (expected: initial >= 1 ms, max >= initial)");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** A PING after this long without writing; a silent operator is dropped after three times as long. */
        public Builder keepAlive(Duration value) {
            if (value.toMillis() < 10) {
                throw new IllegalArgumentException("keepAlive: " + value + " (expected: >= 10 ms)");
            }
            this.keepAlive = value;
            return this;
        }

        /** The largest frame (a table) accepted; default 64 MiB. */
        public Builder maxFrameBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("maxFrameBytes: " + value + " (expected: >= 1024)");
            }
            this.maxFrameBytes = value;
            return this;
        }

        public Builder transport(Transport value) {
            this.transport = Objects.requireNonNull(value, "transport");
            return this;
        }

        public TableClient build() {
            if (host == null || ssl == null || node == null || dataPlane == null) {
                throw new IllegalStateException("operator, tls, identity and dataPlane are required");
            }
            return new TableClient(this);
        }

        private static String requireText(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + ": blank");
            }
            return value;
        }
    }
}
