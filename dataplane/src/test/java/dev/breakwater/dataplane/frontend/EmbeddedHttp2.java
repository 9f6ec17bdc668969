package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.accesslog.AccessLog;
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
import dev.breakwater.dataplane.trace.Tracing;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Map;

/**
 * An HTTP/2 client connection's handlers ({@link Http2Pipeline}) on an {@link EmbeddedChannel}, over a table whose
 * routes answer themselves: {@code a.test/} a fixed 200 {@code hello}, {@code a.test/upload} a body limit of 10
 * bytes in front of a cluster without endpoints (503).
 */
final class EmbeddedHttp2 {

    private EmbeddedHttp2() {
    }

    static EmbeddedChannel connection() {
        ProxyMetrics metrics = new ProxyMetrics();
        ProxyConfig config = ProxyConfig.defaults();
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
                new RequestHeadCheck(RequestPolicy.DEFAULT), AccessLog.OFF, Tracing.OFF);
        Http2Pipeline.install(ch, services, "https");
        return ch;
    }
}
