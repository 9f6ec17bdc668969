package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;
import static dev.breakwater.operator.annotation.AnnotationKey.ours;

import dev.breakwater.operator.policy.AuthPolicies;
import dev.breakwater.routing.AuthCacheKey;
import dev.breakwater.routing.ExternalAuth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ingress-nginx authentication: external authentication ({@code auth-url} and its companions) and Basic
 * or Digest authentication from an htpasswd or htdigest Secret ({@code auth-type}, {@code auth-secret}, ...). Whatever
 * cannot be enforced as written (a URL that does not parse, a missing Secret) is an error, and the Ingress's routes
 * fail closed.
 */
final class AuthAnnotations {

    static final AnnotationKey<String> AUTH_URL = both("auth-url", Parsers.TEXT).doc("an `http://` or `https://` URL",
            "each request is first sent, without its body, to this service (see [External authentication]"
                    + "(#external-authentication)): `2xx` lets it through, `401`/`403` are given to the client, "
                    + "anything else, a connection failure or a timeout is `500`",
            "nginx variables in the URL are not expanded: a URL with `$` is an error and the routes answer `503`");
    static final AnnotationKey<String> AUTH_METHOD = both("auth-method", Parsers.token("an HTTP method")).doc(
            "an HTTP method", "the method of the request to the service; default `GET`", "");
    static final AnnotationKey<String> AUTH_SIGNIN = both("auth-signin", Parsers.TEXT).doc("an absolute URL",
            "a `401` from the service becomes a `302` to this URL, the original URL in its `rd` parameter",
            "`$scheme`, `$host`, `$http_host`, `$request_uri` and `$escaped_request_uri` are expanded; another "
                    + "nginx variable is an error and the routes answer `503`");
    static final AnnotationKey<String> AUTH_SIGNIN_REDIRECT_PARAM = both("auth-signin-redirect-param",
            Parsers.token("a query parameter name")).doc("a query parameter name; default `rd`",
            "the parameter of `auth-signin` that carries the original URL", "");
    static final AnnotationKey<String> AUTH_RESPONSE_HEADERS = both("auth-response-headers", Parsers.TEXT).doc(
            "comma-separated header names", "these headers of a `2xx` answer replace the request's before it is "
                    + "forwarded (a header the answer lacks is removed from the request)", "");
    static final AnnotationKey<String> AUTH_REQUEST_REDIRECT = both("auth-request-redirect", Parsers.TEXT).doc(
            "a URL or path", "the value of `X-Auth-Request-Redirect` sent to the service; default the original "
                    + "request URI", "");
    static final AnnotationKey<String> AUTH_CACHE_KEY = both("auth-cache-key", Parsers.TEXT).doc(
            "text and `$http_NAME`, `$cookie_NAME`, `$remote_addr`, `$host`, `$request_uri`, `$uri`, `$scheme`, "
                    + "`$request_method`",
            "answers of the service are cached by this key, per data-plane pod, as `auth-cache-duration` says",
            "other nginx variables (`$remote_user`, ...) are an error and the routes answer `503`; the cache holds "
                    + "at most `breakwater.dev/auth-cache-entries` answers (default 10000)");
    static final AnnotationKey<String> AUTH_CACHE_DURATION = both("auth-cache-duration", Parsers.TEXT).doc(
            "comma-separated `CODE... DURATION`, e.g. `200 202 10m, 401 5m`; default `200 202 401 5m`",
            "how long answers of each status are used from the cache", "only with `auth-cache-key`");
    static final AnnotationKey<Boolean> AUTH_ALWAYS_SET_COOKIE = both("auth-always-set-cookie", Parsers.BOOLEAN).doc(
            "boolean; default `false`", "the `Set-Cookie` of a `2xx` answer is added to every response; `false`: "
                    + "to responses below `400` only", "");
    static final AnnotationKey<Integer> AUTH_KEEPALIVE = both("auth-keepalive", Parsers.integer(0, 100_000)).doc(
            "idle connections, `0` and up; default `0`", "from `1`: the idle connections to the service kept per "
                    + "endpoint and event loop, each used for `auth-keepalive-requests` requests and closed after "
                    + "`auth-keepalive-timeout` idle; `0`: a connection is closed once its answer is complete",
            "nginx counts per worker process, Breakwater per event loop; without the annotation connections to the "
                    + "service are pooled as every upstream connection (ingress-nginx opens one per request)");
    static final AnnotationKey<Integer> AUTH_KEEPALIVE_REQUESTS = both("auth-keepalive-requests",
            Parsers.integer(0, 1_000_000_000)).doc("a whole number; default `1000`", "with `auth-keepalive`: the "
                    + "requests one connection to the service carries, then it is closed; `0` turns "
                    + "`auth-keepalive` off (a warning), as in ingress-nginx", "");
    static final AnnotationKey<Long> AUTH_KEEPALIVE_TIMEOUT = both("auth-keepalive-timeout", Parsers.seconds(60))
            .doc("seconds; default `60`", "with `auth-keepalive`: an idle connection to the service is closed after "
                    + "this long; `0` turns `auth-keepalive` off (a warning), as in ingress-nginx", "");
    static final AnnotationKey<Boolean> AUTH_KEEPALIVE_SHARE_VARS = both("auth-keepalive-share-vars",
            Parsers.BOOLEAN).doc("boolean; default `false`", "`false` is what Breakwater does: the request to the "
                    + "service shares nothing with the client's but the headers it is sent; `true` is a warning "
                    + "(there are no nginx variables to share)", "");
    static final AnnotationKey<Long> AUTH_CONNECT_TIMEOUT = ours("auth-connect-timeout", Parsers.DURATION);
    static final AnnotationKey<Long> AUTH_TIMEOUT = ours("auth-timeout", Parsers.DURATION);
    static final AnnotationKey<Integer> AUTH_CACHE_ENTRIES = ours("auth-cache-entries",
            Parsers.integer(1, 10_000_000));

