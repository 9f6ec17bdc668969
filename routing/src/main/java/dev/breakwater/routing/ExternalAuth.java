package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * External authentication (ingress-nginx's {@code auth-url}, Traefik's forward auth): before a request is forwarded,
 * the proxy asks an authentication service about it, a request without body that carries the original method, URL
 * and headers ({@code X-Original-URL}, {@code X-Original-Method}, {@code X-Auth-Request-Redirect},
 * {@code X-Forwarded-*}, the client's {@code Cookie} and {@code Authorization}). A 2xx answer lets the request
 * through, with the {@code responseHeaders} of that answer copied into it; 401 and 403 are given to the client (401
 * becomes a redirect to {@code signin} when set); anything else, a connection failure or a timeout is 500: the route
 * fails closed.
 *
 * @param url                 the service's {@code http://} or {@code https://} URL, its host a DNS name or an IP
 *                            literal
 * @param method              the method of the request to the service (null: {@code GET}, as nginx's subrequests)
 * @param signin              where a 401 sends the client ({@code 302}), with the original URL in the query
 *                            parameter {@code signinRedirectParam}; null: the 401 is given as it is. It may hold
 *                            {@code $scheme}, {@code $host}, {@code $http_host}, {@code $request_uri} and
 *                            {@code $escaped_request_uri}, replaced by the request's
 * @param signinRedirectParam the query parameter of {@code signin} carrying the original URL (ingress-nginx's
 *                            {@code rd}), unless {@code signin} has it already
 * @param responseHeaders     headers of a 2xx answer copied into the request forwarded (each replaces the client's)
 * @param requestRedirect     the value of {@code X-Auth-Request-Redirect} (null: the original request URI)
 * @param alwaysSetCookie     the {@code Set-Cookie} of a 2xx answer is added to every response to the client;
 *                            false: only to responses below 400 (ingress-nginx's default)
 * @param cacheKey            what answers are cached by (see {@link AuthCacheKey}), or null: no cache
 * @param cacheMillis         per answer status cached, how long it is used (ingress-nginx's
 *                            {@code auth-cache-duration}); empty when {@code cacheKey} is null
 * @param cacheMaxEntries     the most answers the cache holds (per data-plane pod), least recently used dropped
 * @param connectTimeoutMillis longest wait for a connection to the service
 * @param timeoutMillis       longest wait for the service's whole answer, from the moment the request is sent
 * @param requestHeaders      headers set on every request to the service (ingress-nginx's
 *                            {@code auth-proxy-set-headers}), by name; null when none (an empty map is held as null,
 *                            so that a table without them encodes and hashes as before they existed)
 * @param keepalive           how connections to the service are kept for the next requests (ingress-nginx's
 *                            {@code auth-keepalive*}), or null: as every upstream connection (the data plane's pool)
 */
public record ExternalAuth(String url, String method, String signin, String signinRedirectParam,
                           List<String> responseHeaders, String requestRedirect, boolean alwaysSetCookie,
                           String cacheKey, Map<Integer, Long> cacheMillis, int cacheMaxEntries,
                           long connectTimeoutMillis, long timeoutMillis, Map<String, String> requestHeaders,
                           Keepalive keepalive) {

    /**
     * How the connections to an authentication service are kept, in place of the upstream pool's settings.
     *
     * @param idleConnections idle connections kept per endpoint of the service and event loop; 0: a connection is
     *                        closed once its answer is complete (ingress-nginx's {@code auth-keepalive: 0})
     * @param requests        the requests one connection carries before it is closed (null: the pool's limit)
     * @param idleMillis      an idle connection is closed after this long (null: the pool's idle timeout)
     */
    public record Keepalive(int idleConnections, Integer requests, Long idleMillis) {
        public Keepalive {
            if (idleConnections < 0) {
                throw new IllegalArgumentException("idleConnections: " + idleConnections + " (expected: >= 0)");
            }
            if (requests != null && requests < 1) {
                throw new IllegalArgumentException("requests: " + requests + " (expected: >= 1)");
            }
            if (idleMillis != null && idleMillis <= 0) {
                throw new IllegalArgumentException("idleMillis: " + idleMillis + " (expected: > 0)");
            }
        }
    }

    /** The connect timeout when none is set: 5 s, as a route's. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 5_000;
    /** The timeout of the whole answer when none is set. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;

    /** The most answers cached when no other limit is set. */
    public static final int DEFAULT_CACHE_MAX_ENTRIES = 10_000;

    public ExternalAuth {
        Objects.requireNonNull(url, "url");
        URI u = parse(url);
        if (u.getHost() == null) {
            throw new IllegalArgumentException("url: \"" + url + "\" has no host");
        }
        if (method != null && !method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("method: \"" + method + "\" (expected: an HTTP method in upper case)");
        }
        if (signin != null) {
            String probe = signin.replace("$scheme", "https").replace("$http_host", "h.example")
                    .replace("$host", "h.example").replace("$escaped_request_uri", "%2F").replace("$request_uri", "/");
            URI s;
            try {
                s = new URI(probe);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("signin: \"" + signin + "\" is not a URL: " + e.getReason());
            }
            if (s.getScheme() == null || s.getHost() == null || probe.contains("$")) {
                throw new IllegalArgumentException("signin: \"" + signin + "\" (expected: an absolute URL, with "
                        + "$scheme, $host, $http_host, $request_uri, $escaped_request_uri only)");
            }
        }
        signinRedirectParam = signinRedirectParam == null || signinRedirectParam.isEmpty() ? "rd"
                : signinRedirectParam;
        responseHeaders = responseHeaders == null ? List.of() : List.copyOf(responseHeaders);
        responseHeaders.forEach(h -> HeaderNames.name("responseHeaders", h));
        cacheMillis = cacheMillis == null ? Map.of() : new TreeMap<>(cacheMillis);
        if (cacheKey != null) {
            AuthCacheKey.parse(cacheKey);
            if (cacheMillis.isEmpty()) {
                throw new IllegalArgumentException("cacheKey is set: cacheMillis may not be empty");
            }
        }
        cacheMillis.forEach((status, millis) -> {
            if (status < 200 || status > 599 || millis <= 0) {
                throw new IllegalArgumentException("cacheMillis: " + status + " for " + millis + " ms (expected: a "
                        + "status from 200 to 599, more than 0 ms)");
            }
        });
        if (cacheMaxEntries < 1) {
            throw new IllegalArgumentException("cacheMaxEntries: " + cacheMaxEntries + " (expected: >= 1)");
        }
        if (connectTimeoutMillis <= 0) {
            throw new IllegalArgumentException("connectTimeoutMillis: " + connectTimeoutMillis + " (expected: > 0)");
        }
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis: " + timeoutMillis + " (expected: > 0)");
        }
        if (requestHeaders != null) {
            requestHeaders.forEach((name, value) -> {
                HeaderNames.name("requestHeaders", name);
                if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("requestHeaders: the value of " + name + " (expected: one "
                            + "line of text)");
                }
            });
        }
        requestHeaders = requestHeaders == null || requestHeaders.isEmpty() ? null
                : java.util.Collections.unmodifiableMap(new TreeMap<>(requestHeaders));
    }

    /** With the upstream pool's keep-alive. */
    public ExternalAuth(String url, String method, String signin, String signinRedirectParam,
                        List<String> responseHeaders, String requestRedirect, boolean alwaysSetCookie,
                        String cacheKey, Map<Integer, Long> cacheMillis, int cacheMaxEntries,
                        long connectTimeoutMillis, long timeoutMillis, Map<String, String> requestHeaders) {
        this(url, method, signin, signinRedirectParam, responseHeaders, requestRedirect, alwaysSetCookie, cacheKey,
                cacheMillis, cacheMaxEntries, connectTimeoutMillis, timeoutMillis, requestHeaders, null);
    }

    /** Without headers of its own for the service. */
    public ExternalAuth(String url, String method, String signin, String signinRedirectParam,
                        List<String> responseHeaders, String requestRedirect, boolean alwaysSetCookie,
                        String cacheKey, Map<Integer, Long> cacheMillis, int cacheMaxEntries,
                        long connectTimeoutMillis, long timeoutMillis) {
        this(url, method, signin, signinRedirectParam, responseHeaders, requestRedirect, alwaysSetCookie, cacheKey,
                cacheMillis, cacheMaxEntries, connectTimeoutMillis, timeoutMillis, null);
    }

    /** The same, setting these headers on every request to the service (null or empty: none). */
    public ExternalAuth withRequestHeaders(Map<String, String> headers) {
        return new ExternalAuth(url, method, signin, signinRedirectParam, responseHeaders, requestRedirect,
                alwaysSetCookie, cacheKey, cacheMillis, cacheMaxEntries, connectTimeoutMillis, timeoutMillis, headers,
                keepalive);
    }

    /** The same, keeping its connections as {@code value} says (null: as the upstream pool does). */
    public ExternalAuth withKeepalive(Keepalive value) {
        return new ExternalAuth(url, method, signin, signinRedirectParam, responseHeaders, requestRedirect,
                alwaysSetCookie, cacheKey, cacheMillis, cacheMaxEntries, connectTimeoutMillis, timeoutMillis,
                requestHeaders, value);
    }

    /** An external authentication by {@code url} with every other setting at its default. */
    public static ExternalAuth of(String url) {
        return new ExternalAuth(url, null, null, null, List.of(), null, false, null, Map.of(), DEFAULT_CACHE_MAX_ENTRIES,
                DEFAULT_CONNECT_TIMEOUT_MILLIS, DEFAULT_TIMEOUT_MILLIS);
    }

    private static URI parse(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("url: \"" + url + "\" is not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url: \"" + url + "\" (expected: an http:// or https:// URL)");
        }
        return u;
    }

    /** True for an {@code https://} service. */
    @JsonIgnore
    public boolean https() {
        return parse(url).getScheme().equalsIgnoreCase("https");
    }

    /** The service's host (an IPv6 literal without brackets). */
    @JsonIgnore
    public String host() {
        String h = parse(url).getHost();
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    /** The service's port (80 or 443 when the URL has none). */
    @JsonIgnore
    public int port() {
        int p = parse(url).getPort();
        return p > 0 ? p : https() ? 443 : 80;
    }

    /** The path and query sent to the service ({@code /} when the URL has no path). */
    @JsonIgnore
    public String pathAndQuery() {
        URI u = parse(url);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    }

    /** The {@code Host} header sent to the service: the URL's authority. */
    @JsonIgnore
    public String authority() {
        return parse(url).getRawAuthority();
    }

    /** The method sent to the service. */
    @JsonIgnore
    public String methodOrDefault() {
        return method == null ? "GET" : method;
    }
}
