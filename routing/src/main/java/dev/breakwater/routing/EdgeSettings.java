package dev.breakwater.routing;

import java.util.List;

/**
 * Settings of every data plane that the table carries (ingress-nginx's controller ConfigMap): one table reaches
 * every data plane, so the ConfigMap does too, where a process flag would have to be set on each pod. Each value
 * null is the data plane's own; a table whose settings are all null holds none ({@link #isEmpty()}), and encodes and
 * hashes as before these settings existed.
 *
 * @param forwarded            whose forwarded headers are believed, or null: every forwarded header is replaced (or
 *                             as the data plane is started)
 * @param clientIdleMillis     a client connection with no request in flight is closed after this long
 *                             ({@code keep-alive}); applies to connections accepted after the table
 * @param maxRequestHeadBytes  the largest request header block, in bytes ({@code large-client-header-buffers});
 *                             applies to connections accepted after the table
 * @param upstreamIdlePerEndpoint idle connections kept per endpoint and event loop
 *                             ({@code upstream-keepalive-connections}); 0 keeps none
 * @param upstreamIdleMillis   an idle pooled upstream connection is closed after this long
 *                             ({@code upstream-keepalive-timeout})
 * @param clientRequestsPerConnection a client connection is closed after this many requests: the last response says
 *                             {@code Connection: close} ({@code keep-alive-requests}); applies to connections
 *                             accepted after the table
 * @param upstreamRequestsPerConnection an upstream connection that has carried this many requests is closed instead
 *                             of going back to the pool ({@code upstream-keepalive-requests})
 * @param tls12Ciphers         the TLS 1.2 cipher suites offered to clients, standard (IANA) names in order of
 *                             preference ({@code ssl-ciphers}); TLS 1.3's are not set by it; applies to the TLS
 *                             contexts of the table
 * @param accessLogFormat      the access log's line ({@code log-format-upstream}), written in place of the data
 *                             plane's own format while its access log is on
 * @param requestHeadTimeoutMillis a client that has begun an HTTP/1.1 request head and not finished it this long
 *                             after gets {@code 408} and the connection closes ({@code client-header-timeout});
 *                             applies to connections accepted after the table
 * @param upstreamKeepaliveMillis an upstream connection open this long is closed once its request ends, instead of
 *                             going back to the pool ({@code upstream-keepalive-time})
 * @param proxyProtocolFrom    the ranges (CIDRs) of the peers whose connections to the HTTP and HTTPS listeners begin
 *                             with a PROXY protocol header naming the client ({@code use-proxy-protocol}, with
 *                             {@code proxy-real-ip-cidr}); a peer outside them is refused; applies to connections
 *                             accepted after the table, where the data plane's own {@code --proxy-protocol-from} is
 *                             not set
 * @param blocked              the requests refused with {@code 403} by their {@code User-Agent} or {@code Referer}
 *                             before they are routed ({@code block-user-agents}, {@code block-referers}), or null
 *                             for none (held as null when empty)
 */