    static final AnnotationKey<String> AUTH_TYPE = both("auth-type", Parsers.TEXT).doc("`basic`, `digest`",
            "HTTP Basic (`basic`) or Digest (`digest`: RFC 7616, MD5, `qop=auth`) authentication against the users "
                    + "of `auth-secret`; a request without valid credentials gets `401` with `WWW-Authenticate`",
            "digest nonce counts are not tracked (a request recorded can be replayed for the nonce's 5 minutes: "
                    + "use HTTPS)");
    static final AnnotationKey<String> AUTH_SECRET = both("auth-secret", Parsers.SECRET).doc(
            "`namespace/name` or `name`", "the Secret of the users: htpasswd lines in its key `auth`, or one key "
                    + "per user (`auth-secret-type: auth-map`); bcrypt (`htpasswd -B`), apr1 (`htpasswd -m`, the "
                    + "default), SHA-1 (`htpasswd -s`) and crypt `$1$`/`$5$`/`$6$` hashes; for digest, htdigest lines "
                    + "(`user:realm:HA1`) in `auth`; re-read when it changes",
            "a missing or unreadable Secret, or one without a usable user, is an error and the routes answer `503`; "
                    + "a line in another hash format (DES crypt, plain text) is a warning and that user is left out");
    static final AnnotationKey<String> AUTH_SECRET_TYPE = both("auth-secret-type", Parsers.TEXT).doc(
            "`auth-file` (default), `auth-map`", "how `auth-secret` holds its users", "");
    static final AnnotationKey<String> AUTH_REALM = both("auth-realm", Parsers.TEXT).doc("text",
            "the realm of `WWW-Authenticate`; default `Authentication Required`, as ingress-nginx", "");

    static final AnnotationKey<String> AUTH_PROXY_SET_HEADERS = both("auth-proxy-set-headers", Parsers.SECRET).doc(
            "`namespace/name` or `name` of a ConfigMap", "each key of the ConfigMap a header, its value the header's "
                    + "value, set on every request to the authentication service; re-read when it changes",
            "values are sent as written: one with an nginx variable (`$`) is a warning and that header is left out; "
                    + "a missing ConfigMap is an error and no header of it is sent (the authentication still applies); "
                    + "a value of more than one line or of more than 4096 characters is left out, a warning");
    static final AnnotationKey<Boolean> ENABLE_GLOBAL_AUTH = both("enable-global-auth", Parsers.BOOLEAN).doc(
            "boolean; default `true`", "`false`: the controller ConfigMap's `global-auth-url` does not apply to the "
                    + "Ingress (an Ingress with `auth-url` of its own never takes it)", "");

