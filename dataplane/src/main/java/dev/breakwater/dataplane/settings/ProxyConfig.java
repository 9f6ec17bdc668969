package dev.breakwater.dataplane.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * Every limit and timeout of the proxy. Routes may override the per-request ones through their
 * {@link dev.breakwater.routing.RoutePolicy}. All values are explicit; {@link #defaults()} documents the
 * defaults, which follow nginx's where nginx has one.
 *
 * @param connectTimeout          longest wait for a TCP connection to an endpoint (nginx proxy_connect_timeout)
 * @param responseTimeout         longest silence from an endpoint once it has been sent a request: before the
 *                                response head and between two reads of its body (nginx proxy_read_timeout)
 * @param idleTimeout             a client connection with no request in flight is closed after this long
 * @param requestHeaderTimeout    longest time a client may take to send a complete request head once it has
 *                                started one (slow-loris protection; 408 and close beyond)
 * @param upstreamIdleTimeout     pooled idle upstream connections are closed after this long; keep it below the
 *                                backends' own keep-alive timeout
 * @param maxInitialLineLength    longest request line, in bytes (414 beyond)
 * @param maxHeaderSize           largest request or response header block, in bytes (431 beyond for requests)
 * @param maxRequestBodyBytes     largest request body (413 beyond)
 * @param maxIdlePerEndpoint      pooled idle connections kept per endpoint per event loop
 * @param maxPipelinedRequests    HTTP/1.1 pipelined requests queued behind the one in flight before the proxy
 *                                stops reading from that client
 * @param webSocketIdleTimeout    an upgraded (WebSocket) connection silent both ways for this long is closed
 * @param http2MaxConcurrentStreams streams a client may open at once on one HTTP/2 connection
 * @param http2InitialWindowSize  HTTP/2 flow-control window of each stream, in bytes
 * @param http2MaxResetsPerWindow RST_STREAM frames a client may send in 30 s before its connection is closed (rapid-reset protection)
 * @param publicHttpsPort         the HTTPS port clients see, used in redirects to HTTPS (omitted from the URL when 443)
 * @param trustForwardedHeaders   append to an incoming X-Forwarded-For (and keep X-Forwarded-Proto/Host/Port)
 *                                instead of replacing them; only behind a trusted load balancer
 * @param maxRequestsPerConnection requests served on one client connection (HTTP/1.1) before its last response says
 *                                {@code Connection: close} and it closes; 0: no limit (nginx keepalive_requests)
 * @param maxUpstreamRequestsPerConnection requests one upstream connection carries before it is closed instead of
 *                                pooled; 0: no limit (nginx's keepalive_requests in an upstream block)
 * @param upstreamKeepaliveTime   an upstream connection open this long is closed once its request ends instead of
 *                                pooled; zero: no limit (nginx's keepalive_time in an upstream block)
 */
public record ProxyConfig(Duration connectTimeout,
                          Duration responseTimeout,
                          Duration idleTimeout,
                          Duration requestHeaderTimeout,
                          Duration upstreamIdleTimeout,
                          Duration webSocketIdleTimeout,
                          int maxInitialLineLength,
                          int maxHeaderSize,
                          long maxRequestBodyBytes,
                          int maxIdlePerEndpoint,
                          int maxPipelinedRequests,
                          int http2MaxConcurrentStreams,
                          int http2InitialWindowSize,
                          int http2MaxResetsPerWindow,
                          int publicHttpsPort,
                          boolean trustForwardedHeaders,
                          int maxRequestsPerConnection,
                          int maxUpstreamRequestsPerConnection,
                          Duration upstreamKeepaliveTime) {

    public ProxyConfig {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("responseTimeout", responseTimeout);
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("requestHeaderTimeout", requestHeaderTimeout);
        requirePositive("upstreamIdleTimeout", upstreamIdleTimeout);
        requirePositive("webSocketIdleTimeout", webSocketIdleTimeout);
        requireAtLeast("maxInitialLineLength", maxInitialLineLength, 256);
        requireAtLeast("maxHeaderSize", maxHeaderSize, 1024);
        if (maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequestBodyBytes: " + maxRequestBodyBytes + " (expected: >= 0)");
        }
        requireAtLeast("maxIdlePerEndpoint", maxIdlePerEndpoint, 0);
        requireAtLeast("maxPipelinedRequests", maxPipelinedRequests, 1);
        requireAtLeast("http2MaxConcurrentStreams", http2MaxConcurrentStreams, 1);
        requireAtLeast("http2InitialWindowSize", http2InitialWindowSize, 65535);
        requireAtLeast("http2MaxResetsPerWindow", http2MaxResetsPerWindow, 1);
        requireAtLeast("publicHttpsPort", publicHttpsPort, 1);
        requireAtLeast("maxRequestsPerConnection", maxRequestsPerConnection, 0);
        requireAtLeast("maxUpstreamRequestsPerConnection", maxUpstreamRequestsPerConnection, 0);
        Objects.requireNonNull(upstreamKeepaliveTime, "upstreamKeepaliveTime");
        if (upstreamKeepaliveTime.isNegative()) {
            throw new IllegalArgumentException("upstreamKeepaliveTime: " + upstreamKeepaliveTime
                    + " (expected: >= 0)");
        }
    }

    public static ProxyConfig defaults() {
        return new ProxyConfig(Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(75),
                Duration.ofSeconds(30),
                Duration.ofSeconds(50),
                Duration.ofHours(1),
                8192,
                16384,
                64L * 1024 * 1024,
                256,
                16,
                128,
                1024 * 1024,
                200,
                443,
                false,
                0,
                0,
                Duration.ZERO);
    }

    public ProxyConfig withConnectTimeout(Duration value) {
        return new ProxyConfig(value, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withResponseTimeout(Duration value) {
        return new ProxyConfig(connectTimeout, value, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withIdleTimeout(Duration value) {
        return new ProxyConfig(connectTimeout, responseTimeout, value, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withRequestHeaderTimeout(Duration value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, value, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withUpstreamIdleTimeout(Duration value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, value, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withWebSocketIdleTimeout(Duration value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, value, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withMaxInitialLineLength(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, value, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withMaxHeaderSize(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, value, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withMaxRequestBodyBytes(long value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, value, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withMaxIdlePerEndpoint(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, value, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withMaxPipelinedRequests(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, value, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withHttp2MaxConcurrentStreams(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, value, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withHttp2InitialWindowSize(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, value, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withHttp2MaxResetsPerWindow(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, value, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withPublicHttpsPort(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, value, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withTrustForwardedHeaders(boolean value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, value, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withMaxRequestsPerConnection(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, value, maxUpstreamRequestsPerConnection, upstreamKeepaliveTime);
    }

    public ProxyConfig withMaxUpstreamRequestsPerConnection(int value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, value, upstreamKeepaliveTime);
    }

    public ProxyConfig withUpstreamKeepaliveTime(Duration value) {
        return new ProxyConfig(connectTimeout, responseTimeout, idleTimeout, requestHeaderTimeout, upstreamIdleTimeout, webSocketIdleTimeout, maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxIdlePerEndpoint, maxPipelinedRequests, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxResetsPerWindow, publicHttpsPort, trustForwardedHeaders, maxRequestsPerConnection, maxUpstreamRequestsPerConnection, value);
    }

    /**
     * These settings with a table's ({@code table}: the controller ConfigMap's) in place of those it gives: the
     * client idle timeout, the request head's size and timeout, the upstream pool's idle connections and their timeout. The
     * forwarded headers are the router's ({@code ForwardedTrust}).
     */
    public ProxyConfig withTable(dev.breakwater.routing.EdgeSettings table) {
        ProxyConfig c = this;
        if (table.clientIdleMillis() != null) {
            c = c.withIdleTimeout(Duration.ofMillis(table.clientIdleMillis()));
        }
        if (table.maxRequestHeadBytes() != null) {
            c = c.withMaxHeaderSize(table.maxRequestHeadBytes());
        }
        if (table.upstreamIdlePerEndpoint() != null) {
            c = c.withMaxIdlePerEndpoint(table.upstreamIdlePerEndpoint());
        }
        if (table.upstreamIdleMillis() != null) {
            c = c.withUpstreamIdleTimeout(Duration.ofMillis(table.upstreamIdleMillis()));
        }
        if (table.clientRequestsPerConnection() != null) {
            c = c.withMaxRequestsPerConnection(table.clientRequestsPerConnection());
        }
        if (table.upstreamRequestsPerConnection() != null) {
            c = c.withMaxUpstreamRequestsPerConnection(table.upstreamRequestsPerConnection());
        }
        if (table.upstreamKeepaliveMillis() != null) {
            c = c.withUpstreamKeepaliveTime(Duration.ofMillis(table.upstreamKeepaliveMillis()));
        }
        if (table.requestHeadTimeoutMillis() != null) {
            c = c.withRequestHeaderTimeout(Duration.ofMillis(table.requestHeadTimeoutMillis()));
        }
        return c;
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
    }
}
