package dev.breakwater.dataplane.accesslog;

/**
 * What one request left for its access-log line, taken on its event loop when it ended; formatted later, by the
 * writer. Strings are null when unknown (no route, no endpoint, no TLS); durations are nanoseconds, -1 when unknown.
 * The query and the referer are kept as they came: {@link QueryRedaction} runs when the line is written.
 *
 * @param timeMillis        when the request ended (epoch milliseconds)
 * @param requestId         its X-Request-ID (the client's, or one made by the proxy)
 * @param traceId           the trace id of its W3C {@code traceparent}, or null
 * @param clientAddress     the address of the client connection (the PROXY protocol's source where trusted)
 * @param forwardedFor      the client address that a trusted load balancer appended to X-Forwarded-For, or null
 * @param method            the request method
 * @param scheme            http or https
 * @param host              the request's host, or null
 * @param path              the request path
 * @param query             the query, without {@code ?}, or null
 * @param protocol          HTTP/1.0, HTTP/1.1 or HTTP/2.0
 * @param status            the status sent to the client (0: none, the connection closed first)
 * @param bytesReceived     request body bytes read from the client
 * @param bytesSent         response body bytes sent to the client
 * @param durationNanos     from the request head to the end of the exchange
 * @param upstreamAddress   the endpoint of the last attempt ({@code ip:port}), or null
 * @param upstreamStatus    the status of the endpoint's last answer, 0 for none
 * @param upstreamConnectNanos time to open the last attempt's connection (0 for a pooled one), or -1
 * @param upstreamHeaderNanos  from sending the last attempt to its response head, or -1
 * @param attempts          attempts sent to endpoints (1 + retries), 0 when none was
 * @param route             the route's name, or null
 * @param routeSource       the object it came from, {@code Kind/namespace/name}, or null
 * @param cacheStatus       the response cache's verdict (HIT, MISS, STALE, EXPIRED, REVALIDATED ...), or null
 * @param tlsVersion        the client connection's TLS protocol, or null
 * @param tlsCipher         its cipher suite, or null
 * @param tlsServerName     the SNI name the client sent, or null
 * @param userAgent         the User-Agent header, or null
 * @param referer           the Referer header, or null
 * @param kind              http, websocket (a line at the tunnel's end) or grpc
 * @param line              the line the table gives ({@code log-format-upstream}), or null for the log's own format
 */
public record AccessEntry(long timeMillis, String requestId, String traceId, String clientAddress,
                          String forwardedFor, String method, String scheme, String host, String path, String query,
                          String protocol, int status, long bytesReceived, long bytesSent, long durationNanos,
                          String upstreamAddress, int upstreamStatus, long upstreamConnectNanos,
                          long upstreamHeaderNanos, int attempts, String route, String routeSource,
                          String cacheStatus, String tlsVersion, String tlsCipher, String tlsServerName,
                          String userAgent, String referer, String kind, AccessLineTemplate line) {

    /** An entry written in the log's own format. */
    public AccessEntry(long timeMillis, String requestId, String traceId, String clientAddress,
                       String forwardedFor, String method, String scheme, String host, String path, String query,
                       String protocol, int status, long bytesReceived, long bytesSent, long durationNanos,
                       String upstreamAddress, int upstreamStatus, long upstreamConnectNanos,
                       long upstreamHeaderNanos, int attempts, String route, String routeSource,
                       String cacheStatus, String tlsVersion, String tlsCipher, String tlsServerName,
                       String userAgent, String referer, String kind) {
        this(timeMillis, requestId, traceId, clientAddress, forwardedFor, method, scheme, host, path, query, protocol,
                status, bytesReceived, bytesSent, durationNanos, upstreamAddress, upstreamStatus, upstreamConnectNanos,
                upstreamHeaderNanos, attempts, route, routeSource, cacheStatus, tlsVersion, tlsCipher, tlsServerName,
                userAgent, referer, kind, null);
    }
}