    static final List<AnnotationKey<?>> KEYS = List.of(AUTH_URL, AUTH_METHOD, AUTH_SIGNIN, AUTH_SIGNIN_REDIRECT_PARAM,
            AUTH_RESPONSE_HEADERS, AUTH_REQUEST_REDIRECT, AUTH_CACHE_KEY, AUTH_CACHE_DURATION, AUTH_ALWAYS_SET_COOKIE,
            AUTH_PROXY_SET_HEADERS, ENABLE_GLOBAL_AUTH, AUTH_KEEPALIVE, AUTH_KEEPALIVE_REQUESTS, AUTH_KEEPALIVE_TIMEOUT,
            AUTH_KEEPALIVE_SHARE_VARS,
            AUTH_CONNECT_TIMEOUT, AUTH_TIMEOUT, AUTH_CACHE_ENTRIES, AUTH_TYPE, AUTH_SECRET, AUTH_SECRET_TYPE, AUTH_REALM);

    static final String DEFAULT_REALM = "Authentication Required";
    /** ingress-nginx's {@code auth-keepalive-requests} and {@code auth-keepalive-timeout} when not set. */
    static final int DEFAULT_KEEPALIVE_REQUESTS = 1000;
    static final long DEFAULT_KEEPALIVE_SECONDS = 60;
    private static final String DEFAULT_CACHE_DURATION = AuthPolicies.DEFAULT_CACHE_DURATION;

    private AuthAnnotations() {
    }

