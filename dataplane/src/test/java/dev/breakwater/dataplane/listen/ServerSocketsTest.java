package dev.breakwater.dataplane.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.channel.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A burst of connections that arrives while the listener's event loop is busy: how many of them one turn of the loop
 * accepts. The loop is held by a task while the clients connect (the kernel completes their handshakes and queues
 * them), then let go; the listener's pipeline sees each accepted connection as a read and each turn's end as a read
 * complete.
 */
class ServerSocketsTest {

    private static final int CLIENTS = 100;

    @Test
    void oneTurnOfABusyLoopAcceptsUpToTheConfiguredNumberOfQueuedConnections() throws Exception {
        assertThat(acceptedPerTurn(64)).as("connections accepted in each turn of the loop")
                .startsWith(64).allMatch(n -> n <= 64).hasSizeGreaterThanOrEqualTo(2);
        assertThat(acceptedPerTurn(64).stream().mapToInt(Integer::intValue).sum()).isEqualTo(CLIENTS);
    }

    @Test
    void oneAcceptPerTurnIsNettysOwnDefault() throws Exception {
        assertThat(acceptedPerTurn(1)).hasSize(CLIENTS).containsOnly(1);
    }

    @Test
    void theBacklogIsTheListenersAcceptQueue() throws Exception {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, Transport.best().ioHandlerFactory());
        try {
            Channel server = ServerSockets.bootstrap(loop, Transport.best(), new ListenSettings(53, 8))
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            // ss shows a listening socket's backlog as its Send-Q
            Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
            String line = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(ss.waitFor()).isZero();
            assertThat(line.trim().split("\\s+")[2]).as(line).isEqualTo("53");
            server.close().sync();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void settingsOutOfRangeAreRefusedWithTheirRange() {
        assertThatThrownBy(() -> new ListenSettings(0, 64)).hasMessage("backlog: 0 (expected: 1 to 65535)");
        assertThatThrownBy(() -> new ListenSettings(4096, 0)).hasMessage("acceptsPerWakeup: 0 (expected: 1 to 1024)");
        assertThatThrownBy(() -> ListenSettings.DEFAULTS.withAcceptsPerWakeup(1025))
                .hasMessage("acceptsPerWakeup: 1025 (expected: 1 to 1024)");
        assertThat(ListenSettings.DEFAULTS).isEqualTo(new ListenSettings(4096, 64));
    }

    /** The sizes of the accept batches, in order, for {@link #CLIENTS} connections queued behind a busy loop. */
    private static List<Integer> acceptedPerTurn(int acceptsPerWakeup) throws Exception {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, Transport.best().ioHandlerFactory());
        List<Channel> children = new CopyOnWriteArrayList<>();
        List<Integer> batches = new CopyOnWriteArrayList<>();
        List<Socket> clients = new ArrayList<>();
        try {
            Channel server = ServerSockets.bootstrap(loop, Transport.best(), CLIENTS * 2, acceptsPerWakeup)
                    .handler(new ChannelInboundHandlerAdapter() {
                        private int inTurn;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            inTurn++;
                            ctx.fireChannelRead(msg);
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            if (inTurn > 0) {
                                batches.add(inTurn);
                            }
                            inTurn = 0;
                            ctx.fireChannelReadComplete();
                        }
                    })
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            children.add(ch);
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();

            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.next().execute(() -> {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // the loop is busy: nothing is accepted meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new Socket(InetAddress.getLoopbackAddress(), port)); // established by the kernel, queued
            }
            assertThat(children).isEmpty();
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (children.size() < CLIENTS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(children).hasSize(CLIENTS);
            server.close().sync();
            return List.copyOf(batches);
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
