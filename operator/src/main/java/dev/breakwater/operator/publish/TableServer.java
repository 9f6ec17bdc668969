package dev.breakwater.operator.publish;

import dev.breakwater.channel.Transport;
import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.channel.ChannelPipelines;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableLayout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's end of the push channel: data planes connect over mutual TLS (a peer without a certificate
 * of the channel's CA fails the handshake and is sent nothing), say {@code HELLO}, and are sent the latest
 * table, then each table {@link #publish}ed, answering each with {@code ACK} or {@code NACK}.
 *
 * <p>Publishing never waits for a data plane: the table is encoded once, and each connection is sent it from
 * its own event loop. A connection holds at most one table in flight and, behind it, only the latest one
 * published, so a slow data plane skips versions instead of holding up the others or piling up tables. A data
 * plane whose {@code HELLO} names the hash of the latest table is not sent it again, and counts as serving it.
 *
 * <p>A data plane that speaks protocol 2 is sent, when it holds the table published before, only the delta from it,
 * and otherwise the whole table, compressed; a data plane that cannot apply a delta says so ({@code NACK} with
 * {@code resync}) and is sent the whole table. Each form is made once, for every connection ({@link PublishedTable}).
 *
 * <p>Meters: {@code breakwater.channel.dataplanes.connected} (gauge), {@code breakwater.channel.table.version}
 * (gauge, the version published last), {@code
 * breakwater.channel.dataplane.table.version{dataplane}} (gauge, the version each serves),
 * {@code breakwater.channel.push.latency} (timer, from publication, or from the data plane's {@code HELLO} if
 * later, to its ACK), {@code breakwater.channel.nacks} (counter), {@code breakwater.channel.tables.sent{kind}}
 * (counter, {@code full} or {@code delta}) and {@code breakwater.channel.resyncs} (counter).
 *
 * <p>Each connection is a {@link HandshakeGate} until its handshake verified the peer, then a
 * {@link DataPlaneConnection}; this class keeps what they share: the latest table, the connected data planes and the
 * meters.
 */
public final class TableServer implements TablePublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TableServer.class);
    /** Data planes send small messages only (a NACK's reason is at most a few KiB). */
    private static final int MAX_INBOUND_FRAME_BYTES = 1024 * 1024;
    /** Publication times remembered for the push latency (ACKs come for recent versions). */
    private static final int RECENT_VERSIONS = 256;

    /** Told of each ACK and NACK, on a thread of the server's own (so it may block). */
    @FunctionalInterface
    public interface Listener {
        void answered(DataPlaneStatus dataPlane, DataPlaneStatus.Answer answer);
    }

    private final String bindAddress;
    private final int requestedPort;
    private final SslContext ssl;
    private final int maxFrameBytes;
    private final Duration keepAlive;
    private final MeterRegistry registry;
    private final Listener listener;
    /** Told when the data planes' state changed (see {@link #onDataPlanesChanged}). */
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final Transport transport;
    private final int threads;

    /** Connections that said HELLO, by data-plane id; guarded by itself for changes. */
    private final Map<String, DataPlaneConnection> peers = new ConcurrentHashMap<>();
    /** When each recent version was published ({@link System#nanoTime()}), by version; guarded by itself. */
    private final Map<Long, Long> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > RECENT_VERSIONS;
        }
    };
    private volatile PublishedTable latest;
    /** The encodings of the latest table's parts; guarded by itself (publishers only). */
    private final PartEncodings encodings = new PartEncodings();
    private final ChannelMeters meters;

    private EventLoopGroup group;
    private ChannelGroup channels;
    private Channel serverChannel;
    private volatile ExecutorService events;
    /** Compresses whole tables for protocol-2 peers, off the event loops. */
    private volatile ExecutorService compressor;

    private TableServer(Builder b) {
        this.bindAddress = b.bindAddress;
        this.requestedPort = b.port;
        this.ssl = b.ssl;
        this.maxFrameBytes = b.maxFrameBytes;
        this.keepAlive = b.keepAlive;
        this.registry = b.registry;
        this.listener = b.listener;
        this.transport = b.transport;
        this.threads = b.threads;
        this.meters = new ChannelMeters(registry, peers, this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port. */
    public synchronized TableServer start() throws InterruptedException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("breakwater-tables", true),
                transport.ioHandlerFactory());
        channels = new DefaultChannelGroup("push-channel", GlobalEventExecutor.INSTANCE);
        events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "breakwater-table-answers");
            t.setDaemon(true);
            return t;
        });
        compressor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "breakwater-table-compress");
            t.setDaemon(true);
            return t;
        });
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        ch.pipeline().addLast("handshake", new HandshakeGate(TableServer.this,
                                MAX_INBOUND_FRAME_BYTES, keepAlive));
                    }
                })
                .bind(new InetSocketAddress(bindAddress, requestedPort)).sync().channel();
        LOG.info("push channel: table service on {}:{}", bindAddress, port());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Makes this table the latest and sends it to every connected data plane; returns at once.
     *
     * @throws IllegalArgumentException if its version is not above the last one published, or it does not fit
     *                                  in a frame
     */
    @Override
    public void publish(RoutingTable table) {
        Objects.requireNonNull(table, "table");
        TableLayout layout;
        synchronized (encodings) {
            layout = encodings.layout(table);
        }
        long bytes = ChannelPipelines.frameBytes(new ChannelMessage.Table(table.version(), table.hash(), new byte[0]))
                + layout.length();
        if (bytes > maxFrameBytes) {
            throw new IllegalArgumentException("table v" + table.version() + " is " + bytes
                    + " bytes, more than the push channel's largest frame (" + maxFrameBytes + " bytes)");
        }
        synchronized (recent) {
            PublishedTable last = latest;
            if (last != null && table.version() <= last.version()) {
                throw new IllegalArgumentException("table version " + table.version()
                        + " (expected: above the last published, " + last.version() + ")");
            }
            PublishedTable p = PublishedTable.of(table, layout, last, System.nanoTime());
            recent.put(table.version(), p.publishedNanos());
            latest = p;
        }
        for (DataPlaneConnection peer : peers.values()) {
            peer.offer();
        }
    }

    /** The version published last, or -1 before the first. */
    public long latestVersion() {
        PublishedTable p = latest;
        return p == null ? -1 : p.version();
    }

    /** The data planes connected now, by id. */
    public List<DataPlaneStatus> dataPlanes() {
        List<DataPlaneStatus> out = new ArrayList<>();
        for (DataPlaneConnection p : peers.values()) {
            out.add(p.status());
        }
        out.sort(Comparator.comparing(DataPlaneStatus::id));
        return out;
    }

    /**
     * True when at least one data plane is connected and every connected one has ACKed a version of at least
     * {@code version} (on its current connection, or by naming the latest table's hash in its HELLO).
     */
    @Override
    public boolean allAcked(long version) {
        List<DataPlaneStatus> now = dataPlanes();
        return !now.isEmpty() && now.stream().allMatch(d -> d.servedVersion() >= version);
    }

    /** The highest version each connected data plane serves, by its {@code node/pod} id (-1: none yet). */
    @Override
    public Map<String, Long> ackedVersions() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (DataPlaneStatus d : dataPlanes()) {
            out.put(d.id(), d.servedVersion());
        }
        return out;
    }

    /**
     * {@code listener} runs after each ACK or NACK (after the {@link Listener}), and when a data plane connects
     * or leaves, on the thread that tells the {@link Listener}.
     */
    @Override
    public void onDataPlanesChanged(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Runs the change listeners on the answers thread. */
    void dataPlanesChanged() {
        ExecutorService e = events;
        if (changeListeners.isEmpty() || e == null) {
            return;
        }
        try {
            e.execute(() -> {
                for (Runnable r : changeListeners) {
                    try {
                        r.run();
                    } catch (RuntimeException ex) {
                        LOG.error("push channel: a data-plane change listener failed", ex);
                    }
                }
            });
        } catch (RejectedExecutionException closed) {
            // closing: nobody needs to hear it
        }
    }

    /**
     * This replica stopped leading: every data-plane connection is closed (they keep serving and reconnect,
     * through the channel Service, to the new leader); the port stays open for when it leads again.
     */
    @Override
    public void withdraw() {
        ChannelGroup open = channels;
        if (open != null) {
            open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** Closes every connection and the port. Data planes keep serving their tables and try to reconnect. */
    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        events.shutdown();
        compressor.shutdownNow();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        meters.close();
        group = null;
    }

    /** When a version was published, or null if it is not a recent one. */
    Long publishedNanos(long version) {
        synchronized (recent) {
            return recent.get(version);
        }
    }

    /** The table published last, or null. */
    PublishedTable latest() {
        return latest;
    }

    /** Where whole tables are compressed. */
    java.util.concurrent.Executor compressor() {
        return compressor;
    }

    /** The meters, for the connections to count on. */
    ChannelMeters meters() {
        return meters;
    }

    /** What {@link #joined} did: the older connection of the same data plane (to close), its served-version gauge. */
    record Joined(DataPlaneConnection replaced, AtomicLong servedGauge) {
    }

    /** Data plane {@code id} said HELLO on {@code connection}, replacing any older connection of it. */
    Joined joined(String id, DataPlaneConnection connection) {
        synchronized (peers) {
            DataPlaneConnection replaced = peers.put(id, connection);
            return new Joined(replaced, meters.servedVersion(id));
        }
    }

    /** {@code connection} of data plane {@code id} closed; nothing happens if a newer one replaced it. */
    void left(String id, DataPlaneConnection connection) {
        synchronized (peers) {
            if (peers.remove(id, connection)) {
                meters.left(id);
            }
        }
    }

    /** Tells the {@link Listener} (on the answers thread), then the change listeners. */
    void answered(DataPlaneStatus status, DataPlaneStatus.Answer answer) {
        if (listener != null) {
            try {
                events.execute(() -> {
                    try {
                        listener.answered(status, answer);
                    } catch (RuntimeException e) {
                        LOG.error("push channel: the answer listener failed", e);
                    }
                });
            } catch (RejectedExecutionException closed) {
                return;
            }
        }
        dataPlanesChanged();
    }

    /** Settings of a {@link TableServer}; every setter checks its argument. */
    public static final class Builder {
        private String bindAddress = "0.0.0.0";
        private int port = 9400;
        private SslContext ssl;
        private int maxFrameBytes = ChannelPipelines.DEFAULT_MAX_FRAME_BYTES;
        private Duration keepAlive = ChannelPipelines.DEFAULT_KEEP_ALIVE;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private Listener listener;
        private Transport transport = Transport.best();
        private int threads = Math.min(4, Runtime.getRuntime().availableProcessors());

        private Builder() {
        }

        public Builder bindAddress(String value) {
            this.bindAddress = Objects.requireNonNull(value, "bindAddress");
            return this;
        }

        /** The port (default 9400); 0 picks a free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port: " + value + " (expected: 0-65535)");
            }
            this.port = value;
            return this;
        }

        /** From {@code ChannelTls.server}: it requires client certificates. */
        public Builder tls(SslContext value) {
            Objects.requireNonNull(value, "tls");
            if (value.isClient()) {
                throw new IllegalArgumentException("tls: a client context (expected: ChannelTls.server(...))");
            }
            this.ssl = value;
            return this;
        }

        /** The largest table frame sent (default 64 MiB); a larger table is refused by {@link #publish}. */
        public Builder maxFrameBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("maxFrameBytes: " + value + " (expected: >= 1024)");
            }
            this.maxFrameBytes = value;
            return this;
        }

        /** A PING after this long without writing; a silent data plane is dropped after three times as long. */
        public Builder keepAlive(Duration value) {
            if (value.toMillis() < 10) {
                throw new IllegalArgumentException("keepAlive: " + value + " (expected: >= 10 ms)");
            }
            this.keepAlive = value;
            return this;
        }

        /** Where the meters go (default: a registry of its own). */
        public Builder meterRegistry(MeterRegistry value) {
            this.registry = Objects.requireNonNull(value, "meterRegistry");
            return this;
        }

        public Builder listener(Listener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Event-loop threads (default: the CPUs, at most 4). */
        public Builder threads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("threads: " + value + " (expected: >= 1)");
            }
            this.threads = value;
            return this;
        }

        public Builder transport(Transport value) {
            this.transport = Objects.requireNonNull(value, "transport");
            return this;
        }

        public TableServer build() {
            if (ssl == null) {
                throw new IllegalStateException("tls is required: the push channel carries private keys");
            }
            return new TableServer(this);
        }
    }
}
