package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.exchange.ProxyServices;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.request.RequestHeadCheck;
import dev.breakwater.dataplane.request.RequestPolicy;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 connection handler on an embedded channel: one exchange per request, pipelined requests answered in
 * order, keep-alive and close, with routes that answer themselves (no endpoint, no socket).
 */
class Http1ConnectionTest {

    private final ProxyMetrics metrics = new ProxyMetrics();
    private final ProxyConfig config = ProxyConfig.defaults();
    private EmbeddedChannel channel;

    private EmbeddedChannel connection() {
        TableHolder table = new TableHolder(metrics, null, null, new EndpointRegistry(), new RateLimiters(100), config);
        table.apply(Tables.builder()
                .cluster("none", new Endpoint[0])
                .route("a.test", PathMatch.prefix("/upload"), RouteAction.Forward.to("none"),
                        RoutePolicy.builder().maxRequestBodyBytes(10L).build())
                .route("a.test", PathMatch.prefix("/"), new RouteAction.FixedResponse(200, "hello"),
                        RoutePolicy.DEFAULTS)
                .build());
        EmbeddedChannel ch = new EmbeddedChannel();
        UpstreamPool pool = new UpstreamPool(ch.eventLoop(), NioSocketChannel.class, config,
                DefaultAddressResolverGroup.INSTANCE, null);
        ProxyServices services = new ProxyServices(table, config, metrics, Map.of(ch.eventLoop(), pool), () -> false,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), null,
                new RequestHeadCheck(RequestPolicy.DEFAULT), dev.breakwater.dataplane.accesslog.AccessLog.OFF,
                dev.breakwater.dataplane.trace.Tracing.OFF);
        ch.pipeline().addLast("http", ProxyInitializer.serverCodec(config))
                .addLast("proxy", new Http1Connection(services, "http"));
        channel = ch;
        return ch;
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private static String read(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out.toString();
    }

    private static void send(EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() {
        EmbeddedChannel ch = connection();
        send(ch, "GET /one HTTP/1.1\r\nHost: a.test\r\nX-Request-Id: first\r\n\r\n"
                + "GET /two HTTP/1.1\r\nHost: nobody.test\r\nX-Request-Id: second\r\n\r\n"
                + "GET /three HTTP/1.1\r\nHost: a.test\r\nX-Request-Id: third\r\n\r\n");
        String out = read(ch);
        assertThat(out.split("HTTP/1.1 ", -1)).hasSize(4);
        int first = out.indexOf("x-request-id: first");
        int second = out.indexOf("404 Not Found");
        int third = out.indexOf("x-request-id: third");
        assertThat(first).isPositive().isLessThan(second);
        assertThat(second).isLessThan(third);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void connectionCloseIsAnsweredThenTheConnectionCloses() {
        EmbeddedChannel ch = connection();
        send(ch, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        String out = read(ch);
        assertThat(out).startsWith("HTTP/1.1 200 OK").contains("connection: close").contains("hello\nrequest-id: ");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aDeclaredBodyOverTheRoutesLimitIs413AndTheBodyIsNotRead() {
        EmbeddedChannel ch = connection();
        send(ch, "POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 11\r\n\r\nhello world");
        String out = read(ch);
        assertThat(out).startsWith("HTTP/1.1 413 Request Entity Too Large").contains("connection: close");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aRouteWithoutEndpointsIs503AndTheConnectionStaysOpen() {
        EmbeddedChannel ch = connection();
        send(ch, "GET /upload HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(read(ch)).startsWith("HTTP/1.1 503 Service Unavailable").contains("no ready endpoint");
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aMalformedRequestIs400AndCloses() {
        EmbeddedChannel ch = connection();
        send(ch, "GET / HTTP/1.1\r\nHost: a.test\r\nContent-Length: x\r\n\r\n");
        assertThat(read(ch)).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(ch.isOpen()).isFalse();
    }
}
