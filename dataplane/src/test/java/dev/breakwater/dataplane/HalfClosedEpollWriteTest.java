package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.channel.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The epoll transport as {@link Transport} makes it, on real sockets: a half-closed channel whose interest set has
 * emptied (no read asked for, the peer's FIN handled, nothing to write) can still write more than its socket takes at
 * once. With Netty 4.2.18's own handler the fd has left epoll by then, the write's {@code EPOLLOUT} fails with ENOENT
 * and the whole write is dropped.
 */
class HalfClosedEpollWriteTest {

    @Test
    void aWriteLargerThanTheSocketTakesAfterThePeersHalfCloseArrivesWhole() throws Exception {
        assertThat(Epoll.isAvailable()).as("native epoll (the data plane's default transport)").isTrue();
        byte[] payload = new byte[8 * 1024 * 1024]; // more than tcp_wmem's maximum, 4 MiB by default
        new Random(5).nextBytes(payload);
        CompletableFuture<Throwable> written = new CompletableFuture<>();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Transport.EPOLL.ioHandlerFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(Transport.EPOLL.serverChannel())
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    // reads on request, as a proxy respecting backpressure does: EPOLLIN is off between reads
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.read();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof ChannelInputShutdownEvent) {
                                // later on the loop: once the peer's FIN is handled, nothing is left to watch for
                                ctx.channel().eventLoop().execute(() -> {
                                    ChannelFuture f = ctx.writeAndFlush(Unpooled.wrappedBuffer(payload));
                                    f.addListener(done -> {
                                        written.complete(done.cause());
                                        ctx.close();
                                    });
                                });
                            }
                            ctx.fireUserEventTriggered(evt);
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) server.localAddress()).getPort())) {
                client.setSoTimeout(20_000);
                client.getOutputStream().write('?');
                client.shutdownOutput();
                byte[] back = client.getInputStream().readAllBytes();
                assertThat(written.get(20, TimeUnit.SECONDS)).isNull();
                assertThat(back.length).isEqualTo(payload.length);
                assertThat(back).isEqualTo(payload);
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
