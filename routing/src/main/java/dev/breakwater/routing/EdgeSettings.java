package dev.breakwater.routing;

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
 */
public record EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                           Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis,
                           Integer clientRequestsPerConnection, Integer upstreamRequestsPerConnection) {

    public static final EdgeSettings NONE = new EdgeSettings(null, null, null, null, null);

    /** Settings without request counts per connection. */
    public EdgeSettings(ForwardedHeaders forwarded, Long clientIdleMillis, Integer maxRequestHeadBytes,
                        Integer upstreamIdlePerEndpoint, Long upstreamIdleMillis) {
        this(forwarded, clientIdleMillis, maxRequestHeadBytes, upstreamIdlePerEndpoint, upstreamIdleMillis, null,
                null);
    }

    public EdgeSettings {
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
        if (upstreamIdleMillis != null && upstreamIdleMillis <= 0) {
            throw new IllegalArgumentException("upstreamIdleMillis: " + upstreamIdleMillis + " (expected: > 0)");
        }
    }

    /** True when no setting is given. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return forwarded == null && clientIdleMillis == null && maxRequestHeadBytes == null
                && upstreamIdlePerEndpoint == null && upstreamIdleMillis == null && clientRequestsPerConnection == null
                && upstreamRequestsPerConnection == null;
    }
}
