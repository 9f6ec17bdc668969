package dev.breakwater.dataplane.health;

import dev.breakwater.channel.Transport;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.routing.ClusterPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: for every cluster whose policy asks for them, an HTTP GET to the policy's path on each
 * endpoint every interval, on its own event loop (never a proxy loop). A 2xx or 3xx answer within the timeout
 * passes; anything else fails; the endpoint's health flips after the policy's thresholds, and balancers skip
 * unhealthy endpoints. Results are exported as {@code breakwater_endpoint_healthy{cluster,endpoint}}.
 */
public final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final MeterRegistry meters;
    private final Map<String, Check> checks = new HashMap<>();
    private final SslContext insecureTls;

    /** One endpoint checked for one cluster. */
    private final class Check {
        final String id;
        final String cluster;
        final UpstreamEndpoint endpoint;
        final ClusterPolicy.HealthCheck policy;
        ScheduledFuture<?> next;
        volatile int healthy = 1;

        Check(String id, String cluster, UpstreamEndpoint endpoint, ClusterPolicy.HealthCheck policy) {
            this.id = id;
            this.cluster = cluster;
            this.endpoint = endpoint;
            this.policy = policy;
        }
    }

    public HealthChecker(EventLoop loop, Transport transport, MeterRegistry meters) {
        this.loop = loop;
        this.meters = meters;
        this.bootstrap = new Bootstrap().group(loop).channel(transport.channel())
                .option(ChannelOption.TCP_NODELAY, true);
        try {
            this.insecureTls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts checks for the router's clusters that ask for them, and stops checks no longer asked for. */
    public void update(Router router) {
        loop.execute(() -> {
            Set<String> wanted = new HashSet<>();
            // the clusters with a health check only: a swap does not walk every cluster of the table
            for (CompiledCluster c : router.healthCheckedClusters()) {
                ClusterPolicy.HealthCheck hc = c.cluster().policy().healthCheck();
                if (hc == null) {
                    continue;
                }
                for (UpstreamEndpoint e : c.endpoints()) {
                    String id = c.name() + "|" + e.key() + "|" + hc;
                    wanted.add(id);
                    if (!checks.containsKey(id)) {
                        Check check = new Check(id, c.name(), e, hc);
                        checks.put(id, check);
                        Gauge.builder("breakwater.endpoint.healthy", check, k -> k.healthy)
                                .description("1 while the endpoint passes its active health check")
                                .tag("cluster", c.name()).tag("endpoint", e.endpoint().authority())
                                .register(meters);
                        schedule(check, 0);
                    }
                }
            }
            checks.values().removeIf(check -> {
                if (wanted.contains(check.id)) {
                    return false;
                }
                check.next.cancel(false);
                meters.find("breakwater.endpoint.healthy").tag("cluster", check.cluster)
                        .tag("endpoint", check.endpoint.endpoint().authority()).meters().forEach(meters::remove);
                return true;
            });
        });
    }

    private void schedule(Check check, long delayMillis) {
        check.next = loop.schedule(() -> run(check), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void run(Check check) {
        if (checks.get(check.id) != check) {
            return;
        }
        long timeout = check.policy.timeoutMillis();
        boolean[] done = new boolean[1];
        Runnable finish = () -> schedule(check, check.policy.intervalMillis());
        java.util.function.Consumer<Boolean> result = passed -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            boolean healthy = check.endpoint.state().checked(passed, check.policy.healthyThreshold(),
                    check.policy.unhealthyThreshold());
            if ((check.healthy == 1) != healthy) {
                LOG.info("endpoint {} of {} is now {}", check.endpoint.endpoint().authority(), check.cluster,
                        healthy ? "healthy" : "unhealthy");
            }
            check.healthy = healthy ? 1 : 0;
            finish.run();
        };
        Channel[] channel = new Channel[1];
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (channel[0] != null) {
                channel[0].close();
            }
            result.accept(false);
        }, timeout, TimeUnit.MILLISECONDS);
        bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (check.endpoint.protocol().tls()) {
                            ch.pipeline().addLast(insecureTls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<HttpObject>() {
                            private boolean passed;

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                if (msg instanceof HttpResponse r) {
                                    int code = r.status().code();
                                    passed = code >= 200 && code < 400;
                                }
                                if (msg instanceof LastHttpContent) {
                                    timer.cancel(false);
                                    ctx.close();
                                    result.accept(passed);
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                timer.cancel(false);
                                result.accept(false);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .connect(check.endpoint.socketAddress())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        timer.cancel(false);
                        result.accept(false);
                        return;
                    }
                    channel[0] = f.channel();
                    FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                            check.policy.path());
                    get.headers().set(HttpHeaderNames.HOST, check.endpoint.endpoint().authority())
                            .set(HttpHeaderNames.USER_AGENT, "breakwater-health-check")
                            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    f.channel().writeAndFlush(get);
                });
    }

    /** Stops every check. */
    public void close() {
        loop.execute(() -> {
            checks.values().forEach(c -> c.next.cancel(false));
            checks.clear();
        });
    }
}
