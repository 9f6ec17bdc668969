package dev.breakwater.dataplane.listen;

import dev.breakwater.channel.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;

/**
 * The one place a listening socket's options are set, for the HTTP and HTTPS listeners, the table's listener ports
 * and the L4 TCP listeners: the accept queue, address reuse, how many connections are accepted per wakeup, and
 * {@code TCP_NODELAY} on what is accepted. Callers add their own child options and handlers.
 */
public final class ServerSockets {

    private ServerSockets() {
    }

    /**
     * A bootstrap for a listener on {@code group}.
     *
     * @param backlog          the accept queue, in connections
     * @param acceptsPerWakeup connections accepted each time the listener's event loop turns to it
     */
    public static ServerBootstrap bootstrap(EventLoopGroup group, Transport transport, int backlog,
                                            int acceptsPerWakeup) {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, acceptBatches(acceptsPerWakeup))
                .childOption(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * Up to {@code n} accepts per wakeup, until the queue is empty. Without {@code respectMaybeMoreData(false)} the
     * count alone does nothing on level-triggered epoll (Netty 4.2's mode): its guess of "more to read" compares an
     * accepted fd with one byte and stops after the first connection.
     */
    private static ServerChannelRecvByteBufAllocator acceptBatches(int n) {
        ServerChannelRecvByteBufAllocator a = new ServerChannelRecvByteBufAllocator();
        a.maxMessagesPerRead(n);
        a.respectMaybeMoreData(false);
        return a;
    }

    /** A bootstrap for an HTTP or HTTPS listener with these settings. */
    public static ServerBootstrap bootstrap(EventLoopGroup group, Transport transport, ListenSettings settings) {
        return bootstrap(group, transport, settings.backlog(), settings.acceptsPerWakeup());
    }
}
