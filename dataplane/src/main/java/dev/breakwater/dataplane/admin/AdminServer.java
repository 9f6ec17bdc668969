package dev.breakwater.dataplane.admin;

import dev.breakwater.channel.Transport;
import dev.breakwater.dataplane.cache.ResponseCache;
import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/** The admin listener, on its own event loop so that it answers even when the proxy loops are saturated. */
public final class AdminServer {

    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    public static AdminServer bind(EventLoopGroup group, Transport transport, InetSocketAddress address,
                                   TableHolder table, ProxyMetrics metrics, BooleanSupplier draining,
                                   ResponseCache cache, String adminToken)
            throws InterruptedException {
        AdminHandler handler = new AdminHandler(table, metrics, draining, cache, adminToken);
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), handler);
                    }
                })
                .bind(address).sync().channel();
        return new AdminServer(ch);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public void close() {
        channel.close().syncUninterruptibly();
    }
}