    /** Reads the authentication an Ingress asks for; nothing on a canary, which takes its main Ingress's. */
    static IngressSettings.Auth read(AnnotationReader r, boolean canary) {
        if (canary) {
            return IngressSettings.Auth.NONE;
        }
        boolean[] failClosed = new boolean[1];
        ExternalAuth external = external(r, failClosed);
        r.get(ENABLE_GLOBAL_AUTH); // checked: a bad value is a warning (the ConfigMap's global-auth-url then applies)
        String secret = null;
        boolean map = false;
        boolean digest = false;
        String realm = null;
        String type = r.value(AUTH_TYPE);
        if (type != null) {
            String kind = type.toLowerCase(Locale.ROOT);
            if (kind.equals("basic") || kind.equals("digest")) {
                digest = kind.equals("digest");
                secret = r.secret(AUTH_SECRET);
                if (secret == null) {
                    r.error(r.name(AUTH_TYPE), "auth-type " + kind + " needs auth-secret (the Secret of the users); "
                            + "the Ingress's routes answer 503 rather than serve every client");
                    failClosed[0] = true;
                }
                map = secretIsMap(r);
                if (digest && map) {
                    r.error(r.name(AUTH_SECRET_TYPE), "auth-map is for basic authentication; digest reads htdigest "
                            + "lines (auth-file); the Ingress's routes answer 503 rather than serve every client");
                    failClosed[0] = true;
                }
                realm = r.get(AUTH_REALM, DEFAULT_REALM);
                if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
                    r.warn(r.name(AUTH_REALM), "a realm may not hold '\"' or '\\'; using \"" + DEFAULT_REALM
                            + "\"");
                    realm = DEFAULT_REALM;
                }
            } else {
                r.error(r.name(AUTH_TYPE), "\"" + type + "\" is not basic or digest; the Ingress's routes "
                        + "answer 503 rather than serve every client");
                failClosed[0] = true;
            }
        } else {
            for (AnnotationKey<?> k : List.of(AUTH_SECRET, AUTH_SECRET_TYPE, AUTH_REALM)) {
                if (r.value(k) != null) {
                    r.warn(r.name(k), "has no effect without " + sibling(r, k, AUTH_TYPE));
                }
            }
        }
        return new IngressSettings.Auth(external, secret, secret == null ? null : r.name(AUTH_SECRET), map, digest,
                realm, failClosed[0]);
    }

    /** The name of {@code needed} under the prefix {@code set} is written with (ours for a key of ours only). */
    private static String sibling(AnnotationReader r, AnnotationKey<?> set, AnnotationKey<?> needed) {
        String name = r.name(set);
        return name.startsWith(AnnotationTable.NGINX) && needed.nginxName() != null ? needed.nginxName()
                : needed.oursName();
    }

    private static boolean secretIsMap(AnnotationReader r) {
        String t = r.value(AUTH_SECRET_TYPE);
        if (t == null || t.equalsIgnoreCase("auth-file")) {
            return false;
        }
        if (t.equalsIgnoreCase("auth-map")) {
            return true;
        }
        r.warn(r.name(AUTH_SECRET_TYPE), "\"" + t + "\" is not auth-file or auth-map; using auth-file");
        return false;
    }

    private static ExternalAuth external(AnnotationReader r, boolean[] failClosed) {
        String url = r.value(AUTH_URL);
        List<AnnotationKey<?>> companions = List.of(AUTH_METHOD, AUTH_SIGNIN, AUTH_SIGNIN_REDIRECT_PARAM,
                AUTH_RESPONSE_HEADERS, AUTH_REQUEST_REDIRECT, AUTH_CACHE_KEY, AUTH_CACHE_DURATION,
                AUTH_ALWAYS_SET_COOKIE, AUTH_CONNECT_TIMEOUT, AUTH_TIMEOUT, AUTH_CACHE_ENTRIES, AUTH_KEEPALIVE,
                AUTH_KEEPALIVE_REQUESTS, AUTH_KEEPALIVE_TIMEOUT, AUTH_KEEPALIVE_SHARE_VARS);
        if (url == null) {
            for (AnnotationKey<?> k : companions) {
                if (r.value(k) != null) {
                    r.warn(r.name(k), "has no effect without " + sibling(r, k, AUTH_URL));
                }
            }
            return null;
        }
        String urlKey = r.name(AUTH_URL);
        if (url.contains("$")) {
            return refuse(r, urlKey, "\"" + url + "\" holds an nginx variable, which Breakwater does not expand",
                    failClosed);
        }
        String signin = signin(r, failClosed);
        List<String> headers = new ArrayList<>();
        String list = r.value(AUTH_RESPONSE_HEADERS);
        if (list != null) {
            for (String h : list.split(",")) {
                if (!h.isBlank()) {
                    headers.add(h.trim());
                }
            }
        }
        String cacheKey = r.value(AUTH_CACHE_KEY);
        Map<Integer, Long> cacheMillis = Map.of();
        if (cacheKey != null) {
            try {
                AuthCacheKey.parse(cacheKey);
            } catch (IllegalArgumentException e) {
                return refuse(r, r.name(AUTH_CACHE_KEY), e.getMessage(), failClosed);
            }
            String durations = r.value(AUTH_CACHE_DURATION);
            try {
                cacheMillis = AuthPolicies.cacheDurations(durations == null ? DEFAULT_CACHE_DURATION : durations);
            } catch (IllegalArgumentException e) {
                r.warn(r.name(AUTH_CACHE_DURATION), e.getMessage() + "; using \"" + DEFAULT_CACHE_DURATION + "\"");
                cacheMillis = AuthPolicies.cacheDurations(DEFAULT_CACHE_DURATION);
            }
        } else if (r.value(AUTH_CACHE_DURATION) != null) {
            r.warn(r.name(AUTH_CACHE_DURATION), "has no effect without "
                    + sibling(r, AUTH_CACHE_DURATION, AUTH_CACHE_KEY));
        }
        if (failClosed[0]) {
            return null;
        }
        try {
            return new ExternalAuth(url, r.get(AUTH_METHOD) == null ? null
                    : r.get(AUTH_METHOD).toUpperCase(Locale.ROOT), signin, r.get(AUTH_SIGNIN_REDIRECT_PARAM),
                    headers, r.value(AUTH_REQUEST_REDIRECT), r.get(AUTH_ALWAYS_SET_COOKIE, false), cacheKey,
                    cacheMillis, r.get(AUTH_CACHE_ENTRIES, ExternalAuth.DEFAULT_CACHE_MAX_ENTRIES),
                    r.get(AUTH_CONNECT_TIMEOUT, ExternalAuth.DEFAULT_CONNECT_TIMEOUT_MILLIS),
                    r.get(AUTH_TIMEOUT, ExternalAuth.DEFAULT_TIMEOUT_MILLIS), proxySetHeaders(r), keepalive(r));
        } catch (IllegalArgumentException e) {
            return refuse(r, urlKey, e.getMessage(), failClosed);
        }
    }

    /**
     * How the connections to the service are kept ({@code auth-keepalive*}), or null when {@code auth-keepalive} is
     * not set: as every upstream connection. A {@code auth-keepalive-requests} or {@code auth-keepalive-timeout} of 0
     * turns keep-alive off, as ingress-nginx does.
     */
    private static ExternalAuth.Keepalive keepalive(AnnotationReader r) {
        if (Boolean.TRUE.equals(r.get(AUTH_KEEPALIVE_SHARE_VARS))) {
            r.warn(r.name(AUTH_KEEPALIVE_SHARE_VARS), "\"true\" is not applied: the request to the authentication "
                    + "service shares no nginx variables with the client's (Breakwater has none)");
        }
        Integer connections = r.get(AUTH_KEEPALIVE);
        if (connections == null) {
            for (AnnotationKey<?> k : List.of(AUTH_KEEPALIVE_REQUESTS, AUTH_KEEPALIVE_TIMEOUT)) {
                if (r.value(k) != null) {
                    r.warn(r.name(k), "has no effect without " + sibling(r, k, AUTH_KEEPALIVE) + " (as in "
                            + "ingress-nginx); connections to the service are pooled as every upstream connection");
                }
            }
            return null;
        }
        int requests = r.get(AUTH_KEEPALIVE_REQUESTS, DEFAULT_KEEPALIVE_REQUESTS);
        long seconds = r.get(AUTH_KEEPALIVE_TIMEOUT, DEFAULT_KEEPALIVE_SECONDS);
        if (connections > 0 && (requests == 0 || seconds == 0)) {
            r.warn(r.name(requests == 0 ? AUTH_KEEPALIVE_REQUESTS : AUTH_KEEPALIVE_TIMEOUT), "\"0\" turns "
                    + r.name(AUTH_KEEPALIVE) + " off, as in ingress-nginx: each connection to the service is closed "
                    + "once its answer is complete");
            connections = 0;
        }
        return connections == 0 ? new ExternalAuth.Keepalive(0, null, null)
                : new ExternalAuth.Keepalive(connections, requests, seconds * 1000);
    }

    /** The headers of the ConfigMap {@code auth-proxy-set-headers} names, or null. */
    private static Map<String, String> proxySetHeaders(AnnotationReader r) {
        return headersOf(r, AUTH_PROXY_SET_HEADERS);
    }

    /**
     * The headers of the ConfigMap {@code key} names (each key a header name, its value the header's value), or null
     * when the annotation is not set or the ConfigMap does not exist (an error); bad entries are warnings.
     */
    static Map<String, String> headersOf(AnnotationReader r, AnnotationKey<String> key) {
        String ref = r.secret(key);
        if (ref == null) {
            return null;
        }
        String name = r.name(key);
        Map<String, String> data = r.configMap(ref);
        if (data == null) {
            r.error(name, "ConfigMap " + ref + " does not exist (or is in a namespace the operator does not "
                    + "watch); no header of it is sent");
            return null;
        }
        Map<String, String> headers = new java.util.TreeMap<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(data).entrySet()) {
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (!e.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                r.warn(name, "ConfigMap " + ref + ": \"" + e.getKey() + "\" is not a header name; left out");
            } else if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                r.warn(name, "ConfigMap " + ref + " data['" + e.getKey() + "']: a value of more than one line; "
                        + "left out");
            } else if (value.length() > HeaderConfigMaps.MAX_VALUE_LENGTH) {
                r.warn(name, "ConfigMap " + ref + " data['" + e.getKey() + "']: a value of more than "
                        + HeaderConfigMaps.MAX_VALUE_LENGTH + " characters; left out");
            } else if (value.contains("$")) {
                r.warn(name, "ConfigMap " + ref + " data['" + e.getKey() + "']: \"" + value + "\" holds an nginx "
                        + "variable, which Breakwater does not expand; this header is left out");
            } else {
                headers.put(e.getKey(), value);
            }
        }
        return headers;
    }

    /** {@code auth-signin}, checked to hold only the nginx variables the data plane expands. */
    private static String signin(AnnotationReader r, boolean[] failClosed) {
        String signin = r.value(AUTH_SIGNIN);
        if (signin == null) {
            return null;
        }
        String rest = signin.replaceAll("\\$(scheme|host|http_host|escaped_request_uri|request_uri)"
                + "(?![A-Za-z0-9_])", "");
        if (rest.contains("$")) {
            refuse(r, r.name(AUTH_SIGNIN), "\"" + signin + "\" holds an nginx variable Breakwater does not expand "
                    + "(it expands $scheme, $host, $http_host, $request_uri, $escaped_request_uri)", failClosed);
            return null;
        }
        return signin;
    }

    private static ExternalAuth refuse(AnnotationReader r, String key, String reason, boolean[] failClosed) {
        r.error(key, reason + "; the Ingress's routes answer 503 rather than serve every client");
        failClosed[0] = true;
        return null;
    }
}
