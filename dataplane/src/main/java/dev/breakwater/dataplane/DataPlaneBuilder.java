package dev.breakwater.dataplane;

import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.channel.Transport;
import dev.breakwater.dataplane.cache.CacheConfig;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.request.RequestPolicy;
import dev.breakwater.dataplane.l4.L4Settings;
import dev.breakwater.dataplane.listen.ListenSettings;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import dev.breakwater.routing.Certificate;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import java.nio.file.Path;
import java.util.Objects;

/** Settings of a {@link DataPlane}; every setter checks its argument. */
public final class DataPlaneBuilder {
    String bindAddress = "0.0.0.0";
    int httpPort = 8080;
    int adminPort = 9090;
    int httpsPort = -1;
    Certificate defaultCertificate;
    boolean tlsSessionResumption = !"false".equals(System.getProperty("breakwater.tls.sessionResumption"));
    int workers = Runtime.getRuntime().availableProcessors();
    ProxyConfig config = ProxyConfig.defaults();
    Transport transport = Transport.best();
    CacheConfig cache = CacheConfig.DEFAULTS;
    String adminToken;
    int rateLimitKeys = RateLimiters.DEFAULT_MAX_KEYS;
    int metricsMaxRoutes = ProxyMetrics.DEFAULT_MAX_ROUTES;
    int metricsMaxEndpoints = dev.breakwater.dataplane.metrics.EndpointMeters.DEFAULT_MAX_ENDPOINTS;
    Path hostsFile;
    RequestPolicy requestPolicy = RequestPolicy.DEFAULT;
    boolean listenOnceServing;
    L4Settings l4Settings = L4Settings.DEFAULTS;
    ListenSettings listenSettings = ListenSettings.DEFAULTS;
    TrustedSources proxyProtocolFrom = TrustedSources.NONE;
    AccessLogConfig accessLog = AccessLogConfig.OFF;
    java.io.OutputStream accessLogOutput = System.out;
    dev.breakwater.dataplane.trace.TracingConfig tracing = dev.breakwater.dataplane.trace.TracingConfig.OFF;

    DataPlaneBuilder() {
    }

    /** How the HTTP and HTTPS listeners take connections ({@link ListenSettings#DEFAULTS}). */
    public DataPlaneBuilder listenSettings(ListenSettings value) {
        this.listenSettings = Objects.requireNonNull(value, "listenSettings");
        return this;
    }

    /** The data plane's limits of L4 listeners ({@link L4Settings#DEFAULTS}). */
    public DataPlaneBuilder l4Settings(L4Settings value) {
        this.l4Settings = Objects.requireNonNull(value, "l4Settings");
        return this;
    }

    /**
     * The peers whose connections to the HTTP and HTTPS ports must begin with a PROXY protocol header (v1 or v2),
     * which then gives the client address (X-Forwarded-For, allowlists, rate limits); connections from elsewhere
     * are refused. Empty, the default: no header is read.
     */
    public DataPlaneBuilder proxyProtocolFrom(TrustedSources value) {
        this.proxyProtocolFrom = Objects.requireNonNull(value, "proxyProtocolFrom");
        return this;
    }

    /**
     * Binds the HTTP and HTTPS listeners only once the first table is applied (the admin port at once), so that
     * before it clients find the port closed and try elsewhere, instead of getting 404 from an empty table: a
     * hostPort sends traffic to a new pod as soon as its container runs, whatever its readiness says. Off by
     * default (then every request before the first table gets 404).
     */
    public DataPlaneBuilder listenOnceServing(boolean value) {
        this.listenOnceServing = value;
        return this;
    }

    /** What a request head may carry and how its path is normalised ({@link RequestPolicy#DEFAULT}). */
    public DataPlaneBuilder requestPolicy(RequestPolicy value) {
        this.requestPolicy = Objects.requireNonNull(value, "requestPolicy");
        return this;
    }

