package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.WebSocketEchoBackend;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades proxied end to end, across table swaps, with their own idle timeout. */
class WebSocketTest {

    private static final class Listener implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    private static RoutingTable table(WebSocketEchoBackend echo, String extraHost, Long idleMillis) {
        return Tables.builder().cluster("ws", Endpoint.ready("127.0.0.1", echo.port()))
                .route("*", PathMatch.prefix("/"), RouteAction.Forward.to("ws"),
                        RoutePolicy.builder().responseTimeoutMillis(500L)
                                .webSocketIdleTimeoutMillis(idleMillis).build())
                .prefix(extraHost, "/", "ws").build();
    }

    @Test
    void aWebSocketEchoSurvives20TableSwaps() throws Exception {
        try (WebSocketEchoBackend echo = new WebSocketEchoBackend();
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                     .build().start()) {
            proxy.apply(table(echo, "other0.example.com", null));
            Listener listener = new Listener();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("X-Probe", "1")
                    .buildAsync(URI.create("ws://127.0.0.1:" + proxy.httpPort() + "/ws"), listener)
                    .get(10, TimeUnit.SECONDS);
            // the JDK client sends Host 127.0.0.1:port: serve the catch-all too
            for (int i = 1; i <= 20; i++) {
                proxy.apply(table(echo, "other" + i + ".example.com", null).withVersion(i));
                ws.sendText("message " + i, true).get(5, TimeUnit.SECONDS);
                assertThat(listener.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: message " + i);
            }
            // far longer than the route's response timeout (500 ms): a tunnel has no response timeout
            Thread.sleep(800);
            ws.sendText("still there", true).get(5, TimeUnit.SECONDS);
            assertThat(listener.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: still there");
            assertThat(listener.closed).isNotDone();
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }
    }

    @Test
    void anIdleWebSocketIsClosedAfterItsIdleTimeout() throws Exception {
        try (WebSocketEchoBackend echo = new WebSocketEchoBackend();
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                     .build().start()) {
            proxy.apply(Tables.builder().cluster("ws", Endpoint.ready("127.0.0.1", echo.port()))
                    .route("*", PathMatch.prefix("/"), RouteAction.Forward.to("ws"),
                            RoutePolicy.builder().webSocketIdleTimeoutMillis(300L).build()).build());
            Listener listener = new Listener();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + proxy.httpPort() + "/ws"), listener)
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertThat(listener.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: hi");

            assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }
}
