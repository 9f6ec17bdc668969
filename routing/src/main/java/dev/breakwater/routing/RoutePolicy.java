package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Per-route settings, in six groups: {@link Timeouts}, {@link Https}, {@link Access}, {@link Upstream},
 * {@link Responses} and {@link Telemetry}. A null setting means "the data plane's configured default"; a group is never null (all its
 * settings null when none is set). Made by name through {@link #builder()} (or changed from another through
 * {@link #toBuilder()} and the {@code withX} copies).
 *
 * <p>The groups are the model; the table's wire format stays one flat JSON object, its keys the flat accessors
 * below ({@code connectTimeoutMillis}, {@code hsts} ...), unset settings left out, so that a table keeps its bytes
 * and its hash when a setting is added or the model regrouped.
 */
@JsonPropertyOrder({"connectTimeoutMillis", "responseTimeoutMillis", "maxRequestBodyBytes", "httpsRedirect", "hsts",
        "webSocketIdleTimeoutMillis", "retries", "affinity", "cache", "compression", "sourceAllowlist", "cors",
        "sendTimeoutMillis", "rateLimit", "accessLog", "tracing", "trustIncomingSpan", "externalAuth", "basicAuth",
        "digestAuth", "errorPages", "concurrentPerClient", "mirror", "passClientCertificate"})
public record RoutePolicy(@JsonIgnore Timeouts timeouts, @JsonIgnore Https https, @JsonIgnore Access access,
                          @JsonIgnore Upstream upstream, @JsonIgnore Responses responses,
                          @JsonIgnore Telemetry telemetry) {

    public static final RoutePolicy DEFAULTS = builder().build();

    public RoutePolicy {
        timeouts = timeouts == null ? Timeouts.NONE : timeouts;
        https = https == null ? Https.NONE : https;
        access = access == null ? Access.NONE : access;
        upstream = upstream == null ? Upstream.NONE : upstream;
        responses = responses == null ? Responses.NONE : responses;
        telemetry = telemetry == null ? Telemetry.NONE : telemetry;
    }

    /** The policy of the first five groups, no telemetry setting. */
    public RoutePolicy(Timeouts timeouts, Https https, Access access, Upstream upstream, Responses responses) {
        this(timeouts, https, access, upstream, responses, Telemetry.NONE);
    }

    /**
     * The timeouts of one exchange.
     *
     * @param connectMillis       longest wait for a TCP connection to an endpoint
     * @param responseMillis      longest wait for the response head after the request was sent, and between two
     *                            reads of the response body
     * @param sendMillis          while the request body is being sent to an endpoint, longest time the endpoint may
     *                            take to accept the next part of it (nginx's {@code proxy_send_timeout}: between two
     *                            successive writes, not for the whole body); beyond, the exchange ends (504 when no
     *                            response has started, else the connection is closed). Null: the response timeout
     * @param webSocketIdleMillis an upgraded (WebSocket) connection silent both ways this long is closed
     */
    public record Timeouts(Long connectMillis, Long responseMillis, Long sendMillis, Long webSocketIdleMillis) {
        public static final Timeouts NONE = new Timeouts(null, null, null, null);

        public Timeouts {
            requirePositive("connectTimeoutMillis", connectMillis);
            requirePositive("responseTimeoutMillis", responseMillis);
            requirePositive("sendTimeoutMillis", sendMillis);
            requirePositive("webSocketIdleTimeoutMillis", webSocketIdleMillis);
        }
    }

    /**
     * HTTPS for the route's clients.
     *
     * @param redirect answer plain-HTTP requests with a 308 redirect to HTTPS (null: no)
     * @param hsts     Strict-Transport-Security added to HTTPS responses, or null for none
     * @param passClientCertificate true: the client certificate verified in the handshake (on a host asking for
     *                 one) is sent to the endpoints, URL-encoded PEM in {@code ssl-client-cert}; null: it is not
     */
    public record Https(Boolean redirect, Hsts hsts, Boolean passClientCertificate) {
        public static final Https NONE = new Https(null, null, null);

        /** HTTPS settings that pass no client certificate on. */
        public Https(Boolean redirect, Hsts hsts) {
            this(redirect, hsts, null);
        }
    }

    /**
     * Which requests are served, checked before any endpoint is involved.
     *
     * @param sourceAllowlist     client addresses served (others get 403), or null for every client
     * @param cors                CORS answered by the proxy, or null for none (requests pass unchanged)
     * @param rateLimit           requests allowed per client key and period, or null for no limit
     * @param maxRequestBodyBytes largest request body accepted (413 beyond)
     * @param externalAuth        an authentication service asked about each request, or null
     * @param basicAuth           users and password hashes of HTTP Basic authentication, or null
     * @param digestAuth          users of HTTP Digest authentication, or null
     * @param concurrentPerClient most requests of one client address in progress at once on the route, per data
     *                            plane (ingress-nginx's {@code limit-connections}; 503 beyond), or null for no limit
     */
    public record Access(SourceAllowlist sourceAllowlist, Cors cors, RateLimit rateLimit, Long maxRequestBodyBytes,
                         ExternalAuth externalAuth, BasicAuth basicAuth, DigestAuth digestAuth,
                         Integer concurrentPerClient) {
        public static final Access NONE = new Access(null, null, null, null, null, null, null, null);

        /** Access without authentication. */
        public Access(SourceAllowlist sourceAllowlist, Cors cors, RateLimit rateLimit, Long maxRequestBodyBytes) {
            this(sourceAllowlist, cors, rateLimit, maxRequestBodyBytes, null, null, null, null);
        }

        /** Access without a limit of concurrent requests. */
        public Access(SourceAllowlist sourceAllowlist, Cors cors, RateLimit rateLimit, Long maxRequestBodyBytes,
                      ExternalAuth externalAuth, BasicAuth basicAuth, DigestAuth digestAuth) {
            this(sourceAllowlist, cors, rateLimit, maxRequestBodyBytes, externalAuth, basicAuth, digestAuth, null);
        }

        /** This access with other settings of authentication. */
        Access withAuth(ExternalAuth external, BasicAuth basic, DigestAuth digest) {
            return new Access(sourceAllowlist, cors, rateLimit, maxRequestBodyBytes, external, basic, digest,
                    concurrentPerClient);
        }

        /** This access with another limit of concurrent requests per client. */
        Access withConcurrentPerClient(Integer value) {
            return new Access(sourceAllowlist, cors, rateLimit, maxRequestBodyBytes, externalAuth, basicAuth,
                    digestAuth, value);
        }

        public Access {
            if (maxRequestBodyBytes != null && maxRequestBodyBytes < 0) {
                throw new IllegalArgumentException("maxRequestBodyBytes: " + maxRequestBodyBytes
                        + " (expected: >= 0)");
            }
            if (concurrentPerClient != null && concurrentPerClient < 1) {
                throw new IllegalArgumentException("concurrentPerClient: " + concurrentPerClient
                        + " (expected: >= 1)");
            }
        }
    }

    /**
     * How the endpoints are used.
     *
     * @param retries  when failed attempts are tried again (null: {@link Retries#DEFAULTS})
     * @param affinity cookie session affinity, or null for none
     * @param mirror   where copies of the requests go (fire-and-forget), or null for none
     */
    public record Upstream(Retries retries, SessionAffinity affinity, RequestMirror mirror) {
        public static final Upstream NONE = new Upstream(null, null, null);
    }

    /**
     * What the proxy does with responses.
     *
     * @param cache       the response cache, or null when responses of this route are never cached
     * @param compression response compression, or null for none
     * @param errorPages  error responses answered by another backend, or null for none
     */
    public record Responses(CachePolicy cache, Compression compression, ErrorPages errorPages) {
        public static final Responses NONE = new Responses(null, null, null);

        /** Responses without error pages. */
        public Responses(CachePolicy cache, Compression compression) {
            this(cache, compression, null);
        }
    }

    /**
     * What the proxy tells about the route's requests.
     *
     * @param accessLog         false: the route's requests write no access-log line (null: they do, when the data
     *                          plane writes access logs)
     * @param tracing           true or false: the route's requests get a server span (and a traceparent sent to the
     *                          endpoint) or not, when the data plane exports traces; null: the data plane's default
     * @param trustIncomingSpan true: a client's {@code traceparent} is continued; false: it is replaced by a new
     *                          trace; null: the data plane's default
     */
    public record Telemetry(Boolean accessLog, Boolean tracing, Boolean trustIncomingSpan) {
        public static final Telemetry NONE = new Telemetry(null, null, null);

        /** Only the access-log setting. */
        public Telemetry(Boolean accessLog) {
            this(accessLog, null, null);
        }
    }

    /** The wire format's constructor: one flat object (see the class comment). */
    @JsonCreator
    static RoutePolicy fromWire(@JsonProperty("connectTimeoutMillis") Long connectTimeoutMillis,
                                @JsonProperty("responseTimeoutMillis") Long responseTimeoutMillis,
                                @JsonProperty("maxRequestBodyBytes") Long maxRequestBodyBytes,
                                @JsonProperty("httpsRedirect") Boolean httpsRedirect,
                                @JsonProperty("hsts") Hsts hsts,
                                @JsonProperty("webSocketIdleTimeoutMillis") Long webSocketIdleTimeoutMillis,
                                @JsonProperty("retries") Retries retries,
                                @JsonProperty("affinity") SessionAffinity affinity,
                                @JsonProperty("cache") CachePolicy cache,
                                @JsonProperty("compression") Compression compression,
                                @JsonProperty("sourceAllowlist") SourceAllowlist sourceAllowlist,
                                @JsonProperty("cors") Cors cors,
                                @JsonProperty("sendTimeoutMillis") Long sendTimeoutMillis,
                                @JsonProperty("rateLimit") RateLimit rateLimit,
                                @JsonProperty("accessLog") Boolean accessLog,
                                @JsonProperty("tracing") Boolean tracing,
                                @JsonProperty("trustIncomingSpan") Boolean trustIncomingSpan,
                                @JsonProperty("externalAuth") ExternalAuth externalAuth,
                                @JsonProperty("basicAuth") BasicAuth basicAuth,
                                @JsonProperty("digestAuth") DigestAuth digestAuth,
                                @JsonProperty("errorPages") ErrorPages errorPages,
                                @JsonProperty("concurrentPerClient") Integer concurrentPerClient,
                                @JsonProperty("mirror") RequestMirror mirror,
                                @JsonProperty("passClientCertificate") Boolean passClientCertificate) {
        return new RoutePolicy(new Timeouts(connectTimeoutMillis, responseTimeoutMillis, sendTimeoutMillis,
                webSocketIdleTimeoutMillis), new Https(httpsRedirect, hsts, passClientCertificate),
                new Access(sourceAllowlist, cors, rateLimit, maxRequestBodyBytes, externalAuth, basicAuth,
                        digestAuth, concurrentPerClient),
                new Upstream(retries, affinity, mirror),
                new Responses(cache, compression, errorPages), new Telemetry(accessLog, tracing, trustIncomingSpan));
    }

    // --- the flat view: the wire format's keys, and what the data plane reads ---------------------------------

    /** Longest wait for a TCP connection to an endpoint. */
    @JsonProperty
    public Long connectTimeoutMillis() {
        return timeouts.connectMillis();
    }

    /** Longest wait for the response head, and between two reads of its body. */
    @JsonProperty
    public Long responseTimeoutMillis() {
        return timeouts.responseMillis();
    }

    /** Longest wait for an endpoint to take the next part of a request body (null: the response timeout). */
    @JsonProperty
    public Long sendTimeoutMillis() {
        return timeouts.sendMillis();
    }

    /** An upgraded connection silent both ways this long is closed. */
    @JsonProperty
    public Long webSocketIdleTimeoutMillis() {
        return timeouts.webSocketIdleMillis();
    }

    /** Answer plain-HTTP requests with a redirect to HTTPS (null: no). */
    @JsonProperty
    public Boolean httpsRedirect() {
        return https.redirect();
    }

    /** Strict-Transport-Security for HTTPS responses, or null. */
    @JsonProperty
    public Hsts hsts() {
        return https.hsts();
    }

    /** True: the verified client certificate goes to the endpoints in {@code ssl-client-cert}; null: it does not. */
    @JsonProperty
    public Boolean passClientCertificate() {
        return https.passClientCertificate();
    }

    /** Client addresses served, or null for every client. */
    @JsonProperty
    public SourceAllowlist sourceAllowlist() {
        return access.sourceAllowlist();
    }

    /** CORS answered by the proxy, or null. */
    @JsonProperty
    public Cors cors() {
        return access.cors();
    }

    /** Requests allowed per client key and period, or null. */
    @JsonProperty
    public RateLimit rateLimit() {
        return access.rateLimit();
    }

    /** Largest request body accepted, or null for the data plane's default. */
    @JsonProperty
    public Long maxRequestBodyBytes() {
        return access.maxRequestBodyBytes();
    }

    /** The authentication service asked about each request, or null. */
    @JsonProperty
    public ExternalAuth externalAuth() {
        return access.externalAuth();
    }

    /** HTTP Basic authentication, or null. */
    @JsonProperty
    public BasicAuth basicAuth() {
        return access.basicAuth();
    }

    /** HTTP Digest authentication, or null. */
    @JsonProperty
    public DigestAuth digestAuth() {
        return access.digestAuth();
    }

    /** When failed attempts are tried again, or null for {@link Retries#DEFAULTS}. */
    @JsonProperty
    public Retries retries() {
        return upstream.retries();
    }

    /** Cookie session affinity, or null. */
    @JsonProperty
    public SessionAffinity affinity() {
        return upstream.affinity();
    }

    /** Where copies of the requests go, or null. */
    @JsonProperty
    public RequestMirror mirror() {
        return upstream.mirror();
    }

    /** The response cache, or null. */
    @JsonProperty
    public CachePolicy cache() {
        return responses.cache();
    }

    /** Response compression, or null. */
    @JsonProperty
    public Compression compression() {
        return responses.compression();
    }

    /** Most requests of one client address in progress at once, or null. */
    @JsonProperty
    public Integer concurrentPerClient() {
        return access.concurrentPerClient();
    }

    /** Error responses answered by another backend, or null. */
    @JsonProperty
    public ErrorPages errorPages() {
        return responses.errorPages();
    }

    /** False when the route's requests write no access-log line; null (the default) when they do. */
    @JsonProperty
    public Boolean accessLog() {
        return telemetry.accessLog();
    }

    /** True or false when the route turns tracing on or off; null (the default): the data plane's default. */
    @JsonProperty
    public Boolean tracing() {
        return telemetry.tracing();
    }

    /** Whether a client's traceparent is continued on this route; null (the default): the data plane's default. */
    @JsonProperty
    public Boolean trustIncomingSpan() {
        return telemetry.trustIncomingSpan();
    }

    /** True unless the route turned its access log off. */
    @JsonIgnore
    public boolean writesAccessLog() {
        return !Boolean.FALSE.equals(telemetry.accessLog());
    }

    /** A policy with every setting at the data plane's default, to set some of them on. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.timeouts = timeouts;
        b.https = https;
        b.access = access;
        b.upstream = upstream;
        b.responses = responses;
        b.telemetry = telemetry;
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
    @JsonIgnore
    public Retries retriesOrDefault() {
        Retries r = upstream.retries();
        return r == null ? Retries.DEFAULTS : r;
    }

    @JsonIgnore
    public boolean redirectsToHttps() {
        return Boolean.TRUE.equals(https.redirect());
    }

    /**
     * Builds a {@link RoutePolicy} by name rather than by position, a group at a time or a setting at a time; every
     * setting not given is null (the data plane's default). Each setting is checked by its group's record when set.
     */
    public static final class Builder {
        private Timeouts timeouts = Timeouts.NONE;
        private Https https = Https.NONE;
        private Access access = Access.NONE;
        private Upstream upstream = Upstream.NONE;
        private Responses responses = Responses.NONE;
        private Telemetry telemetry = Telemetry.NONE;

        private Builder() {
        }

        public Builder timeouts(Timeouts value) {
            this.timeouts = value == null ? Timeouts.NONE : value;
            return this;
        }

        public Builder https(Https value) {
            this.https = value == null ? Https.NONE : value;
            return this;
        }

        public Builder access(Access value) {
            this.access = value == null ? Access.NONE : value;
            return this;
        }

        public Builder upstream(Upstream value) {
            this.upstream = value == null ? Upstream.NONE : value;
            return this;
        }

        public Builder responses(Responses value) {
            this.responses = value == null ? Responses.NONE : value;
            return this;
        }

        public Builder telemetry(Telemetry value) {
            this.telemetry = value == null ? Telemetry.NONE : value;
            return this;
        }

        /** False: the route's requests write no access-log line (null: they do). */
        public Builder accessLog(Boolean value) {
            Telemetry t = telemetry;
            return telemetry(new Telemetry(value, t.tracing(), t.trustIncomingSpan()));
        }

        /** True or false: the route's requests are traced or not (null: the data plane's default). */
        public Builder tracing(Boolean value) {
            Telemetry t = telemetry;
            return telemetry(new Telemetry(t.accessLog(), value, t.trustIncomingSpan()));
        }

        /** True or false: a client's traceparent is continued or replaced (null: the data plane's default). */
        public Builder trustIncomingSpan(Boolean value) {
            Telemetry t = telemetry;
            return telemetry(new Telemetry(t.accessLog(), t.tracing(), value));
        }

        /** Longest wait for a TCP connection to an endpoint. */
        public Builder connectTimeoutMillis(Long value) {
            Timeouts t = timeouts;
            return timeouts(new Timeouts(value, t.responseMillis(), t.sendMillis(), t.webSocketIdleMillis()));
        }

        /** Longest wait for the response head, and between two reads of its body. */
        public Builder responseTimeoutMillis(Long value) {
            Timeouts t = timeouts;
            return timeouts(new Timeouts(t.connectMillis(), value, t.sendMillis(), t.webSocketIdleMillis()));
        }

        /** Longest wait for an endpoint to take the next part of a request body. */
        public Builder sendTimeoutMillis(Long value) {
            Timeouts t = timeouts;
            return timeouts(new Timeouts(t.connectMillis(), t.responseMillis(), value, t.webSocketIdleMillis()));
        }

        /** An upgraded connection silent both ways this long is closed. */
        public Builder webSocketIdleTimeoutMillis(Long value) {
            Timeouts t = timeouts;
            return timeouts(new Timeouts(t.connectMillis(), t.responseMillis(), t.sendMillis(), value));
        }

        /** Answer plain-HTTP requests with a redirect to HTTPS. */
        public Builder httpsRedirect(Boolean value) {
            return https(new Https(value, https.hsts(), https.passClientCertificate()));
        }

        /** Strict-Transport-Security for HTTPS responses. */
        public Builder hsts(Hsts value) {
            return https(new Https(https.redirect(), value, https.passClientCertificate()));
        }

        /** Send the verified client certificate to the endpoints ({@code ssl-client-cert}). */
        public Builder passClientCertificate(Boolean value) {
            return https(new Https(https.redirect(), https.hsts(), value));
        }

        /** Client addresses served (others get 403). */
        public Builder sourceAllowlist(SourceAllowlist value) {
            Access a = access;
            return access(new Access(value, a.cors(), a.rateLimit(), a.maxRequestBodyBytes())
                    .withAuth(a.externalAuth(), a.basicAuth(), a.digestAuth())
                    .withConcurrentPerClient(a.concurrentPerClient()));
        }

        /** CORS answered by the proxy. */
        public Builder cors(Cors value) {
            Access a = access;
            return access(new Access(a.sourceAllowlist(), value, a.rateLimit(), a.maxRequestBodyBytes())
                    .withAuth(a.externalAuth(), a.basicAuth(), a.digestAuth())
                    .withConcurrentPerClient(a.concurrentPerClient()));
        }

        /** Requests allowed per client key and period. */
        public Builder rateLimit(RateLimit value) {
            Access a = access;
            return access(new Access(a.sourceAllowlist(), a.cors(), value, a.maxRequestBodyBytes())
                    .withAuth(a.externalAuth(), a.basicAuth(), a.digestAuth())
                    .withConcurrentPerClient(a.concurrentPerClient()));
        }

        /** Largest request body accepted (413 beyond). */
        public Builder maxRequestBodyBytes(Long value) {
            Access a = access;
            return access(new Access(a.sourceAllowlist(), a.cors(), a.rateLimit(), value)
                    .withAuth(a.externalAuth(), a.basicAuth(), a.digestAuth())
                    .withConcurrentPerClient(a.concurrentPerClient()));
        }

        /** The authentication service asked about each request. */
        public Builder externalAuth(ExternalAuth value) {
            Access a = access;
            return access(a.withAuth(value, a.basicAuth(), a.digestAuth()));
        }

        /** HTTP Basic authentication. */
        public Builder basicAuth(BasicAuth value) {
            Access a = access;
            return access(a.withAuth(a.externalAuth(), value, a.digestAuth()));
        }

        /** HTTP Digest authentication. */
        public Builder digestAuth(DigestAuth value) {
            Access a = access;
            return access(a.withAuth(a.externalAuth(), a.basicAuth(), value));
        }

        /** Most requests of one client address in progress at once (503 beyond). */
        public Builder concurrentPerClient(Integer value) {
            return access(access.withConcurrentPerClient(value));
        }

        /** When failed attempts are tried again. */
        public Builder retries(Retries value) {
            return upstream(new Upstream(value, upstream.affinity(), upstream.mirror()));
        }

        /** Cookie session affinity. */
        public Builder affinity(SessionAffinity value) {
            return upstream(new Upstream(upstream.retries(), value, upstream.mirror()));
        }

        /** Where copies of the requests go (fire-and-forget). */
        public Builder mirror(RequestMirror value) {
            return upstream(new Upstream(upstream.retries(), upstream.affinity(), value));
        }

        /** The response cache. */
        public Builder cache(CachePolicy value) {
            return responses(new Responses(value, responses.compression(), responses.errorPages()));
        }

        /** Response compression. */
        public Builder compression(Compression value) {
            return responses(new Responses(responses.cache(), value, responses.errorPages()));
        }

        /** Error responses answered by another backend. */
        public Builder errorPages(ErrorPages value) {
            return responses(new Responses(responses.cache(), responses.compression(), value));
        }

        public RoutePolicy build() {
            return new RoutePolicy(timeouts, https, access, upstream, responses, telemetry);
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
