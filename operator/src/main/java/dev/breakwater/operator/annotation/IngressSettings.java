package dev.breakwater.operator.annotation;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutePolicy;
import java.util.List;
import java.util.Map;

/**
 * The annotations of one Ingress, read as typed settings. Every key ({@link AnnotationTable}) is read under both
 * prefixes, {@value AnnotationTable#BREAKWATER} and ingress-nginx's {@value AnnotationTable#NGINX} (ours wins when
 * both are set), except where a key exists under one prefix only. A value that does not parse is reported (a WARNING
 * naming the annotation) and the default applies. No annotation value is ever interpreted as configuration text:
 * {@code *-snippet} annotations are refused.
 *
 * @param sslRedirect      {@code ssl-redirect}: null when not set (default: redirect hosts that have TLS)
 * @param forceSslRedirect {@code force-ssl-redirect}: redirect to HTTPS even without TLS for the host
 * @param hsts             {@code breakwater.dev/hsts*}, or null
 * @param protocol         {@code backend-protocol} (HTTP1 when not set)
 * @param backendCaSecret  {@code proxy-ssl-secret} / {@code breakwater.dev/backend-ca-secret} as ns/name, or null
 * @param backendCaKey     the annotation that named {@code backendCaSecret} (for diagnostics), or null
 * @param backendVerify    {@code proxy-ssl-verify} / {@code breakwater.dev/backend-verify}
 * @param backendServerName {@code proxy-ssl-name} / {@code breakwater.dev/backend-server-name}, or null
 * @param clientCaSecret   {@code auth-tls-secret} / {@code breakwater.dev/client-ca-secret} as ns/name, or null
 * @param clientCaKey      the annotation that named {@code clientCaSecret} (for diagnostics), or null
 * @param clientCertRequired {@code auth-tls-verify-client} / {@code breakwater.dev/client-verify}: on (true) or
 *                         optional (false)
 * @param route            timeouts (connect, response, send), body limit, retries, affinity, source allowlist,
 *                         CORS and rate limit for the routes of this Ingress
 * @param cluster          balancing, health, outlier detection, draining and slow start for its backends
 * @param paths            redirect, rewrite and regex paths for the routes of this Ingress
 * @param canary           the canary settings of a canary Ingress ({@code canary: "true"}), or null for an Ingress
 *                         that is not one
 * @param auth             external and Basic authentication ({@code auth-url}, {@code auth-type} ...)
 * @param host             host names, the Host sent, denied clients, error pages
 * @param headers          the headers set on requests ({@code custom-headers} and the like)
 * @param mirror           where copies of its requests go ({@code mirror-target}), or null
 */