public record EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                           Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis,
                           Integer clientRequestsPerConnection, Integer upstreamRequestsPerConnection,
                           List<String> tls12Ciphers, AccessLogFormat accessLogFormat, Long requestHeadTimeoutMillis,
                           Long upstreamKeepaliveMillis, List<String> proxyProtocolFrom,
                           RequestBlocklist blocked) {

    public static final EdgeSettings NONE = new EdgeSettings(null, null, null, null, null);

    /** Settings without a request blocklist. */
    public EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                        Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis,
                        Integer clientRequestsPerConnection, Integer upstreamRequestsPerConnection,
                        List<String> tls12Ciphers, AccessLogFormat accessLogFormat, Long requestHeadTimeoutMillis,
                        Long upstreamKeepaliveMillis, List<String> proxyProtocolFrom) {
        this(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint, upstreamIdleMillis,
                clientRequestsPerConnection, upstreamRequestsPerConnection, tls12Ciphers, accessLogFormat,
                requestHeadTimeoutMillis, upstreamKeepaliveMillis, proxyProtocolFrom, null);
    }

    /** Settings without the PROXY protocol. */
    public EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                        Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis,
                        Integer clientRequestsPerConnection, Integer upstreamRequestsPerConnection,
                        List<String> tls12Ciphers, AccessLogFormat accessLogFormat, Long requestHeadTimeoutMillis,
                        Long upstreamKeepaliveMillis) {
        this(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint, upstreamIdleMillis,
                clientRequestsPerConnection, upstreamRequestsPerConnection, tls12Ciphers, accessLogFormat,
                requestHeadTimeoutMillis, upstreamKeepaliveMillis, null);
    }

    /** Settings without an upstream connection's lifetime. */
    public EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                        Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis,
                        Integer clientRequestsPerConnection, Integer upstreamRequestsPerConnection,
                        List<String> tls12Ciphers, AccessLogFormat accessLogFormat, Long requestHeadTimeoutMillis) {
        this(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint, upstreamIdleMillis,
                clientRequestsPerConnection, upstreamRequestsPerConnection, tls12Ciphers, accessLogFormat,
                requestHeadTimeoutMillis, null, null);
    }

    /** Settings without a request head timeout. */
    public EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                        Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis,
                        Integer clientRequestsPerConnection, Integer upstreamRequestsPerConnection,
                        List<String> tls12Ciphers, AccessLogFormat accessLogFormat) {
        this(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint, upstreamIdleMillis,
                clientRequestsPerConnection, upstreamRequestsPerConnection, tls12Ciphers, accessLogFormat, null, null,
                null);
    }

    /** Settings without ciphers and log format. */
    public EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                        Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis,
                        Integer clientRequestsPerConnection, Integer upstreamRequestsPerConnection) {
        this(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint, upstreamIdleMillis,
                clientRequestsPerConnection, upstreamRequestsPerConnection, null, null);
    }

    /** Settings without request counts per connection. */
    public EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                        Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis) {
        this(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint, upstreamIdleMillis, null,
                null);
    }

    public EdgeSettings {
        blocked = blocked == null || blocked.isEmpty() ? null : blocked;
        if (proxyProtocolFrom != null) {
            proxyProtocolFrom = List.copyOf(proxyProtocolFrom);
            if (proxyProtocolFrom.isEmpty()) {
                throw new IllegalArgumentException("proxyProtocolFrom: empty (expected: null for the data plane's "
                        + "own)");
            }
            proxyProtocolFrom.forEach(Cidr::parse);
        }
        if (tls12Ciphers != null) {
            tls12Ciphers = List.copyOf(tls12Ciphers);
            if (tls12Ciphers.isEmpty()) {
                throw new IllegalArgumentException("tls12Ciphers: empty (expected: null for the data plane's own)");
            }
            for (String c : tls12Ciphers) {
                if (!c.matches("TLS_[A-Z0-9_]+")) {
                    throw new IllegalArgumentException("tls12Ciphers: \"" + c + "\" (expected: a standard name "
                            + "such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
                }
            }
        }
        if (clientRequestsPerConnection != null && clientRequestsPerConnection < 1) {
            throw new IllegalArgumentException("clientRequestsPerConnection: " + clientRequestsPerConnection
                    + " (expected: >= 1)");
        }
        if (upstreamRequestsPerConnection != null && upstreamRequestsPerConnection < 1) {
            throw new IllegalArgumentException("upstreamRequestsPerConnection: " + upstreamRequestsPerConnection
                    + " (expected: >= 1)");
        }
        if (clientIdleMillis != null && clientIdleMillis <= 0) {
            throw new IllegalArgumentException("clientIdleMillis: " + clientIdleMillis + " (expected: > 0)");
        }
        if (maxRequestHeadBytes != null && maxRequestHeadBytes < 1024) {
            throw new IllegalArgumentException("maxRequestHeadBytes: " + maxRequestHeadBytes + " (expected: >= 1024)");
        }
        if (upstreamIdlePerEndpoint != null && upstreamIdlePerEndpoint < 0) {
            throw new IllegalArgumentException("upstreamIdlePerEndpoint: " + upstreamIdlePerEndpoint
                    + " (expected: >= 0)");
        }
        if (requestHeadTimeoutMillis != null && requestHeadTimeoutMillis <= 0) {
            throw new IllegalArgumentException("requestHeadTimeoutMillis: " + requestHeadTimeoutMillis
                    + " (expected: > 0)");
        }
        if (upstreamKeepaliveMillis != null && upstreamKeepaliveMillis <= 0) {
            throw new IllegalArgumentException("upstreamKeepaliveMillis: " + upstreamKeepaliveMillis
                    + " (expected: > 0)");
        }
        if (upstreamIdleMillis != null && upstreamIdleMillis <= 0) {
            throw new IllegalArgumentException("upstreamIdleMillis: " + upstreamIdleMillis + " (expected: > 0)");
        }
    }

    /** The same settings with this request blocklist instead (null or empty: none). */
    public EdgeSettings withBlocked(RequestBlocklist list) {
        return new EdgeSettings(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint,
                upstreamIdleMillis, clientRequestsPerConnection, upstreamRequestsPerConnection, tls12Ciphers,
                accessLogFormat, requestHeadTimeoutMillis, upstreamKeepaliveMillis, proxyProtocolFrom, list);
    }

    /** True when no setting is given. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return forwarded == null && clientIdleMillis == null && maxRequestHeadBytes == null
                && upstreamIdlePerEndpoint == null && upstreamIdleMillis == null && clientRequestsPerConnection == null
                && upstreamRequestsPerConnection == null && tls12Ciphers == null && accessLogFormat == null
                && requestHeadTimeoutMillis == null && upstreamKeepaliveMillis == null && proxyProtocolFrom == null
                && blocked == null;
    }
}
