package dev.breakwater.dataplane;

import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.cache.CacheConfig;
import dev.breakwater.dataplane.cache.DiskTierConfig;
import dev.breakwater.dataplane.l4.L4Settings;
import dev.breakwater.dataplane.listen.ListenSettings;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import dev.breakwater.dataplane.request.PathPolicy;
import dev.breakwater.dataplane.request.RequestPolicy;
import dev.breakwater.dataplane.trace.TracingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The command-line options of the response cache, the rate limiters, the admin token and the hosts file, shared
 * by the data plane's and local mode's {@code main}: {@code --cache-size}, {@code --cache-default-ttl},
 * {@code --cache-max-object-size}, {@code --cache-lock-timeout}, {@code --cache-disk-dir}, {@code --cache-disk-size},
 * {@code --cache-disk-threshold}, {@code --rate-limit-keys}, {@code --admin-token-file},
 * {@code --hosts-file}, and the request-head checks: {@code --max-request-headers}, {@code --path-merge-slashes},
 * {@code --path-escaped-slashes}, and the PROXY protocol and TLS passthrough limits: {@code --proxy-protocol-from},
 * {@code --proxy-protocol-header-timeout}, {@code --client-hello-timeout}, {@code --max-client-hello-size},
 * {@code --l4-backlog}, the listeners' {@code --listen-backlog} and {@code --accepts-per-wakeup}, and the access log: {@code --access-log}, {@code --access-log-sample},
 * {@code --access-log-queue}, {@code --access-log-flush-interval}, and tracing: {@code --otlp-endpoint}, {@code --trace-sample-ratio},
 * {@code --trace-trust-incoming}, {@code --trace-routes}, {@code --trace-service-name}, {@code --otlp-queue},
 * {@code --otlp-batch}, {@code --otlp-export-delay}, {@code --otlp-export-timeout}. A picocli mixin of both commands; each option's value is checked by
 * {@link #accept}, whose messages name the option.
 */
public final class EdgeOptions {

    private CacheConfig cache = CacheConfig.DEFAULTS;
    private Path diskDir;
    private long diskMaxBytes = DiskTierConfig.DEFAULT_MAX_BYTES;
    private long diskThresholdBytes = DiskTierConfig.DEFAULT_THRESHOLD_BYTES;
    private String adminToken;
    private int rateLimitKeys = dev.breakwater.dataplane.ratelimit.RateLimiters.DEFAULT_MAX_KEYS;
    private int metricsMaxRoutes = dev.breakwater.dataplane.metrics.ProxyMetrics.DEFAULT_MAX_ROUTES;
    private int metricsMaxEndpoints = dev.breakwater.dataplane.metrics.EndpointMeters.DEFAULT_MAX_ENDPOINTS;
    private Path hostsFile;
    private RequestPolicy request = RequestPolicy.DEFAULT;
    private TrustedSources proxyProtocolFrom = TrustedSources.NONE;
    private L4Settings l4 = L4Settings.DEFAULTS;
    private ListenSettings listen = ListenSettings.DEFAULTS;
    private AccessLogConfig accessLog = accessLogFromEnvironment(System.getenv(ACCESS_LOG_ENV));
    private TracingConfig tracing = TracingConfig.OFF;

    /** The environment variable that sets the access log's format where no {@code --access-log} is given. */
    static final String ACCESS_LOG_ENV = "BREAKWATER_ACCESS_LOG";

    static AccessLogConfig accessLogFromEnvironment(String value) {
        return value == null || value.isBlank() ? AccessLogConfig.DEFAULTS
                : AccessLogConfig.DEFAULTS.withFormat(AccessLogConfig.Format.parse(ACCESS_LOG_ENV, value));
    }

    /**
     * Takes the option if it is one of these.
     *
     * @return true when taken
     * @throws IllegalArgumentException naming the option and what was expected, for a bad value
     */
    public boolean accept(String name, String value) {
        switch (name) {
            case "--cache-size" -> cache = cache.withMaxBytes(bytes(name, value, true));
            case "--cache-max-object-size" -> cache = cache.withMaxObjectBytes(bytes(name, value, false));
            case "--cache-default-ttl" -> cache = cache.withDefaultTtl(duration(name, value));
            case "--cache-lock-timeout" -> cache = cache.withLockTimeout(duration(name, value));
            case "--cache-disk-dir" -> {
                if (value.isBlank()) {
                    throw new IllegalArgumentException(name + ": empty (expected: a directory for the disk tier)");
                }
                diskDir = Path.of(value);
            }
            case "--cache-disk-size" -> diskMaxBytes = bytes(name, value, false);
            case "--cache-disk-threshold" -> diskThresholdBytes = bytes(name, value, false);
            case "--admin-token-file" -> adminToken = token(name, value);
            case "--rate-limit-keys" -> rateLimitKeys = count(name, value);
            case "--metrics-max-routes" -> metricsMaxRoutes = count(name, value);
            case "--metrics-max-endpoints" -> metricsMaxEndpoints = count(name, value);
            case "--max-request-headers" -> request = request.withMaxHeaders(count(name, value));
            case "--path-merge-slashes" -> request = request.withPaths(request.paths().withMergeSlashes(bool(name, value)));
            case "--path-escaped-slashes" -> request = request.withPaths(
                    request.paths().withEscapedSlashes(PathPolicy.EscapedSlashes.parse(name, value)));
            case "--proxy-protocol-from" -> proxyProtocolFrom = cidrs(name, value);
            case "--proxy-protocol-header-timeout" -> l4 = new L4Settings(l4.backlog(), l4.maxClientHelloLength(),
                    l4.clientHelloTimeoutMillis(), positive(name, duration(name, value)).toMillis());
            case "--client-hello-timeout" -> l4 = new L4Settings(l4.backlog(), l4.maxClientHelloLength(),
                    positive(name, duration(name, value)).toMillis(), l4.proxyProtocolHeaderTimeoutMillis());
            case "--max-client-hello-size" -> l4 = new L4Settings(l4.backlog(),
                    (int) within(name, bytes(name, value, false), 1, MAX_CLIENT_HELLO), l4.clientHelloTimeoutMillis(),
                    l4.proxyProtocolHeaderTimeoutMillis());
            case "--l4-backlog" -> l4 = new L4Settings((int) within(name, count(name, value), 1, 65535),
                    l4.maxClientHelloLength(), l4.clientHelloTimeoutMillis(), l4.proxyProtocolHeaderTimeoutMillis());
            case "--listen-backlog" -> listen = listen.withBacklog((int) within(name, count(name, value), 1, 65535));
            case "--accepts-per-wakeup" -> listen = listen.withAcceptsPerWakeup(
                    (int) within(name, count(name, value), 1, ListenSettings.MAX_ACCEPTS_PER_WAKEUP));
            case "--access-log" -> accessLog = accessLog.withFormat(AccessLogConfig.Format.parse(name, value));
            case "--access-log-sample" -> accessLog = accessLog.withSample(ratio(name, value));
            case "--access-log-queue" -> accessLog = accessLog.withQueueLines(count(name, value));
            case "--access-log-flush-interval" -> accessLog = accessLog.withFlushMillis(
                    positive(name, duration(name, value)).toMillis());
            case "--otlp-endpoint" -> tracing = tracing.withEndpoint(url(name, value));
            case "--trace-sample-ratio" -> tracing = tracing.withSampleRatio(ratio(name, value));
            case "--trace-trust-incoming" -> tracing = tracing.withTrustIncoming(bool(name, value));
            case "--trace-routes" -> tracing = tracing.withAllRoutes(switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "all" -> true;
                case "opted-in" -> false;
                default -> throw new IllegalArgumentException(name + ": '" + value + "' (expected: all or opted-in)");
            });
            case "--trace-service-name" -> {
                if (value.isBlank()) {
                    throw new IllegalArgumentException(name + ": empty (expected: a name such as breakwater)");
                }
                tracing = tracing.withServiceName(value.trim());
            }
            case "--otlp-queue" -> tracing = tracing.withQueueSpans(count(name, value));
            case "--otlp-batch" -> tracing = tracing.withBatchSpans(count(name, value));
            case "--otlp-export-delay" -> tracing = tracing.withExportDelayMillis(
                    positive(name, duration(name, value)).toMillis());
            case "--otlp-export-timeout" -> tracing = tracing.withExportTimeoutMillis(
                    positive(name, duration(name, value)).toMillis());
            case "--hosts-file" -> {
                hostsFile = Path.of(value);
                if (!Files.isReadable(hostsFile)) {
                    throw new IllegalArgumentException(name + ": cannot read " + value);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Option(names = "--cache-size", paramLabel = "SIZE",
            description = "The response cache's bound, bodies and headers counted; 0 turns it off (default: 256Mi).")
    void cacheSize(String value) {
        accept("--cache-size", value);
    }

    @Option(names = "--cache-max-object-size", paramLabel = "SIZE",
            description = "The largest response stored; larger ones pass through (default: 8Mi).")
    void cacheMaxObjectSize(String value) {
        accept("--cache-max-object-size", value);
    }

    @Option(names = "--cache-default-ttl", paramLabel = "DURATION",
            description = "Freshness of storable responses that carry none; 0s stores only explicit freshness "
                    + "(default: 0s).")
    void cacheDefaultTtl(String value) {
        accept("--cache-default-ttl", value);
    }

    @Option(names = "--cache-lock-timeout", paramLabel = "DURATION",
            description = "Longest wait for another request's fetch of the same key (default: 5s).")
    void cacheLockTimeout(String value) {
        accept("--cache-lock-timeout", value);
    }

    @Option(names = "--cache-disk-dir", paramLabel = "DIR",
            description = "Turns on the cache's disk tier in DIR (made if missing; kept across restarts): responses "
                    + "larger than --cache-disk-threshold and those evicted from memory go there (default: none).")
    void cacheDiskDir(String value) {
        accept("--cache-disk-dir", value);
    }

    @Option(names = "--cache-disk-size", paramLabel = "SIZE",
            description = "The disk tier's bound; the least recently used entries go first (default: 1Gi).")
    void cacheDiskSize(String value) {
        accept("--cache-disk-size", value);
    }

    @Option(names = "--cache-disk-threshold", paramLabel = "SIZE",
            description = "Responses weighing more than this are kept on disk only, with a disk tier (default: 1Mi).")
    void cacheDiskThreshold(String value) {
        accept("--cache-disk-threshold", value);
    }

    @Option(names = "--rate-limit-keys", paramLabel = "N",
            description = "Rate-limit buckets kept in memory, about 250 bytes each (default: 100000).")
    void rateLimitKeys(String value) {
        accept("--rate-limit-keys", value);
    }

    @Option(names = "--metrics-max-routes", paramLabel = "N",
            description = "Routes with request meters of their own on /metrics (likewise cache and rate-limit "
                    + "meters); requests of further routes are counted as route=\"(other)\" (default: 1000).")
    void metricsMaxRoutes(String value) {
        accept("--metrics-max-routes", value);
    }

    @Option(names = "--metrics-max-endpoints", paramLabel = "N",
            description = "Endpoints with gauges of their own on /metrics (requests in flight, ejection), the first "
                    + "ones a table brings (default: 1000).")
    void metricsMaxEndpoints(String value) {
        accept("--metrics-max-endpoints", value);
    }

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "The bearer token (16 characters or more) that POST /cache/purge needs; without it purging "
                    + "is refused.")
    void adminTokenFile(String value) {
        accept("--admin-token-file", value);
    }

    @Option(names = "--hosts-file", paramLabel = "FILE",
            description = "Names looked up before /etc/hosts and DNS (the format of /etc/hosts).")
    void hostsFile(String value) {
        accept("--hosts-file", value);
    }

    @Option(names = "--max-request-headers", paramLabel = "N",
            description = "More header fields in a request head are 431 (default: 100).")
    void maxRequestHeaders(String value) {
        accept("--max-request-headers", value);
    }

    @Option(names = "--path-merge-slashes", paramLabel = "true|false",
            description = "// is / when routing and forwarding (default: true).")
    void pathMergeSlashes(String value) {
        accept("--path-merge-slashes", value);
    }

    @Option(names = "--path-escaped-slashes", paramLabel = "reject|keep|decode",
            description = "%%2F, %%5C and \\ in a path: 400 (reject), kept encoded (keep) or decoded to / (decode); "
                    + "default: reject.")
    void pathEscapedSlashes(String value) {
        accept("--path-escaped-slashes", value);
    }

    @Option(names = "--proxy-protocol-from", paramLabel = "CIDR[,CIDR...]",
            description = "Peers (a load balancer) whose connections to the HTTP and HTTPS ports must begin with a "
                    + "PROXY protocol v1/v2 header, which gives the client address; other peers are refused "
                    + "(default: none, no header read).")
    void proxyProtocolFrom(String value) {
        accept("--proxy-protocol-from", value);
    }

    @Option(names = "--proxy-protocol-header-timeout", paramLabel = "DURATION",
            description = "Longest wait for a trusted peer's PROXY protocol header (default: 5s).")
    void proxyProtocolHeaderTimeout(String value) {
        accept("--proxy-protocol-header-timeout", value);
    }

    @Option(names = "--access-log", paramLabel = "json|text|off",
            description = "The access log on standard output: JSON lines, nginx-like text, or none (default: json).")
    void accessLog(String value) {
        accept("--access-log", value);
    }

    @Option(names = "--access-log-sample", paramLabel = "RATIO",
            description = "Share of requests logged, from 0 to 1, drawn at random (default: 1).")
    void accessLogSample(String value) {
        accept("--access-log-sample", value);
    }

    @Option(names = "--access-log-queue", paramLabel = "N",
            description = "Access-log lines waiting for the writer at most; beyond, lines are dropped and counted "
                    + "(default: 16384).")
    void accessLogQueue(String value) {
        accept("--access-log-queue", value);
    }

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = "Turns tracing on: a server span per request, exported by OTLP/HTTP to URL "
                    + "(http://collector:4318; without a path /v1/traces is added), and a traceparent sent to the "
                    + "backend (default: none, no tracing).")
    void otlpEndpoint(String value) {
        accept("--otlp-endpoint", value);
    }

    @Option(names = "--trace-sample-ratio", paramLabel = "RATIO",
            description = "Share of new traces sampled, from 0 to 1; a trusted incoming traceparent's sampled flag "
                    + "is followed (default: 1).")
    void traceSampleRatio(String value) {
        accept("--trace-sample-ratio", value);
    }

    @Option(names = "--trace-trust-incoming", paramLabel = "true|false",
            description = "Continue a client's traceparent (true), or start a new trace for every request (false); "
                    + "the opentelemetry-trust-incoming-span annotation overrides it per Ingress (default: true).")
    void traceTrustIncoming(String value) {
        accept("--trace-trust-incoming", value);
    }

    @Option(names = "--trace-routes", paramLabel = "all|opted-in",
            description = "Which routes are traced: all but those with enable-opentelemetry \"false\", or only those "
                    + "with enable-opentelemetry \"true\" (default: all).")
    void traceRoutes(String value) {
        accept("--trace-routes", value);
    }

    @Option(names = "--trace-service-name", paramLabel = "NAME",
            description = "The service.name of the spans (default: breakwater).")
    void traceServiceName(String value) {
        accept("--trace-service-name", value);
    }

    @Option(names = "--otlp-queue", paramLabel = "N",
            description = "Ended spans waiting for the exporter at most; beyond, spans are dropped (default: 2048).")
    void otlpQueue(String value) {
        accept("--otlp-queue", value);
    }

    @Option(names = "--otlp-batch", paramLabel = "N",
            description = "Spans sent in one export at most (at most --otlp-queue's; default: 512).")
    void otlpBatch(String value) {
        accept("--otlp-batch", value);
    }

    @Option(names = "--otlp-export-delay", paramLabel = "DURATION",
            description = "The wait between two exports (default: 5s).")
    void otlpExportDelay(String value) {
        accept("--otlp-export-delay", value);
    }

    @Option(names = "--otlp-export-timeout", paramLabel = "DURATION",
            description = "The longest one export may take; then its spans are dropped (default: 10s).")
    void otlpExportTimeout(String value) {
        accept("--otlp-export-timeout", value);
    }

    @Option(names = "--access-log-flush-interval", paramLabel = "DURATION",
            description = "The longest an access-log line waits before it is written: the writer wakes this often, "
                    + "and sooner when a quarter of the queue is taken (default: 100ms).")
    void accessLogFlushInterval(String value) {
        accept("--access-log-flush-interval", value);
    }

    @Option(names = "--client-hello-timeout", paramLabel = "DURATION",
            description = "Longest wait for the TLS ClientHello whose SNI name picks a passthrough host (default: 10s).")
    void clientHelloTimeout(String value) {
        accept("--client-hello-timeout", value);
    }

    @Option(names = "--max-client-hello-size", paramLabel = "SIZE",
            description = "The largest TLS ClientHello read to find a passthrough host's SNI name; a larger one "
                    + "closes the connection (default: 16Ki, at most 1Mi).")
    void maxClientHelloSize(String value) {
        accept("--max-client-hello-size", value);
    }

    @Option(names = "--l4-backlog", paramLabel = "N",
            description = "The accept queue of each TCP L4 listener (default: 4096, at most 65535; the kernel caps "
                    + "it at net.core.somaxconn).")
    void l4Backlog(String value) {
        accept("--l4-backlog", value);
    }

    @Option(names = "--listen-backlog", paramLabel = "N",
            description = "The accept queue of the HTTP and HTTPS listeners and the table's listener ports (default: "
                    + "4096, at most 65535; the kernel caps it at net.core.somaxconn).")
    void listenBacklog(String value) {
        accept("--listen-backlog", value);
    }

    @Option(names = "--accepts-per-wakeup", paramLabel = "N",
            description = "How many waiting connections a listener accepts each time its event loop turns to it, "
                    + "for every listener (default: 64, at most 1024; 1 is Netty's own default, which leaves a burst "
                    + "of new connections queued behind busy ones).")
    void acceptsPerWakeup(String value) {
        accept("--accepts-per-wakeup", value);
    }

    /** How the listeners take connections, as read so far. */
    public ListenSettings listenSettings() {
        return listen;
    }

    /** The L4 limits read so far. */
    public L4Settings l4Settings() {
        return l4;
    }

    /** The request-head settings read so far. */
    public RequestPolicy requestPolicy() {
        return request;
    }

    public DataPlaneBuilder applyTo(DataPlaneBuilder builder) {
        CacheConfig c = diskDir == null ? cache
                : cache.withDisk(new DiskTierConfig(diskDir, diskMaxBytes, diskThresholdBytes));
        return builder.cache(c).adminToken(adminToken).rateLimitKeys(rateLimitKeys)
                .metricsMaxRoutes(metricsMaxRoutes).metricsMaxEndpoints(metricsMaxEndpoints).hostsFile(hostsFile)
                .requestPolicy(request).proxyProtocolFrom(proxyProtocolFrom).l4Settings(l4).listenSettings(listen).accessLog(accessLog)
                .tracing(tracing);
    }

    private static TrustedSources cidrs(String name, String value) {
        try {
            return TrustedSources.parse(java.util.Arrays.stream(value.split(",")).map(String::trim)
                    .filter(v -> !v.isEmpty()).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage() + " (expected: CIDR ranges such as "
                    + "10.0.0.0/8,192.168.1.10)");
        }
    }

    private static java.net.URI url(String name, String value) {
        try {
            java.net.URI u = new java.net.URI(value.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                return u;
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value
                + "' (expected: an http or https URL such as http://otel-collector:4318)");
    }

    private static Duration positive(String name, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d.toMillis() + "ms (expected: more than 0)");
        }
        return d;
    }

    private static boolean bool(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new IllegalArgumentException(name + ": '" + value + "' (expected: true or false)");
        };
    }

    /** The largest {@code --max-client-hello-size}: it bounds what a connection may buffer before it is routed. */
    static final long MAX_CLIENT_HELLO = 1024 * 1024;

    private static long within(String name, long n, long min, long max) {
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + ": " + n + " (expected: " + min + " to " + max + ")");
        }
        return n;
    }

    private static double ratio(String name, String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' (expected: a number from 0 to 1, such as 0.1)");
    }

    private static int count(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' (expected: a whole number, at least 1)");
    }

    /** Bytes: a number with an optional binary (Ki, Mi, Gi) or decimal-ish (k, m, g: powers of 1024) suffix. */
    static long bytes(String name, String value, boolean zeroAllowed) {
        String v = value.trim();
        long unit = 1;
        String lower = v.toLowerCase(Locale.ROOT);
        for (String[] s : new String[][] {{"ki", "1024"}, {"mi", "1048576"}, {"gi", "1073741824"},
            {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}}) {
            if (lower.endsWith(s[0])) {
                unit = Long.parseLong(s[1]);
                v = v.substring(0, v.length() - s[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(v) * unit;
            if (n > 0 || n == 0 && zeroAllowed) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' (expected: a size such as 512Ki, 64Mi or 1Gi"
                + (zeroAllowed ? "; 0 turns it off)" : ")"));
    }

    static Duration duration(String name, String value) {
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value
                    + "' (expected: a duration such as 500ms, 5s, 10m or 1h)");
        }
    }

    private static String token(String name, String file) {
        try {
            String t = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (t.length() < 16) {
                throw new IllegalArgumentException(name + ": " + file + " holds " + t.length()
                        + " characters (expected: a secret of at least 16)");
            }
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot read " + file + ": " + e.getMessage());
        }
    }
}