    /**
     * The most rate-limit buckets (client keys of every limited route together) kept in memory; beyond that,
     * the least useful are forgotten. Default {@value RateLimiters#DEFAULT_MAX_KEYS}.
     */
    /** The most endpoints with gauges of their own (see {@link dev.breakwater.dataplane.metrics.EndpointMeters}). */
    public DataPlaneBuilder metricsMaxEndpoints(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("metricsMaxEndpoints: " + value + " (expected: >= 1)");
        }
        this.metricsMaxEndpoints = value;
        return this;
    }

    /** The most routes with request meters of their own (see {@link ProxyMetrics}). */
    public DataPlaneBuilder metricsMaxRoutes(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("metricsMaxRoutes: " + value + " (expected: >= 1)");
        }
        this.metricsMaxRoutes = value;
        return this;
    }

    public DataPlaneBuilder rateLimitKeys(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("rateLimitKeys: " + value + " (expected: >= 1)");
        }
        this.rateLimitKeys = value;
        return this;
    }

    /**
     * A hosts file (as {@code /etc/hosts}) where endpoint names (ExternalName Services, FQDN EndpointSlices)
     * are looked up before {@code /etc/hosts} and DNS; null for none.
     */
    public DataPlaneBuilder hostsFile(Path value) {
        this.hostsFile = value;
        return this;
    }

    /** The response cache's limits and defaults (routes turn it on); {@code maxBytes} 0 turns it off. */
    public DataPlaneBuilder cache(CacheConfig value) {
        this.cache = Objects.requireNonNull(value, "cache");
        return this;
    }

    /**
     * The bearer token the admin port requires for changes (cache purges). Without one, such requests are
     * refused.
     */
    public DataPlaneBuilder adminToken(String value) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException("adminToken: blank (expected: a secret, or null for none)");
        }
        this.adminToken = value;
        return this;
    }

    public DataPlaneBuilder bindAddress(String value) {
        this.bindAddress = Objects.requireNonNull(value, "bindAddress");
        return this;
    }

    /** HTTP port; 0 picks a free one. */
    public DataPlaneBuilder httpPort(int value) {
        this.httpPort = checkPort("httpPort", value);
        return this;
    }

    /** Admin port; 0 picks a free one. */
    public DataPlaneBuilder adminPort(int value) {
        this.adminPort = checkPort("adminPort", value);
        return this;
    }

    /** HTTPS port (0 picks a free one); -1, the default, means no HTTPS listener. */
    public DataPlaneBuilder httpsPort(int value) {
        this.httpsPort = value == -1 ? -1 : checkPort("httpsPort", value);
        return this;
    }

    /** The certificate served when no SNI name matches; a self-signed one is generated if unset. */
    public DataPlaneBuilder defaultCertificate(Certificate value) {
        this.defaultCertificate = Objects.requireNonNull(value, "defaultCertificate");
        return this;
    }

    /**
     * TLS session resumption (tickets and cache), on by default; off makes every connection a full
     * handshake. The system property {@code breakwater.tls.sessionResumption=false} sets the default.
     */
    public DataPlaneBuilder tlsSessionResumption(boolean value) {
        this.tlsSessionResumption = value;
        return this;
    }

    /** Event-loop threads; each has its own upstream pools. */
    public DataPlaneBuilder workers(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("workers: " + value + " (expected: >= 1)");
        }
        this.workers = value;
        return this;
    }

    public DataPlaneBuilder config(ProxyConfig value) {
        this.config = Objects.requireNonNull(value, "config");
        return this;
    }

    public DataPlaneBuilder transport(Transport value) {
        this.transport = Objects.requireNonNull(value, "transport");
        return this;
    }

    /** The access log's format, sample and queue ({@link AccessLogConfig#OFF} unless set; main sets JSON). */
    public DataPlaneBuilder accessLog(AccessLogConfig value) {
        this.accessLog = Objects.requireNonNull(value, "accessLog");
        return this;
    }

    /** Where access-log lines go (standard output unless set). */
    public DataPlaneBuilder accessLogOutput(java.io.OutputStream value) {
        this.accessLogOutput = Objects.requireNonNull(value, "accessLogOutput");
        return this;
    }

    /** Tracing: where spans are exported (none unless set), the sample ratio, trust, the export's bounds. */
    public DataPlaneBuilder tracing(dev.breakwater.dataplane.trace.TracingConfig value) {
        this.tracing = Objects.requireNonNull(value, "tracing");
        return this;
    }

    public DataPlane build() {
        return new DataPlane(this);
    }

    private static int checkPort(String name, int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0-65535)");
        }
        return value;
    }
}
