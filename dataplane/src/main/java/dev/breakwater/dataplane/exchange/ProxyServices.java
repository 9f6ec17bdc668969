package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.accesslog.AccessLog;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.cache.ResponseCache;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.request.RequestHeadCheck;
import dev.breakwater.dataplane.trace.Tracing;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What every client connection shares: the table, the limits, the meters and the per-event-loop upstream
 * pools.
 *
 * @param draining    true once the proxy is shutting down: responses then carry {@code Connection: close}
 * @param connections every open client connection (for draining)
 * @param cache       the response cache, or null when it is off
 * @param headCheck   what every request head passes before it is routed
 * @param accessLog   where ended requests leave their line ({@link AccessLog#OFF} for none)
 * @param tracing     the server spans of requests ({@link Tracing#OFF} for none)
 */
public record ProxyServices(TableHolder table, ProxyConfig config, ProxyMetrics metrics,
                            Map<EventLoop, UpstreamPool> pools, BooleanSupplier draining,
                            ChannelGroup connections, ResponseCache cache,
                            RequestHeadCheck headCheck, AccessLog accessLog, Tracing tracing) {

    public UpstreamPool pool(EventLoop loop) {
        UpstreamPool pool = pools.get(loop);
        if (pool == null) {
            throw new IllegalStateException("no upstream pool for event loop " + loop);
        }
        return pool;
    }
}
