package dev.breakwater.routing;

/**
 * Per-route settings. A null field means "the data plane's configured default".
 *
 * @param connectTimeoutMillis   longest wait for a TCP connection to an endpoint
 * @param responseTimeoutMillis  longest wait for the response head after the request was sent, and
 *                               between two reads of the response body
 * @param maxRequestBodyBytes    largest request body accepted (413 beyond)
 * @param httpsRedirect          answer plain-HTTP requests with a 308 redirect to HTTPS (null: no)
 * @param hsts                   Strict-Transport-Security added to HTTPS responses, or null for none
 * @param webSocketIdleTimeoutMillis an upgraded (WebSocket) connection silent both ways this long is closed
 * @param retries                when failed attempts are tried again (null: {@link Retries#DEFAULTS})
 * @param affinity               cookie session affinity, or null for none
 * @param cache                  the response cache, or null when responses of this route are never cached
 * @param compression            response compression, or null for none
 * @param sourceAllowlist        client addresses served (others get 403), or null for every client
 * @param cors                   CORS answered by the proxy, or null for none (requests pass unchanged)
 * @param sendTimeoutMillis      while the request body is being sent to an endpoint, longest time the endpoint may
 *                               take to accept the next part of it (nginx's {@code proxy_send_timeout}: between two
 *                               successive writes, not for the whole body); beyond, the exchange ends (504 when no
 *                               response has started, else the connection is closed). Null: the route's response
 *                               timeout
 * @param rateLimit              requests allowed per client key and period, or null for no limit
 */
public record RoutePolicy(Long connectTimeoutMillis, Long responseTimeoutMillis, Long maxRequestBodyBytes,
                          Boolean httpsRedirect, Hsts hsts, Long webSocketIdleTimeoutMillis, Retries retries,
                          SessionAffinity affinity, CachePolicy cache, Compression compression,
                          SourceAllowlist sourceAllowlist, Cors cors, Long sendTimeoutMillis,
                          RateLimit rateLimit) {

    public static final RoutePolicy DEFAULTS = new RoutePolicy(null, null, null, null, null, null, null, null);

    public RoutePolicy {
        requirePositive("connectTimeoutMillis", connectTimeoutMillis);
        requirePositive("responseTimeoutMillis", responseTimeoutMillis);
        requirePositive("webSocketIdleTimeoutMillis", webSocketIdleTimeoutMillis);
        requirePositive("sendTimeoutMillis", sendTimeoutMillis);
        if (maxRequestBodyBytes != null && maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequestBodyBytes: " + maxRequestBodyBytes + " (expected: >= 0)");
        }
    }

    public RoutePolicy(Long connectTimeoutMillis, Long responseTimeoutMillis, Long maxRequestBodyBytes,
                       Boolean httpsRedirect, Hsts hsts, Long webSocketIdleTimeoutMillis, Retries retries,
                       SessionAffinity affinity, CachePolicy cache, Compression compression,
                       SourceAllowlist sourceAllowlist, Cors cors) {
        this(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, cache, compression, sourceAllowlist, cors, null, null);
    }

    public RoutePolicy(Long connectTimeoutMillis, Long responseTimeoutMillis, Long maxRequestBodyBytes,
                       Boolean httpsRedirect, Hsts hsts, Long webSocketIdleTimeoutMillis, Retries retries,
                       SessionAffinity affinity, CachePolicy cache, Compression compression) {
        this(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, cache, compression, null, null);
    }

    public RoutePolicy(Long connectTimeoutMillis, Long responseTimeoutMillis, Long maxRequestBodyBytes,
                       Boolean httpsRedirect, Hsts hsts, Long webSocketIdleTimeoutMillis, Retries retries,
                       SessionAffinity affinity) {
        this(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, null, null);
    }

    public RoutePolicy(Long connectTimeoutMillis, Long responseTimeoutMillis, Long maxRequestBodyBytes) {
        this(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, null, null, null, null, null);
    }

    public RoutePolicy(Long connectTimeoutMillis, Long responseTimeoutMillis, Long maxRequestBodyBytes,
                       Boolean httpsRedirect, Hsts hsts, Long webSocketIdleTimeoutMillis) {
        this(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, null, null);
    }

    /** This policy with the given cache (null: none). */
    public RoutePolicy withCache(CachePolicy newCache) {
        return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, newCache, compression, sourceAllowlist, cors,
                sendTimeoutMillis, rateLimit);
    }

    /** This policy with the given compression (null: none). */
    public RoutePolicy withCompression(Compression newCompression) {
        return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, cache, newCompression, sourceAllowlist, cors,
                sendTimeoutMillis, rateLimit);
    }

    /** This policy with the given client allowlist (null: every client). */
    public RoutePolicy withSourceAllowlist(SourceAllowlist newAllowlist) {
        return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, cache, compression, newAllowlist, cors,
                sendTimeoutMillis, rateLimit);
    }

    /** This policy with the given CORS settings (null: none). */
    public RoutePolicy withCors(Cors newCors) {
        return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, cache, compression, sourceAllowlist, newCors,
                sendTimeoutMillis, rateLimit);
    }

    /** This policy with the given rate limit (null: none). */
    public RoutePolicy withRateLimit(RateLimit newRateLimit) {
        return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, cache, compression, sourceAllowlist, cors,
                sendTimeoutMillis, newRateLimit);
    }

    /** This policy with the given send timeout (null: the response timeout). */
    public RoutePolicy withSendTimeoutMillis(Long newSendTimeoutMillis) {
        return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                webSocketIdleTimeoutMillis, retries, affinity, cache, compression, sourceAllowlist, cors,
                newSendTimeoutMillis, rateLimit);
    }

    /** This policy with the given HTTPS redirect (null: none). */
    public RoutePolicy withHttpsRedirect(Boolean newHttpsRedirect) {
        return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, newHttpsRedirect,
                hsts, webSocketIdleTimeoutMillis, retries, affinity, cache, compression, sourceAllowlist, cors,
                sendTimeoutMillis, rateLimit);
    }

    /** The retry settings in force. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Retries retriesOrDefault() {
        return retries == null ? Retries.DEFAULTS : retries;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean redirectsToHttps() {
        return Boolean.TRUE.equals(httpsRedirect);
    }

    private static void requirePositive(String name, Long value) {
        if (value != null && value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    /**
     * HTTP Strict Transport Security.
     *
     * @param maxAgeSeconds     {@code max-age}
     * @param includeSubDomains add {@code includeSubDomains}
     * @param preload           add {@code preload}
     */
    public record Hsts(long maxAgeSeconds, boolean includeSubDomains, boolean preload) {
        public Hsts {
            if (maxAgeSeconds < 0) {
                throw new IllegalArgumentException("maxAgeSeconds: " + maxAgeSeconds + " (expected: >= 0)");
            }
        }

        /** The header value. */
        public String headerValue() {
            return "max-age=" + maxAgeSeconds + (includeSubDomains ? "; includeSubDomains" : "")
                    + (preload ? "; preload" : "");
        }
    }
}
