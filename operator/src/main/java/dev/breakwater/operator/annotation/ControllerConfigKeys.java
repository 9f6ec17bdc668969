package dev.breakwater.operator.annotation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every key of ingress-nginx's controller ConfigMap ({@code --configmap}) that Breakwater reads, declared once: most
 * set the default of an annotation (an Ingress's own annotation wins), the {@code global-auth-*} keys set external
 * authentication for every Ingress that has none of its own, a few are checked against what Breakwater does. Any
 * other key is a warning naming it. The ConfigMap table of docs/ingress-nginx-annotations.md and the migration
 * report ({@code breakwater migrate}) are derived from these declarations.
 */
public final class ControllerConfigKeys {

    /**
     * One ConfigMap key.
     *
     * @param name       the key
     * @param annotation the annotation key whose default it sets (with {@code globalAuth}: only for Ingresses without
     *                   authentication of their own), or null for a key checked by {@link ControllerConfig} itself
     * @param globalAuth one of the {@code global-auth-*} keys
     * @param breakwater what Breakwater does with it
     * @param deviations how that differs from ingress-nginx when set (empty: served as is)
     * @param unset      how Breakwater differs from ingress-nginx when the key is not set (their defaults differ), or
     *                   empty
     */
    public record ConfigKey(String name, AnnotationKey<?> annotation, boolean globalAuth, String breakwater,
                            String deviations, String unset) {
        public ConfigKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(breakwater, "breakwater");
            Objects.requireNonNull(deviations, "deviations");
            Objects.requireNonNull(unset, "unset");
        }

        /** This key, whose default differs from ingress-nginx's as {@code difference} says. */
        ConfigKey unset(String difference) {
            return new ConfigKey(name, annotation, globalAuth, breakwater, deviations, difference);
        }

        /** The full name of the annotation it sets the default of ({@code nginx.ingress.kubernetes.io/...}), or null. */
        public String annotationName() {
            return annotation == null ? null : annotation.nginx() != null ? annotation.nginxName()
                    : annotation.oursName();
        }
    }

    private static ConfigKey defaults(AnnotationKey<?> annotation, String deviations) {
        String name = annotation.nginx() != null ? annotation.nginx() : annotation.ours();
        return new ConfigKey(name, annotation, false, "the default of every Ingress's `" + name + "` annotation",
                deviations, "");
    }

    private static ConfigKey defaults(String key, AnnotationKey<?> annotation, String deviations) {
        return new ConfigKey(key, annotation, false, "the default of every Ingress's `breakwater.dev/"
                + annotation.ours() + "` annotation (an Ingress's own wins)", deviations, "");
    }

    private static ConfigKey globalAuth(String key, AnnotationKey<?> annotation, String deviations) {
        return new ConfigKey(key, annotation, true, "`" + annotation.nginx() + "` of every Ingress without `auth-url` "
                + "of its own and without `enable-global-auth: \"false\"`", deviations, "");
    }

    private static ConfigKey checked(String key, String breakwater, String deviations) {
        return new ConfigKey(key, null, false, breakwater, deviations, "");
    }

    static final String ALLOW_SNIPPET_ANNOTATIONS = "allow-snippet-annotations";
    static final String SERVER_TOKENS = "server-tokens";
    static final String SSL_PROTOCOLS = "ssl-protocols";
    static final String GLOBAL_AUTH_URL = "global-auth-url";
    static final String GLOBAL_AUTH_SNIPPET = "global-auth-snippet";
    static final String USE_FORWARDED_HEADERS = "use-forwarded-headers";
    static final String ENABLE_REAL_IP = "enable-real-ip";
    static final String USE_PROXY_PROTOCOL = "use-proxy-protocol";
    static final String FORWARDED_FOR_HEADER = "forwarded-for-header";
    static final String COMPUTE_FULL_FORWARDED_FOR = "compute-full-forwarded-for";
    static final String PROXY_REAL_IP_CIDR = "proxy-real-ip-cidr";
    static final String KEEP_ALIVE = "keep-alive";
    static final String LARGE_CLIENT_HEADER_BUFFERS = "large-client-header-buffers";
    static final String UPSTREAM_KEEPALIVE_CONNECTIONS = "upstream-keepalive-connections";
    static final String UPSTREAM_KEEPALIVE_TIMEOUT = "upstream-keepalive-timeout";
    static final String KEEP_ALIVE_REQUESTS = "keep-alive-requests";
    static final String UPSTREAM_KEEPALIVE_REQUESTS = "upstream-keepalive-requests";
    static final String UPSTREAM_KEEPALIVE_TIME = "upstream-keepalive-time";
    static final String SSL_CIPHERS = "ssl-ciphers";
    static final String LOG_FORMAT_UPSTREAM = "log-format-upstream";
    static final String LOG_FORMAT_ESCAPE_JSON = "log-format-escape-json";
    static final String LOG_FORMAT_ESCAPE_NONE = "log-format-escape-none";
    static final String BLOCK_CIDRS = "block-cidrs";
    static final String BLOCK_USER_AGENTS = "block-user-agents";
    static final String BLOCK_REFERERS = "block-referers";

    private static final String TABLE = "; in the routing table, so every data plane applies it (`/table` shows it "
            + "under `settings`)";

    private static String blockList(String header) {
        return "comma-separated entries, each an exact string (ASCII case ignored), `~` and a case-sensitive "
                + "regular expression or `~*` and one that ignores case (nginx's `map`): a request whose `" + header
                + "` matches one gets `403` on every host and route, before routing (an empty or absent `" + header
                + "` never does); an entry that does not compile, is longer than "
                + dev.breakwater.routing.RequestBlocklist.MAX_VALUE_LENGTH + " characters or beyond the first "
                + dev.breakwater.routing.RequestBlocklist.MAX_ENTRIES + " is left out (a warning naming it), the "
                + "others apply; none usable is an error (the last good value is kept)";
    }

    private static final String BLOCK_LIST_DIFFERS = "regular expressions are Java's, not PCRE's (the common syntax "
            + "is the same); a comma always separates entries, as in ingress-nginx, so an expression cannot hold "
            + "one (`{1,3}`); a request whose matching reads more than 200000 characters in all (catastrophic "
            + "backtracking) is not refused, as nginx past PCRE's match limit";

    /** Every key read, in the order of the documentation table. */
    public static final List<ConfigKey> ALL = List.of(
            defaults(TimeoutAnnotations.MAX_BODY, "").unset("without the key ingress-nginx refuses bodies over `1m`, "
                    + "Breakwater over 64 MiB"),
            defaults(TimeoutAnnotations.CONNECT, ""),
            defaults(TimeoutAnnotations.RESPONSE, ""),
            defaults(TimeoutAnnotations.SEND, ""),
            defaults(RetryAnnotations.PROXY_NEXT_UPSTREAM, "as the annotation"),
            defaults(RetryAnnotations.PROXY_NEXT_UPSTREAM_TRIES, ""),
            defaults(RetryAnnotations.PROXY_NEXT_UPSTREAM_TIMEOUT, ""),
            defaults(TlsAnnotations.SSL_REDIRECT, ""),
            defaults(TlsAnnotations.FORCE_SSL_REDIRECT, ""),
            defaults("hsts", TlsAnnotations.HSTS, "").unset("without the key ingress-nginx sends HSTS on HTTPS, "
                    + "Breakwater does not"),
            defaults("hsts-max-age", TlsAnnotations.HSTS_MAX_AGE, ""),
            defaults("hsts-include-subdomains", TlsAnnotations.HSTS_INCLUDE_SUBDOMAINS, "").unset("without the key "
                    + "ingress-nginx's HSTS has `includeSubDomains`, Breakwater's not"),
            defaults("hsts-preload", TlsAnnotations.HSTS_PRELOAD, ""),
            defaults(BalancingAnnotations.LOAD_BALANCE, "as the annotation"),
            // no unset note: the default status's difference is reported on the Ingresses that set a rate limit
            // (limit-rps, limit-rpm), where it matters, not on every controller ConfigMap
            defaults("limit-req-status-code", RateLimitAnnotations.STATUS, ""),
            defaults(HostAnnotations.CUSTOM_HTTP_ERRORS, "as the annotation: the errors go to the Ingress's "
                    + "`default-backend`, else to the cluster default backend (`--default-backend-service`, as "
                    + "ingress-nginx's controller flag)"),
            defaults(TelemetryAnnotations.TRACING, "as the annotation"),
            defaults(TelemetryAnnotations.TRUST_INCOMING_SPAN, ""),
            globalAuth(GLOBAL_AUTH_URL, AuthAnnotations.AUTH_URL, "as `auth-url`: a URL with `$` is an error"),
            globalAuth("global-auth-method", AuthAnnotations.AUTH_METHOD, ""),
            globalAuth("global-auth-signin", AuthAnnotations.AUTH_SIGNIN, "as `auth-signin`"),
            globalAuth("global-auth-signin-redirect-param", AuthAnnotations.AUTH_SIGNIN_REDIRECT_PARAM, ""),
            globalAuth("global-auth-response-headers", AuthAnnotations.AUTH_RESPONSE_HEADERS, ""),
            globalAuth("global-auth-request-redirect", AuthAnnotations.AUTH_REQUEST_REDIRECT, ""),
            globalAuth("global-auth-cache-key", AuthAnnotations.AUTH_CACHE_KEY, "as `auth-cache-key`"),
            globalAuth("global-auth-cache-duration", AuthAnnotations.AUTH_CACHE_DURATION, ""),
            globalAuth("global-auth-always-set-cookie", AuthAnnotations.AUTH_ALWAYS_SET_COOKIE, ""),
            checked(ALLOW_SNIPPET_ANNOTATIONS, "`false`, ingress-nginx's default, is what Breakwater does: snippets are "
                    + "always refused; `true` is a warning", ""),
            checked(GLOBAL_AUTH_SNIPPET, "refused, as every snippet (a warning); the rest of the global "
                    + "authentication applies", ""),
            checked(SERVER_TOKENS, "`false`: Breakwater adds no `Server` header of its own; `true` is a warning",
                    "ingress-nginx answers `Server: nginx` in place of the backend's `Server`; Breakwater passes the "
                    + "backend's on"),
            checked(SSL_PROTOCOLS, "checked against the protocols served, TLS 1.2 and 1.3: `TLSv1.2 TLSv1.3` (the "
                    + "default) is what Breakwater does; any other list is a warning (TLS 1.0, 1.1 and SSL are never "
                    + "offered, TLS 1.2 cannot be turned off)", ""),
            checked(SSL_CIPHERS, "the TLS 1.2 cipher suites offered, in the order the OpenSSL cipher string gives "
                    + "(names, aliases such as `HIGH` or `ECDHE+AESGCM`, `!`, `-`, `+`, `@STRENGTH`), mapped to "
                    + "the suites the data plane's TLS provider serves" + TABLE + "; a suite Breakwater does not "
                    + "serve is left out, a warning naming it; a string that leaves none is an error",
                    "TLS 1.2 suites served: ECDHE or RSA key exchange with AES-GCM, ChaCha20-Poly1305 or AES-CBC "
                    + "with SHA-1; DHE, CBC with SHA-256/384, 3DES, RC4 and the others are never offered; TLS 1.3 "
                    + "always offers its three suites (as nginx, whose `ssl_ciphers` does not set them)"),
            new ConfigKey("add-headers", HeaderAnnotations.CUSTOM_HEADERS, false, "the default of every Ingress's "
                    + "`custom-headers` annotation: a ConfigMap (`namespace/name`) of headers set on every response; "
                    + "re-read when it changes", "an Ingress with `custom-headers` of its own gets those, not these; "
                    + "a bare name is looked up in the Ingress's namespace", ""),
            new ConfigKey("proxy-set-headers", HeaderAnnotations.PROXY_SET_HEADERS, false, "the default of every "
                    + "Ingress's `breakwater.dev/proxy-set-headers` annotation: a ConfigMap (`namespace/name`) of "
                    + "headers set on every request to the endpoints; re-read when it changes", "values with nginx "
                    + "variables (`$`) are left out, a warning each; a bare name is looked up in the Ingress's "
                    + "namespace", ""),
            new ConfigKey("hide-headers", HeaderAnnotations.HIDE_HEADERS, false, "the default of every Ingress's "
                    + "`breakwater.dev/hide-headers` annotation: the headers named are removed from every response",
                    "", ""),
            checked(USE_FORWARDED_HEADERS, "`true`: from a trusted peer (`proxy-real-ip-cidr`) the client's address "
                    + "is read from `forwarded-for-header` and its `X-Forwarded-Proto`, `-Host` and `-Port` are sent "
                    + "on; `false` (the default): every forwarded header is replaced" + TABLE, ""),
            checked(ENABLE_REAL_IP, "`true`: from a trusted peer the client's address is read from "
                    + "`forwarded-for-header` (for allowlists, rate limits, the access log, `X-Forwarded-For` and "
                    + "`X-Real-IP`); the other forwarded headers are replaced" + TABLE, ""),
            checked(FORWARDED_FOR_HEADER, "the header that names the client (default `X-Forwarded-For`), read "
                    + "right to left past the trusted peers' addresses as nginx's `real_ip_recursive`" + TABLE
                    + "; without `use-forwarded-headers` or `enable-real-ip` no effect (a warning)", ""),
            checked(COMPUTE_FULL_FORWARDED_FOR, "`true`: the `X-Forwarded-For` sent is the incoming one with the peer "
                    + "appended; `false`: the client's address alone" + TABLE + "; without `use-forwarded-headers` or "
                    + "`enable-real-ip` no effect (a warning)", ""),
            checked(PROXY_REAL_IP_CIDR, "the ranges of the peers whose forwarded headers are believed (default "
                    + "`0.0.0.0/0`, as ingress-nginx: every IPv4 peer); a peer outside them is a client; with "
                    + "`use-proxy-protocol`, also the peers whose PROXY protocol header is read" + TABLE
                    + "; without `use-forwarded-headers`, `enable-real-ip` or `use-proxy-protocol` no effect "
                    + "(a warning)", ""),
            checked(USE_PROXY_PROTOCOL, "`true`: every connection to the HTTP and HTTPS ports from a peer in "
                    + "`proxy-real-ip-cidr` (default `0.0.0.0/0`) must begin with a PROXY protocol header, v1 or v2, "
                    + "whose source is the client (allowlists, rate limits, the access log, `X-Forwarded-For`, "
                    + "`X-Real-IP`); one without it is closed" + TABLE + "; connections accepted after the change "
                    + "take it; the data plane's `--proxy-protocol-from`, when set, wins",
                    "a peer outside `proxy-real-ip-cidr` is refused (nginx reads its header and keeps the peer's "
                    + "address); L4 listeners keep their own `acceptProxyProtocolFrom` ([L4](l4.md#proxy-protocol))"),
            checked(KEEP_ALIVE, "the idle timeout of client connections" + TABLE + "; connections accepted after "
                    + "the change take it; `0` (keep-alive off) is not applied (a warning)", ""),
            checked(LARGE_CLIENT_HEADER_BUFFERS, "`4 8k`: the largest request header block is number x size "
                    + "(32 KiB)" + TABLE + "; connections accepted after the change take it",
                    "nginx limits each header line to the size and the lines to number buffers; Breakwater limits "
                    + "the whole block (431 beyond); without the key Breakwater's limit is 16 KiB, nginx's 32 KiB"),
            checked(UPSTREAM_KEEPALIVE_CONNECTIONS, "the idle connections kept per endpoint and event loop (`0`: "
                    + "none)" + TABLE, "nginx counts per upstream and worker process, Breakwater per endpoint and "
                    + "event loop; without the key Breakwater keeps 256, nginx 320"),
            checked(UPSTREAM_KEEPALIVE_TIMEOUT, "the idle timeout of pooled upstream connections" + TABLE
                    + " (without the key 50 s, nginx's 60 s)", ""),
            checked(KEEP_ALIVE_REQUESTS, "the requests one client connection takes: over HTTP/1.1 the response to "
                    + "the last says `Connection: close` and the connection closes (requests pipelined behind it are "
                    + "dropped); over HTTP/2 GOAWAY names the last stream taken, as nginx, and the connection closes "
                    + "once its streams have ended" + TABLE + "; connections accepted after the change take it",
                    "without the key Breakwater has no limit, nginx's default is 1000"),
            checked(UPSTREAM_KEEPALIVE_REQUESTS, "the requests one upstream HTTP/1.1 connection carries: after the "
                    + "last it is closed instead of going back to the pool" + TABLE, "without the key Breakwater "
                    + "has no limit, ingress-nginx's default is 10000"),
            checked(UPSTREAM_KEEPALIVE_TIME, "a duration (`1h`, `30m`): an upstream HTTP/1.1 connection open this "
                    + "long is closed once its request ends instead of going back to the pool (nginx's "
                    + "`keepalive_time`)" + TABLE + " (without the key no limit, nginx's 1h)", ""),
            checked(LOG_FORMAT_UPSTREAM, "the access log's line: text as is, each nginx variable as the field of "
                    + "the access log that holds the same (`$remote_addr`, `$time_local`, `$request`, `$status`, "
                    + "`$request_time`, `$upstream_addr`, `$req_id` ... see [the list](#log-format-upstream))"
                    + TABLE + "; written in place of `--access-log json|text` while the access log is on",
                    "a variable without an equivalent (`$remote_user`, `$request_length`, "
                    + "`$upstream_response_time`, `$http_*` but the user agent and referer ...) is written `-`, a "
                    + "warning naming it; `$proxy_upstream_name` is the route's name"),
            checked(LOG_FORMAT_ESCAPE_JSON, "`true`: the values of `log-format-upstream`'s variables are escaped "
                    + "as in JSON strings (nginx's `escape=json`)" + TABLE + "; without `log-format-upstream` no "
                    + "effect (a warning)", ""),
            checked(LOG_FORMAT_ESCAPE_NONE, "`true`: the values of `log-format-upstream`'s variables are not "
                    + "escaped (nginx's `escape=none`; wins over `log-format-escape-json`, as in ingress-nginx)"
                    + TABLE + "; without `log-format-upstream` no effect (a warning)", ""),
            checked(GzipKeys.USE_GZIP, "`true`: the default of every Ingress's `breakwater.dev/compression` "
                    + "annotation is on, with ingress-nginx's `gzip-min-length` (256 bytes) and `gzip-types` (and "
                    + "`text/html`) unless those keys say otherwise (an Ingress's own annotations win)",
                    "gzip at level 6; a client that prefers brotli (`br`) gets brotli, where ingress-nginx needs "
                    + "`enable-brotli` (a warning says so)"),
            checked(GzipKeys.ENABLE_BROTLI, "`true`: as `use-gzip`, compression on for every Ingress (brotli for "
                    + "clients that prefer it)", "a client that accepts gzip but not brotli gets gzip, where "
                    + "ingress-nginx needs `use-gzip` (a warning says so); brotli at quality 4, with the gzip keys' length "
                    + "and types"),
            checked(GzipKeys.GZIP_MIN_LENGTH, "bytes: a response whose `Content-Length` is below is not compressed "
                    + "(default 256, as ingress-nginx; one of unknown length is); without `use-gzip` or `enable-brotli` no "
                    + "effect (a warning)", ""),
            checked(GzipKeys.GZIP_TYPES, "the media types compressed (spaces or commas between, `text/*` allowed), "
                    + "`text/html` always (as nginx); default ingress-nginx's list; without `use-gzip` or "
                    + "`enable-brotli` no effect (a warning)", "an entry that is not a media type (`*`) is left "
                    + "out, a warning"),
            defaults(AccessAnnotations.WHITELIST, "as the annotation: an Ingress's own `allowlist-source-range` or "
                    + "`whitelist-source-range` wins; a value that does not parse is an error on the ConfigMap"),
            defaults(HostAnnotations.DENYLIST, "as the annotation: an Ingress's own wins; a value that does not parse "
                    + "is an error on the ConfigMap"),
            checked("proxy-buffering", "`off` (the default) is what Breakwater does: responses stream to the client "
                    + "as the endpoint sends them; `on` is a warning", "a response is never held whole (nor written "
                    + "to disk), so a slow client keeps the endpoint's connection busy"),
            checked("proxy-request-buffering", "`off` is what Breakwater does: request bodies stream to the endpoint "
                    + "as they arrive; `on` is a warning", "ingress-nginx's default is `on` (the body read whole "
                    + "before it is sent)"),
            checked("proxy-buffer-size", "up to nginx's `4k` nothing changes; above it, a warning: the largest "
                    + "response head read is the data plane's header limit (16 KiB)", ""),
            checked("client-body-buffer-size", "read and warned: request bodies stream to the endpoint, never to "
                    + "disk; nothing to size (the limit is `proxy-body-size`)", ""),
            checked(GzipKeys.GZIP_LEVEL, "checked (1 to 9): Breakwater compresses at level 6, a level other than 6 "
                    + "is a warning", "ingress-nginx's default is 1"),
            checked(GzipKeys.BROTLI_LEVEL, "checked (1 to 11): Breakwater answers brotli at quality 4, ingress-nginx's "
                    + "default; another level is a warning", ""),
            checked(GzipKeys.BROTLI_MIN_LENGTH, "checked: brotli is answered from the length of `gzip-min-length` "
                    + "(256 bytes without it); another length is a warning; without `enable-brotli` no effect (a "
                    + "warning)", "ingress-nginx's default is 20 bytes"),
            checked(GzipKeys.BROTLI_TYPES, "checked: brotli is answered for the types of `gzip-types` (ingress-nginx's "
                    + "list without it, and `text/html`); other types are a warning; without `enable-brotli` no "
                    + "effect (a warning)", ""),
            checked(BLOCK_CIDRS, "comma-separated CIDRs or addresses: these clients get `403` on every route of an "
                    + "Ingress that has no `allowlist-source-range`, `whitelist-source-range` or "
                    + "`denylist-source-range` of its own (nor from this ConfigMap), as nginx's `deny` at the `http` "
                    + "level, which a location's own access rules replace; a value that does not parse is an error on "
                    + "the ConfigMap", ""),
            checked(BLOCK_USER_AGENTS, blockList("User-Agent") + TABLE, BLOCK_LIST_DIFFERS),
            checked(BLOCK_REFERERS, blockList("Referer") + TABLE, BLOCK_LIST_DIFFERS),
            checked(ProtocolKeys.USE_HTTP2, "`true` (the default) is what Breakwater does: HTTP/2 is offered by ALPN "
                    + "on every HTTPS connection; `false` is a warning", ""),
            checked(ProtocolKeys.HTTP_REDIRECT_CODE, "`308` (the default) is what Breakwater answers when it "
                    + "redirects HTTP to HTTPS (`ssl-redirect`, `force-ssl-redirect`); `301`, `302`, `307` are a "
                    + "warning", ""),
            checked(ProtocolKeys.CLIENT_HEADER_TIMEOUT, "seconds: a client that has begun an HTTP/1.1 request head "
                    + "and not sent all of it this long after gets `408` and the connection closes" + TABLE
                    + "; connections accepted after the change take it", "the clock starts at the head's first "
                    + "byte (nginx's at the connection's start for its first request); without the key Breakwater "
                    + "waits 30 s, nginx 60 s; HTTP/2 heads are not timed by it"),
            checked(ProtocolKeys.CLIENT_BODY_TIMEOUT, "read and warned: Breakwater has no timeout between two reads "
                    + "of a request body; the route's `proxy-read-timeout` bounds the endpoint's wait for the rest of "
                    + "it", "a client that stops sending a body gets no `408`"),
            checked(ProtocolKeys.SSL_SESSION_CACHE, "`true` (the default) is what Breakwater does: each data plane "
                    + "caches TLS sessions, per certificate; `false` is a warning", ""),
            checked(ProtocolKeys.SSL_SESSION_CACHE_SIZE, "read and warned: the cache holds "
                    + "20000 sessions per certificate, whatever the size", "nginx's default `10m` holds about 40000 "
                    + "sessions, for every certificate"),
            checked(ProtocolKeys.SSL_SESSION_TIMEOUT, "`1h` is what Breakwater does: a cached session resumes for "
                    + "an hour; another duration is a warning", "ingress-nginx's default is `10m`"),
            checked(ProtocolKeys.SSL_SESSION_TICKETS, "`false` (the default) is what Breakwater does: no session "
                    + "ticket keys are set, sessions resume from each data plane's cache; `true` is a warning", ""),
            checked(ProtocolKeys.SSL_SESSION_TICKET_KEY, "read and warned: Breakwater sets no session ticket keys "
                    + "(sessions resume from each data plane's cache); a value that is not the base64 of 48 or 80 "
                    + "bytes is an error", "tickets are not issued, so a session does not resume on another data "
                    + "plane"),
            checked(RequestKeys.GENERATE_REQUEST_ID, "`true` (the default) is what Breakwater does: a request is "
                    + "sent on with the client's `X-Request-ID` when it is 1 to 128 letters, digits, `.`, `_` or `-`, "
                    + "else with one of its own (32 hex digits); `false` is a warning", ""),
            checked(RequestKeys.PROXY_ADD_ORIGINAL_URI_HEADER, "`false` (the default) is what Breakwater does: no "
                    + "`X-Original-URI` of Breakwater's own is sent to the endpoints (a client's is passed on, as "
                    + "in nginx); `true` is a warning", ""),
            checked(RequestKeys.ENABLE_UNDERSCORES_IN_HEADERS, "`true` is what Breakwater does: request headers whose "
                    + "names have an underscore (`X_User`) are passed on; `false` is a warning", "without the key "
                    + "(or with `false`) ingress-nginx drops request headers whose names have an underscore, "
                    + "Breakwater passes them on"),
            checked(RequestKeys.IGNORE_INVALID_HEADERS, "`true` (the default): a request header whose name is not "
                    + "an HTTP token is never passed on; `false` is a warning", "nginx drops such a header and "
                    + "serves the request, Breakwater refuses the request with `400`; a token name nginx calls "
                    + "invalid (`X.Dot`) is passed on"),
            checked(RequestKeys.RETRY_NON_IDEMPOTENT, "`false` (the default) is what Breakwater does: a request that "
                    + "reached an endpoint is retried only when it has no body and its method is idempotent (`POST`, "
                    + "`PATCH`, `LOCK` never are); `true` is a warning", ""));

    /**
     * Why some keys ingress-nginx users set often are not read: the reason their warning gives, by key. Every key
     * not in {@link #ALL} is a warning; these say why.
     */
    public static final Map<String, String> NOT_READ_BECAUSE = Map.ofEntries(
            Map.entry("log-format-stream", "the L4 listeners write no access log"));

    private static final Map<String, ConfigKey> BY_NAME = byName();

    private ControllerConfigKeys() {
    }

    /** The key named {@code name}, or null when Breakwater does not read it. */
    public static ConfigKey key(String name) {
        return BY_NAME.get(name);
    }

    /** Every key read. */
    public static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }

    /** The rows of the documentation table of the keys read: {@code | `key` | what Breakwater does | deviations |}. */
    public static List<String> docRows() {
        return ALL.stream().map(k -> {
            String differs = k.deviations().isEmpty() ? k.unset()
                    : k.unset().isEmpty() ? k.deviations() : k.deviations() + "; " + k.unset();
            return "| `" + k.name() + "` | " + k.breakwater() + " |" + (differs.isEmpty() ? "" : " " + differs) + " |";
        }).toList();
    }

    private static Map<String, ConfigKey> byName() {
        Map<String, ConfigKey> map = new LinkedHashMap<>();
        for (ConfigKey key : ALL) {
            if (map.put(key.name(), key) != null) {
                throw new IllegalStateException("ConfigMap key declared twice: " + key.name());
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
