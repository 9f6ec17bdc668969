package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The send timeout ({@link RoutePolicy#sendTimeoutMillis()}, nginx's {@code proxy_send_timeout}) with real sockets:
 * raw endpoints that stop reading a request body, or read it slowly but steadily, while a raw client streams a body
 * larger than every socket buffer on the way.
 */
class SendTimeoutTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private ServerSocket endpoint;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        endpoint = new ServerSocket();
        endpoint.setReceiveBufferSize(16 * 1024); // before bind: the window the endpoint offers stays small
        endpoint.bind(new InetSocketAddress("127.0.0.1", 0));
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        endpoint.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void serve(long sendTimeoutMillis, long responseTimeoutMillis) {
        RoutePolicy policy = RoutePolicy.builder().responseTimeoutMillis(responseTimeoutMillis)
                .sendTimeoutMillis(sendTimeoutMillis).build();
        proxy.apply(RoutingTable.of(List.of(new VirtualHost("*", List.of(new Route("upload", "test",
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("app"), policy)))),
                List.of(new Cluster("app", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1",
                        endpoint.getLocalPort()))))).withVersion(1));
    }

    /** Sends a POST with a body of {@code length} bytes from another thread, and reads the answer here. */
    private RawHttp.Response upload(long length) throws Exception {
        try (RawHttp client = new RawHttp(proxy.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: upload.example\r\nContent-Length: " + length + "\r\n\r\n");
            threads.submit(() -> {
                byte[] part = new byte[64 * 1024];
                try {
                    for (long sent = 0; sent < length; sent += part.length) {
                        client.send(java.util.Arrays.copyOf(part, (int) Math.min(part.length, length - sent)));
                    }
                } catch (IOException e) {
                    // the proxy answered and closed while the body was still coming: expected on a timeout
                }
                return null;
            });
            return client.read();
        }
    }

    @Test
    void anEndpointThatStopsTakingTheBodyEndsTheExchangeWith504AfterTheSendTimeout() throws Exception {
        serve(700, 30_000);
        threads.submit(() -> sockets.add(endpoint.accept())); // accepts, never reads

        long start = System.nanoTime();
        RawHttp.Response r = upload(48L << 20);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(r.status()).isEqualTo(504);
        assertThat(r.bodyText()).contains("did not take the request body in time");
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(millis).as("the send timeout, not the 30 s response timeout").isBetween(700L, 15_000L);
        assertThat(proxy.metrics().scrape())
                .contains("breakwater_upstream_errors_total{cluster=\"app\",kind=\"timeout\"} 1.0");
    }

    @Test
    void theTimeoutIsBetweenTwoWritesNotForTheWholeBody() throws Exception {
        serve(1500, 30_000);
        long length = 12L << 20;
        threads.submit(() -> {
            Socket s = endpoint.accept();
            sockets.add(s);
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long bodyRead = 0;
            long headEnd = -1;
            StringBuilder head = new StringBuilder();
            while (headEnd < 0) { // the request head, byte by byte
                int c = in.read();
                head.append((char) c);
                if (head.toString().endsWith("\r\n\r\n")) {
                    headEnd = head.length();
                }
            }
            while (bodyRead < length) { // 1 MiB, then a pause well under the send timeout, and again
                long burst = 0;
                while (burst < (1 << 20) && bodyRead < length) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - bodyRead));
                    if (n < 0) {
                        return null;
                    }
                    burst += n;
                    bodyRead += n;
                }
                Thread.sleep(250);
            }
            OutputStream out = s.getOutputStream();
            String body = "read " + bodyRead;
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return null;
        });

        long start = System.nanoTime();
        RawHttp.Response r = upload(length);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("read " + length);
        assertThat(millis).as("the whole body took longer than the send timeout").isGreaterThan(1500L);
    }
}
