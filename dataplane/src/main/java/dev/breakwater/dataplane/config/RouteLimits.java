package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.RoutePolicy;
import java.util.concurrent.TimeUnit;

/**
 * A route's limits and timeouts, resolved once per table from its policy and the proxy's defaults, in the units the
 * request path uses, so that no request unboxes, converts or falls back per field.
 *
 * @param maxRequestBodyBytes  largest request body (413 beyond)
 * @param connectTimeoutMillis TCP connect to an endpoint
 * @param responseTimeoutNanos silence from the endpoint before the response head and between body reads
 * @param sendTimeoutNanos     the endpoint taking no part of the request body
 * @param perTryTimeoutNanos   each attempt's wait for a response head (at most the response timeout)
 * @param webSocketIdleMillis  an upgraded connection silent both ways
 * @param retries              the retry settings in force
 */
public record RouteLimits(long maxRequestBodyBytes, int connectTimeoutMillis, long responseTimeoutNanos,
                          long sendTimeoutNanos, long perTryTimeoutNanos, long webSocketIdleMillis, Retries retries) {

    static RouteLimits resolve(RoutePolicy policy, ProxyConfig config) {
        long body = policy.maxRequestBodyBytes() != null ? policy.maxRequestBodyBytes() : config.maxRequestBodyBytes();
        int connect = (int) (policy.connectTimeoutMillis() != null ? policy.connectTimeoutMillis()
                : config.connectTimeout().toMillis());
        long response = TimeUnit.MILLISECONDS.toNanos(policy.responseTimeoutMillis() != null
                ? policy.responseTimeoutMillis() : config.responseTimeout().toMillis());
        long send = policy.sendTimeoutMillis() != null ? TimeUnit.MILLISECONDS.toNanos(policy.sendTimeoutMillis())
                : response;
        Retries retries = policy.retriesOrDefault();
        long perTry = retries.perTryTimeoutMillis() == null ? response
                : Math.min(response, TimeUnit.MILLISECONDS.toNanos(retries.perTryTimeoutMillis()));
        long webSocketIdle = policy.webSocketIdleTimeoutMillis() != null ? policy.webSocketIdleTimeoutMillis()
                : config.webSocketIdleTimeout().toMillis();
        return new RouteLimits(body, connect, response, send, perTry, webSocketIdle, retries);
    }
}
