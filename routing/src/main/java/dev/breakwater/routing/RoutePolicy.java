package dev.breakwater.routing;

/**
 * Per-route settings. A null field means "the data plane's configured default". Made by name through
 * {@link #builder()} (or changed from another through {@link #toBuilder()} and the {@code withX} copies); the
 * components stay flat because they are the table's wire format (one JSON object, unset fields left out, so that a
 * table keeps its bytes and its hash when a field is added).
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

    public static final RoutePolicy DEFAULTS = builder().build();

    public RoutePolicy {
        requirePositive("connectTimeoutMillis", connectTimeoutMillis);
        requirePositive("responseTimeoutMillis", responseTimeoutMillis);
        requirePositive("webSocketIdleTimeoutMillis", webSocketIdleTimeoutMillis);
        requirePositive("sendTimeoutMillis", sendTimeoutMillis);
        if (maxRequestBodyBytes != null && maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequestBodyBytes: " + maxRequestBodyBytes + " (expected: >= 0)");
        }
    }

    /** A policy with every setting at the data plane's default, to set some of them on. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.connectTimeoutMillis = connectTimeoutMillis;
        b.responseTimeoutMillis = responseTimeoutMillis;
        b.maxRequestBodyBytes = maxRequestBodyBytes;
        b.httpsRedirect = httpsRedirect;
        b.hsts = hsts;
        b.webSocketIdleTimeoutMillis = webSocketIdleTimeoutMillis;
        b.retries = retries;
        b.affinity = affinity;
        b.cache = cache;
        b.compression = compression;
        b.sourceAllowlist = sourceAllowlist;
        b.cors = cors;
        b.sendTimeoutMillis = sendTimeoutMillis;
        b.rateLimit = rateLimit;
        return b;
    }

    /** This policy with the given cache (null: none). */
    public RoutePolicy withCache(CachePolicy newCache) {
        return toBuilder().cache(newCache).build();
    }

    /** This policy with the given compression (null: none). */
    public RoutePolicy withCompression(Compression newCompression) {
        return toBuilder().compression(newCompression).build();
    }

    /** This policy with the given client allowlist (null: every client). */
    public RoutePolicy withSourceAllowlist(SourceAllowlist newSourceAllowlist) {
        return toBuilder().sourceAllowlist(newSourceAllowlist).build();
    }

    /** This policy with the given CORS settings (null: none). */
    public RoutePolicy withCors(Cors newCors) {
        return toBuilder().cors(newCors).build();
    }

    /** This policy with the given rate limit (null: none). */
    public RoutePolicy withRateLimit(RateLimit newRateLimit) {
        return toBuilder().rateLimit(newRateLimit).build();
    }

    /** This policy with the given send timeout (null: the response timeout). */
    public RoutePolicy withSendTimeoutMillis(Long newSendTimeoutMillis) {
        return toBuilder().sendTimeoutMillis(newSendTimeoutMillis).build();
    }

    /** This policy with the given HTTPS redirect (null: none). */
    public RoutePolicy withHttpsRedirect(Boolean newHttpsRedirect) {
        return toBuilder().httpsRedirect(newHttpsRedirect).build();
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

    /**
     * Builds a {@link RoutePolicy} by name rather than by position; every setting not given is null (the data
     * plane's default). The checks are those of the record, made by {@link #build}.
     */
    public static final class Builder {
        private Long connectTimeoutMillis;
        private Long responseTimeoutMillis;
        private Long maxRequestBodyBytes;
        private Boolean httpsRedirect;
        private Hsts hsts;
        private Long webSocketIdleTimeoutMillis;
        private Retries retries;
        private SessionAffinity affinity;
        private CachePolicy cache;
        private Compression compression;
        private SourceAllowlist sourceAllowlist;
        private Cors cors;
        private Long sendTimeoutMillis;
        private RateLimit rateLimit;

        private Builder() {
        }

        /** Longest wait for a TCP connection to an endpoint. */
        public Builder connectTimeoutMillis(Long value) {
            this.connectTimeoutMillis = value;
            return this;
        }

        /** Longest wait for the response head, and between two reads of its body. */
        public Builder responseTimeoutMillis(Long value) {
            this.responseTimeoutMillis = value;
            return this;
        }

        /** Largest request body accepted (413 beyond). */
        public Builder maxRequestBodyBytes(Long value) {
            this.maxRequestBodyBytes = value;
            return this;
        }

        /** Answer plain-HTTP requests with a redirect to HTTPS. */
        public Builder httpsRedirect(Boolean value) {
            this.httpsRedirect = value;
            return this;
        }

        /** Strict-Transport-Security for HTTPS responses. */
        public Builder hsts(Hsts value) {
            this.hsts = value;
            return this;
        }

        /** An upgraded connection silent both ways this long is closed. */
        public Builder webSocketIdleTimeoutMillis(Long value) {
            this.webSocketIdleTimeoutMillis = value;
            return this;
        }

        /** When failed attempts are tried again. */
        public Builder retries(Retries value) {
            this.retries = value;
            return this;
        }

        /** Cookie session affinity. */
        public Builder affinity(SessionAffinity value) {
            this.affinity = value;
            return this;
        }

        /** The response cache. */
        public Builder cache(CachePolicy value) {
            this.cache = value;
            return this;
        }

        /** Response compression. */
        public Builder compression(Compression value) {
            this.compression = value;
            return this;
        }

        /** Client addresses served (others get 403). */
        public Builder sourceAllowlist(SourceAllowlist value) {
            this.sourceAllowlist = value;
            return this;
        }

        /** CORS answered by the proxy. */
        public Builder cors(Cors value) {
            this.cors = value;
            return this;
        }

        /** Longest wait for an endpoint to take the next part of a request body. */
        public Builder sendTimeoutMillis(Long value) {
            this.sendTimeoutMillis = value;
            return this;
        }

        /** Requests allowed per client key and period. */
        public Builder rateLimit(RateLimit value) {
            this.rateLimit = value;
            return this;
        }

        /** The policy; {@link IllegalArgumentException} when a setting is out of range. */
        public RoutePolicy build() {
            return new RoutePolicy(connectTimeoutMillis, responseTimeoutMillis, maxRequestBodyBytes, httpsRedirect, hsts,
                    webSocketIdleTimeoutMillis, retries, affinity, cache, compression, sourceAllowlist, cors,
                    sendTimeoutMillis, rateLimit);
        }
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