public record IngressSettings(Boolean sslRedirect, boolean forceSslRedirect, RoutePolicy.Hsts hsts,
                              Cluster.Protocol protocol, String backendCaSecret, String backendCaKey,
                              boolean backendVerify, String backendServerName, String clientCaSecret,
                              String clientCaKey, boolean clientCertRequired, RoutePolicy route,
                              ClusterPolicy cluster, Paths paths, Canary canary, Auth auth, Host host,
                              List<RouteFilter> headers, Mirror mirror) {

    /**
     * Request mirroring: a Service of the Ingress's namespace that gets a copy of each request.
     *
     * @param service     the Service's name
     * @param namespace   the namespace a {@code mirror-target} URL names (to be the Ingress's), or null
     * @param port        its port, a number or a name as written; null: its first port
     * @param https       copies go over TLS (an {@code https://} target)
     * @param host        the Host of the copies ({@code mirror-host}, else a URL's host), or null for the client's
     * @param requestBody copies carry the body ({@code mirror-request-body}, default on)
     * @param targetKey   the annotation that named the target (for diagnostics)
     */
    public record Mirror(String service, String namespace, String port, boolean https, String host,
                         boolean requestBody, String targetKey) {
    }

    /**
     * The host names an Ingress answers for and how, the Host it sends, the clients it refuses, its error pages.
     *
     * @param appRoot           {@code app-root}: {@code /} redirects (302) there, or null
     * @param fromToWww         {@code from-to-www-redirect}
     * @param aliases           {@code server-alias}: more names for its rules (lower case, checked)
     * @param upstreamVhost     {@code upstream-vhost}: the Host sent to its endpoints, or null
     * @param denylist          {@code denylist-source-range} entries as written (empty: none)
     * @param denylistKey       the annotation that named them, or null
     * @param errorCodes        {@code custom-http-errors} (empty: none)
     * @param errorCodesKey     the annotation name of {@code custom-http-errors} (for diagnostics)
     * @param defaultBackend    {@code default-backend}: a Service of the Ingress's namespace, or null
     * @param defaultBackendKey the annotation name of {@code default-backend} (for diagnostics)
     */
    public record Host(String appRoot, boolean fromToWww, List<String> aliases, String upstreamVhost,
                       List<String> denylist, String denylistKey, List<Integer> errorCodes, String errorCodesKey,
                       String defaultBackend, String defaultBackendKey) {
        public static final Host NONE = new Host(null, false, List.of(), null, List.of(), null, List.of(), null, null,
                null);
    }

    /**
     * The authentication an Ingress asks for.
     *
     * @param external    its external authentication, or null
     * @param basicSecret the Secret of its Basic authentication users as ns/name, or null for none
     * @param basicSecretKey the annotation that named {@code basicSecret} (for diagnostics), or null
     * @param basicMap    the Secret holds one key per user ({@code auth-map}), not htpasswd lines in {@code auth}
     * @param digest      Digest authentication (htdigest lines), not Basic
     * @param realm       the Basic or Digest authentication realm, or null
     * @param failClosed  what was asked for cannot be enforced: the Ingress's routes answer 503
     */
    public record Auth(dev.breakwater.routing.ExternalAuth external, String basicSecret, String basicSecretKey,
                       boolean basicMap, boolean digest, String realm, boolean failClosed) {
        public static final Auth NONE = new Auth(null, null, null, false, false, null, false);
    }

    /**
     * What the annotations say about the paths of an Ingress and the requests they accept.
     *
     * @param redirect          {@code temporal-redirect} or {@code permanent-redirect} (with its code), or null
     * @param rewriteTarget     {@code rewrite-target}: what a path is rewritten to, groups {@code $1..$9} allowed,
     *                          or null
     * @param useRegex          {@code use-regex}: the Ingress's paths are regular expressions
     * @param forwardedPrefix   {@code x-forwarded-prefix}: the X-Forwarded-Prefix sent with rewritten requests, or
     *                          null
     * @param allowlistKey      the annotation that named the source allowlist (for diagnostics), or null
     * @param allowlistInvalid  the source allowlist could not be read: the Ingress's routes answer 503 (fail
     *                          closed, as ingress-nginx denies such locations)
     */
    public record Paths(RouteFilter.RequestRedirect redirect, String rewriteTarget, boolean useRegex,
                        String forwardedPrefix, String allowlistKey, boolean allowlistInvalid) {

        public static final Paths NONE = new Paths(null, null, false, null, null, false);

        /**
         * True when this Ingress's Prefix and ImplementationSpecific paths are regular expressions, matched
         * case-insensitively from the start of the request path: with {@code use-regex}, or with a
         * {@code rewrite-target} that changes some path (ingress-nginx's rule).
         */
        public boolean regexPaths(List<String> pathValues) {
            return useRegex || rewriteTarget != null && pathValues.stream().anyMatch(p -> !p.equals(rewriteTarget));
        }
    }

    /** Reads the annotations of {@code object} (in {@code namespace}); problems go to {@code diagnostics}. */
    public static IngressSettings read(String object, String namespace, Map<String, String> annotations,
                                       List<Diagnostic> diagnostics) {
        return read(object, namespace, annotations, ControllerConfig.NONE, diagnostics);
    }

    /**
     * Reads the annotations of {@code object} (in {@code namespace}), those it does not set taken from the controller
     * ConfigMap's {@code config}; problems go to {@code diagnostics}.
     */
    public static IngressSettings read(String object, String namespace, Map<String, String> annotations,
                                       ControllerConfig config, List<Diagnostic> diagnostics) {
        return read(object, namespace, annotations, config, ref -> null, diagnostics);
    }

    /**
     * As {@link #read(String, String, Map, ControllerConfig, List)}, the ConfigMaps annotations name
     * ({@code auth-proxy-set-headers}) looked up in {@code configMaps} (the data of {@code namespace/name}, or null
     * when it does not exist).
     */
    public static IngressSettings read(String object, String namespace, Map<String, String> annotations,
                                       ControllerConfig config,
                                       java.util.function.Function<String, Map<String, String>> configMaps,
                                       List<Diagnostic> diagnostics) {
        return readApplied(object, namespace, config.applyTo(annotations), configMaps, diagnostics);
    }

    /** As {@link #read(String, String, Map, ControllerConfig, java.util.function.Function, List)}, the controller
     * ConfigMap's defaults already in {@code annotations}. */
    static IngressSettings readApplied(String object, String namespace, Map<String, String> annotations,
                                       java.util.function.Function<String, Map<String, String>> configMaps,
                                       List<Diagnostic> diagnostics) {
        AnnotationReader r = new AnnotationReader(object, namespace, annotations, configMaps, diagnostics);
        warnUnread(r);
        Canary canary = CanaryAnnotations.read(r);
        Host host = HostAnnotations.read(r);
        Auth auth = AuthAnnotations.read(r, canary != null);
        TlsAnnotations.Tls tls = TlsAnnotations.read(r);
        TimeoutAnnotations.Timeouts timeouts = TimeoutAnnotations.read(r);
        String allowlistKey = AccessAnnotations.allowlistKey(r);
        boolean[] allowlistInvalid = new boolean[1];
        RoutePolicy route = RoutePolicy.builder()
                .connectTimeoutMillis(timeouts.connectMillis())
                .responseTimeoutMillis(timeouts.responseMillis())
                .maxRequestBodyBytes(timeouts.maxBodyBytes())
                .hsts(tls.hsts())
                .passClientCertificate(TlsAnnotations.passCertificate(r, tls))
                .retries(RetryAnnotations.read(r))
                .affinity(BalancingAnnotations.affinity(r))
                .cache(CacheAnnotations.cache(r))
                .compression(CacheAnnotations.compression(r))
                .sourceAllowlist(HostAnnotations.denying(r, host, AccessAnnotations.allowlist(r, allowlistKey,
                        allowlistInvalid), allowlistInvalid))
                .cors(AccessAnnotations.cors(r))
                .sendTimeoutMillis(timeouts.sendMillis())
                .rateLimit(RateLimitAnnotations.read(r))
                .concurrentPerClient(RateLimitAnnotations.connections(r))
                .accessLog(TelemetryAnnotations.accessLog(r))
                .tracing(TelemetryAnnotations.tracing(r))
                .trustIncomingSpan(TelemetryAnnotations.trustIncomingSpan(r))
                .externalAuth(auth.external())
                .build();
        ClusterPolicy cluster = BalancingAnnotations.cluster(r);
        String accessKey = r.value(allowlistKey) != null ? allowlistKey : host.denylistKey();
        Paths paths = PathAnnotations.read(r, accessKey, allowlistInvalid[0]);
        return new IngressSettings(tls.sslRedirect(), tls.forceSslRedirect(), tls.hsts(), tls.protocol(),
                tls.backendCaSecret(), tls.backendCaKey(), tls.backendVerify(), tls.backendServerName(),
                tls.clientCaSecret(), tls.clientCaKey(), tls.clientCertRequired(), route, cluster, paths, canary,
                auth, host, HeaderAnnotations.read(r), MirrorAnnotations.read(r));
    }

    /** Warns every annotation under our prefix or ingress-nginx's that is not read, and every snippet. */
    private static void warnUnread(AnnotationReader r) {
        for (String name : r.names()) {
            boolean ours = name.startsWith(AnnotationTable.BREAKWATER);
            boolean nginx = name.startsWith(AnnotationTable.NGINX);
            if ((ours || nginx) && name.endsWith("-snippet")) {
                r.warn(name, "snippets are not supported: no annotation value is ever used as configuration text; "
                        + "this annotation is ignored");
            } else if (ours && AnnotationTable.key(name) == null) {
                r.warn(name, "unknown annotation (a typo?); it is ignored");
            } else if (nginx && AnnotationTable.key(name) == null) {
                r.warn(name, "this ingress-nginx annotation is not supported by Breakwater and is ignored (see "
                        + "docs/ingress-nginx-annotations.md)");
            }
        }
    }
}
