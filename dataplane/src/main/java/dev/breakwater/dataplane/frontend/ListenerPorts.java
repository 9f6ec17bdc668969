package dev.breakwater.dataplane.frontend;

import dev.breakwater.channel.Transport;
import dev.breakwater.dataplane.exchange.ProxyServices;
import dev.breakwater.dataplane.listen.BindPlan;
import dev.breakwater.dataplane.listen.ListenSettings;
import dev.breakwater.dataplane.listen.ServerSockets;
import dev.breakwater.dataplane.tls.TlsContexts;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.VirtualHost;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener ports of the table ({@link ListenerPort}, a Gateway's own ports), opened and closed as tables change,
 * beside the shared HTTP and HTTPS listeners and with the same connection handling (HTTP/1.1 and h2c on a plain port,
 * TLS with ALPN on a TLS one); which hosts a request there may reach is the router's business ({@code
 * Router#route(int, ...)}). A table is taken in two steps, as the L4 listeners take it: {@link #prepare} binds the ports
 * it adds (a port that cannot be bound, or a TLS port on a data plane without TLS, fails the table and nothing
 * changes), {@link BindPlan#commit} closes the ports it drops and their connections. Ports that stay are not touched.
 * A table that comes with the {@link TableChanges} from the one served is read through them: only the hosts they name
 * are looked at, beside the hosts of the table served that have a listener port (kept by host key).
 */
public final class ListenerPorts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerPorts.class);

    private final EventLoopGroup workers;
    private final Transport transport;
    private final String bindAddress;
    private final ProxyServices services;
    private final TlsContexts tls;
    private final ListenSettings listen;
    private final Map<Integer, Bound> bound = new TreeMap<>();
    /** The listener port of each host of the table last committed that has one, by host key. */
    private Map<String, ListenerPort> hostPorts = Map.of();
    /** The hash of the table last committed; null before the first, or when its host keys were not unique. */
    private String committedHash;
    private boolean accepting = true;

    /**
     * @param tls null when the data plane has no TLS (then a table with a TLS listener port is refused)
     */
    public ListenerPorts(EventLoopGroup workers, Transport transport, String bindAddress, ProxyServices services,
                         TlsContexts tls, ListenSettings listen) {
        this.workers = workers;
        this.listen = listen;
        this.transport = transport;
        this.bindAddress = bindAddress;
        this.services = services;
        this.tls = tls;
    }

    /**
     * Binds the listener ports {@code table} adds.
     *
     * @throws IllegalArgumentException naming the port: it cannot be bound, it is TLS on a data plane without TLS, or
     *                                  it is plain in one host and TLS in another
     */
    public BindPlan prepare(RoutingTable table) {
        return prepare(table, null);
    }

    /**
     * Binds the listener ports {@code table} adds, reading only the hosts {@code changes} names when they lead from
     * the table last committed to this one (otherwise, or when null, every host of the table). Otherwise as
     * {@link #prepare(RoutingTable)}.
     */
    public synchronized BindPlan prepare(RoutingTable table, TableChanges changes) {
        Map<String, ListenerPort> ports;
        if (changes != null && committedHash != null && changes.baseHash().equals(committedHash)
                && changes.hash().equals(table.hash())) {
            ports = new HashMap<>(hostPorts);
            changes.hosts().forEach((key, vh) -> {
                if (vh == null || vh.listener() == null) {
                    ports.remove(key);
                } else {
                    ports.put(key, vh.listener());
                }
            });
        } else {
            ports = hostPorts(table);
        }
        Map<Integer, ListenerPort> wanted = wanted(ports == null ? portsOfEveryHost(table) : ports.values());
        String hash = ports == null ? null : table.hash();
        Map<String, ListenerPort> kept = ports == null ? Map.of() : ports;
        return BindPlan.bind(wanted.values(), ListenerPort::port, p -> {
            Bound now = bound.get(p.port());
            return accepting && (now == null || !now.port.equals(p));
        }, this::bind, Bound::close, fresh -> commit(wanted, fresh, kept, hash));
    }

    /** The listener port of each host that has one, by host key; null when two hosts have the same key. */
    private static Map<String, ListenerPort> hostPorts(RoutingTable table) {
        Map<String, ListenerPort> out = new HashMap<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (VirtualHost vh : table.virtualHosts()) {
            if (!keys.add(vh.key())) {
                return null;
            }
            if (vh.listener() != null) {
                out.put(vh.key(), vh.listener());
            }
        }
        return out;
    }

    private static java.util.List<ListenerPort> portsOfEveryHost(RoutingTable table) {
        java.util.List<ListenerPort> out = new java.util.ArrayList<>();
        for (VirtualHost vh : table.virtualHosts()) {
            if (vh.listener() != null) {
                out.add(vh.listener());
            }
        }
        return out;
    }

    private static Map<Integer, ListenerPort> wanted(java.util.Collection<ListenerPort> ports) {
        Map<Integer, ListenerPort> wanted = new TreeMap<>();
        for (ListenerPort p : ports) {
            ListenerPort other = wanted.putIfAbsent(p.port(), p);
            if (other != null && !other.equals(p)) {
                // in port order and TLS before plain, whichever host came first
                ListenerPort first = other.tls() ? other : p;
                ListenerPort second = other.tls() ? p : other;
                throw new IllegalArgumentException("listener port " + p.port() + " is both " + first + " and "
                        + second + " (expected: one)");
            }
        }
        return wanted;
    }

    private synchronized void commit(Map<Integer, ListenerPort> wanted, Map<Integer, Bound> fresh,
                                     Map<String, ListenerPort> ports, String hash) {
        hostPorts = ports;
        committedHash = hash;
        for (var it = bound.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (fresh.containsKey(e.getKey()) || !wanted.containsKey(e.getKey())) {
                LOG.info("listener port {} closed (no longer in the table), with its connections", e.getValue().port);
                e.getValue().close();
                it.remove();
            }
        }
        bound.putAll(fresh);
    }

    private Bound bind(ListenerPort port) {
        if (port.tls() && tls == null) {
            throw new IllegalArgumentException("listener port " + port + ": this data plane has no TLS (expected: "
                    + "a plain port)");
        }
        ChannelGroup children = new DefaultChannelGroup("listener-" + port, GlobalEventExecutor.INSTANCE);
        ChannelHandler pipeline = port.tls() ? new HttpsInitializer(services, tls) : new ProxyInitializer(services);
        try {
            Channel server = ServerSockets.bootstrap(workers, transport, listen)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            children.add(ch);
                            ch.pipeline().addLast(pipeline);
                        }
                    })
                    .bind(new InetSocketAddress(bindAddress, port.port())).syncUninterruptibly().channel();
            LOG.info("listener port {} open on {}", port, bindAddress);
            return new Bound(port, server, children);
        } catch (Exception e) { // a failed bind is rethrown unchecked (Netty's NativeIoException is an IOException)
            throw new IllegalArgumentException("listener port " + port + ": cannot listen on " + bindAddress + ":"
                    + port.port() + ": " + e.getMessage(), e);
        }
    }

    /** The ports listened on now, in port order. */
    public synchronized java.util.List<ListenerPort> ports() {
        return bound.values().stream().map(b -> b.port).toList();
    }

    /** Stops accepting on every listener port (draining); their connections are the data plane's to drain. */
    public synchronized void stopAccepting() {
        accepting = false;
        bound.values().forEach(b -> b.server.close().syncUninterruptibly());
    }

    @Override
    public synchronized void close() {
        accepting = false;
        bound.values().forEach(Bound::close);
        bound.clear();
    }

    private record Bound(ListenerPort port, Channel server, ChannelGroup children) {
        void close() {
            server.close().syncUninterruptibly();
            children.close();
        }
    }
}
