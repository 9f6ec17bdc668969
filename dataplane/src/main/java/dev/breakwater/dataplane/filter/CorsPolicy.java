package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.Cors;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A route's CORS settings, prepared once per table: preflights from allowed origins are answered here with
 * {@code 204}; responses to allowed origins get {@code Access-Control-Allow-Origin} and the rest. Requests
 * without {@code Origin}, or from other origins, pass unchanged (but for {@code Vary: Origin}); in the Gateway API
 * dialect a preflight from another origin is answered {@code 204} without CORS headers. See {@link Cors}.
 */
final class CorsPolicy {

    /**
     * A wildcard origin: {@code scheme} ({@code https://}), then a host part, then {@code suffix} (what follows the
     * {@code *}: {@code .example.com:8443}, or for a host of {@code *} alone the port part, maybe empty).
     */
    private record Wildcard(String scheme, String suffix, boolean anyHost) {
    }

    private final boolean gatewayApi;
    private final boolean anyOrigin;
    private final Set<String> origins = new HashSet<>();
    private final List<Wildcard> wildcards = new ArrayList<>();
    private final boolean credentials;
    /** Answers name the request's origin (not {@code *}), so they vary by Origin. */
    private final boolean echoOrigin;
    private final boolean echoMethod;
    private final boolean echoHeaders;
    private final String exposeHeaders;
    private final HttpHeaders preflight = new DefaultHttpHeaders();

    CorsPolicy(Cors cors) {
        gatewayApi = cors.gatewayApi();
        anyOrigin = cors.allowsAnyOrigin();
        for (String o : cors.allowOrigins()) {
            String n = Cors.normalizeOrigin(o);
            int star = n.indexOf("://*");
            if (star > 0) {
                boolean anyHost = !n.startsWith("://*.", star);
                wildcards.add(new Wildcard(n.substring(0, star + 3), n.substring(star + 4), anyHost));
            } else if (!n.equals("*")) {
                origins.add(n);
            }
        }
        credentials = cors.allowCredentials();
        boolean strict = gatewayApi && credentials;
        echoOrigin = !anyOrigin || strict;
        echoMethod = strict && cors.allowMethods().equals(List.of("*"));
        echoHeaders = strict && cors.allowHeaders().equals(List.of("*"));
        List<String> expose = strict ? cors.exposeHeaders().stream().filter(h -> !h.equals("*")).toList()
                : cors.exposeHeaders();
        exposeHeaders = expose.isEmpty() ? null : String.join(", ", expose);
        if (credentials) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!cors.allowMethods().isEmpty() && !echoMethod) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", cors.allowMethods()));
        }
        if (!cors.allowHeaders().isEmpty() && !echoHeaders) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", cors.allowHeaders()));
        }
        if (exposeHeaders != null) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
        if (cors.maxAgeSeconds() != null) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAgeSeconds()));
        }
        if (echoOrigin) {
            preflight.set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
    }

    /** The answer to a preflight, or null when the request is not one or goes to the backend. */
    LocalAnswer preflight(HttpRequest request) {
        if (!request.method().equals(HttpMethod.OPTIONS)) {
            return null;
        }
        HttpHeaders h = request.headers();
        String origin = h.get(HttpHeaderNames.ORIGIN);
        String method = h.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (origin == null || method == null) {
            return null;
        }
        if (!allowed(origin)) {
            return gatewayApi ? new LocalAnswer(HttpResponseStatus.NO_CONTENT, null,
                    new DefaultHttpHeaders().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN)) : null;
        }
        HttpHeaders answer = new DefaultHttpHeaders().add(preflight)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, echoOrigin ? origin : "*");
        if (echoMethod) {
            answer.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, method);
        }
        String headers = h.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (echoHeaders && headers != null) {
            answer.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, headers);
        }
        return new LocalAnswer(HttpResponseStatus.NO_CONTENT, null, answer);
    }

    /** Adds the CORS headers to a response (set: they replace the backend's), and Vary: Origin where needed. */
    void onResponse(HttpRequest request, HttpHeaders response) {
        if (echoOrigin) {
            varyOnOrigin(response);
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null || !allowed(origin)) {
            return;
        }
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, echoOrigin ? origin : "*");
        if (credentials) {
            response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (exposeHeaders != null) {
            response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
    }

    boolean allowed(String origin) {
        if (anyOrigin) {
            return true;
        }
        String o = Cors.normalizeOrigin(origin);
        if (origins.contains(o)) {
            return true;
        }
        for (Wildcard w : wildcards) {
            int hostEnd = o.length() - w.suffix().length();
            if (hostEnd > w.scheme().length() && o.startsWith(w.scheme()) && o.endsWith(w.suffix())
                    && isHost(o, w.scheme().length(), hostEnd, gatewayApi || w.anyHost())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s[from, to)} is one DNS label, or with {@code labels} one or more labels with dots between. */
    private static boolean isHost(String s, int from, int to, boolean labels) {
        if (s.charAt(from) == '.' || s.charAt(to - 1) == '.') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || labels && c == '.' && s.charAt(i - 1) != '.')) {
                return false;
            }
        }
        return true;
    }

    /** A response that depends on Origin must say so, or a cache would give one origin's answer to another. */
    private static void varyOnOrigin(HttpHeaders response) {
        for (String v : response.getAll(HttpHeaderNames.VARY)) {
            for (String token : v.split(",")) {
                String t = token.trim();
                if (t.equals("*") || t.equalsIgnoreCase("origin")) {
                    return;
                }
            }
        }
        response.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
}
