package dev.breakwater.dataplane.l4;

import static dev.breakwater.dataplane.l4.L4Tables.cluster;
import static dev.breakwater.dataplane.l4.L4Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Bytes that go one way after the other way was half-closed, with real sockets. The far end does not read until
 * the writer cannot write any more, so the proxy's socket towards it fills and the proxy must wait for it to become
 * writable again. On Netty 4.2.18's epoll transport that failed on a half-closed channel whose interest set had
 * become empty (the fd was taken out of epoll, and the later {@code epoll_ctl} MOD failed with ENOENT), and
 * everything queued for that side was dropped: the tail of the stream was lost. No load is needed to show it.
 */
class L4HalfCloseTest {

    // more than the proxy's socket towards the reader can hold (tcp_wmem's maximum is 4 MiB by default)
    private static final int SIZE = 16 * 1024 * 1024;
    private static final int CHUNK = 65536;
    private static final int SMALL_BUFFER = 4096;

    private static DataPlane dataPlane() throws InterruptedException {
        return DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
    }

    @Test
    void aLargeAnswerWrittenAfterTheClientsHalfCloseArrivesWhole() throws Exception {
        int port = FreePorts.tcp();
        byte[] answer = payload(11);
        Writer writer = new Writer();
        try (ServerSocket endpoint = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             DataPlane dp = dataPlane()) {
            // the endpoint reads the question to its end (the client's half-close, passed on), then answers at length
            CompletableFuture<String> question = serveOne(endpoint, s -> {
                String q = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                writer.write(s.getOutputStream(), answer);
                return q;
            });
            dp.apply(table(List.of(cluster("answers", endpoint.getLocalPort())),
                    L4Listener.tcp(port, L4Route.to("tcp/" + port, "answers"))));
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(SMALL_BUFFER);
                client.setSoTimeout(20_000);
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                client.getOutputStream().write("question".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                writer.awaitStuckOrDone();
                byte[] back = client.getInputStream().readAllBytes();
                assertThat(back.length).isEqualTo(answer.length);
                assertThat(back).isEqualTo(answer);
            }
            assertThat(question.get(20, TimeUnit.SECONDS)).isEqualTo("question");
        }
    }

    @Test
    void aLargeUploadWrittenAfterTheEndpointsHalfCloseArrivesWhole() throws Exception {
        int port = FreePorts.tcp();
        byte[] upload = payload(13);
        Writer writer = new Writer();
        try (ServerSocket endpoint = new ServerSocket()) {
            endpoint.setReceiveBufferSize(SMALL_BUFFER);
            endpoint.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            // the endpoint greets and shuts its output at once, then reads the upload once the client is stuck
            CompletableFuture<byte[]> received = serveOne(endpoint, s -> {
                s.getOutputStream().write("ready".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                writer.awaitStuckOrDone();
                return s.getInputStream().readAllBytes();
            });
            try (DataPlane dp = dataPlane()) {
                dp.apply(table(List.of(cluster("uploads", endpoint.getLocalPort())),
                        L4Listener.tcp(port, L4Route.to("tcp/" + port, "uploads"))));
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(20_000);
                    // the endpoint's half-close has reached the client before the upload starts
                    assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("ready");
                    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                        try {
                            writer.write(client.getOutputStream(), upload);
                            client.shutdownOutput();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    byte[] got = received.get(20, TimeUnit.SECONDS);
                    assertThat(got.length).isEqualTo(upload.length);
                    assertThat(got).isEqualTo(upload);
                    sent.get(20, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static byte[] payload(int seed) {
        byte[] bytes = new byte[SIZE];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Serves the first connection accepted on {@code server} with {@code body} on a thread of its own. */
    private static <T> CompletableFuture<T> serveOne(ServerSocket server, Body<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                result.complete(body.serve(s));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "half-close-endpoint");
        t.setDaemon(true);
        t.start();
        return result;
    }

    @FunctionalInterface
    private interface Body<T> {
        T serve(Socket s) throws IOException;
    }

    /**
     * Writes a payload in chunks, counting what the socket took, so that the reading side can wait until the writer
     * is stuck (every buffer on the way is full: the proxy has had to wait for the reader) or done.
     */
    private static final class Writer {
        private final AtomicLong written = new AtomicLong();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        void write(OutputStream out, byte[] payload) throws IOException {
            try {
                for (int off = 0; off < payload.length; off += CHUNK) {
                    out.write(payload, off, Math.min(CHUNK, payload.length - off));
                    written.addAndGet(Math.min(CHUNK, payload.length - off));
                }
                done.complete(null);
            } catch (IOException e) {
                done.complete(null);
                throw e;
            }
        }

        /** Returns once the writer is done (or failed), or has not moved for a while; waits at most 20 s. */
        void awaitStuckOrDone() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long seen = -1;
            int still = 0;
            while (!done.isDone() && still < 6 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long now = written.get();
                still = now == seen && now > 0 ? still + 1 : 0;
                seen = now;
            }
        }
    }
}
