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
import java.util.Locale;
import java.util.Set;

/**
 * A route's CORS settings, prepared once per table: preflights from allowed origins are answered here with
 * {@code 204}; responses to allowed origins get {@code Access-Control-Allow-Origin} and the rest. Requests
 * without {@code Origin}, or from other origins, pass unchanged (but for {@code Vary: Origin}).
 */
final class CorsPolicy {

    private final boolean anyOrigin;
    private final Set<String> origins = new HashSet<>();
    /** Wildcard origins as [scheme "://", suffix after the "*" label], e.g. ["https://", ".example.com:8443"]. */
    private final List<String[]> wildcards = new ArrayList<>();
    private final boolean credentials;
    private final String exposeHeaders;
    private final HttpHeaders preflight = new DefaultHttpHeaders();

    CorsPolicy(Cors cors) {
        anyOrigin = cors.allowsAnyOrigin();
        for (String o : cors.allowOrigins()) {
            int star = o.indexOf("://*.");
            if (star > 0) {
                wildcards.add(new String[] {o.substring(0, star + 3), o.substring(star + 4)});
            } else {
                origins.add(o);
            }
        }
        credentials = cors.allowCredentials();
        exposeHeaders = cors.exposeHeaders().isEmpty() ? null : String.join(", ", cors.exposeHeaders());
        if (credentials) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!cors.allowMethods().isEmpty()) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", cors.allowMethods()));
        }
        if (!cors.allowHeaders().isEmpty()) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", cors.allowHeaders()));
        }
        if (cors.maxAgeSeconds() != null) {
            preflight.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAgeSeconds()));
        }
        if (!anyOrigin) {
            preflight.set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
    }

    /** The answer to a preflight from an allowed origin, or null when the request is not one. */
    LocalAnswer preflight(HttpRequest request) {
        if (!request.method().equals(HttpMethod.OPTIONS)) {
            return null;
        }
        HttpHeaders h = request.headers();
        String origin = h.get(HttpHeaderNames.ORIGIN);
        if (origin == null || !h.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD) || !allowed(origin)) {
            return null;
        }
        HttpHeaders answer = new DefaultHttpHeaders().add(preflight)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, anyOrigin ? "*" : origin);
        return new LocalAnswer(HttpResponseStatus.NO_CONTENT, null, answer);
    }

    /** Adds the CORS headers to a response (set: they replace the backend's), and Vary: Origin where needed. */
    void onResponse(HttpRequest request, HttpHeaders response) {
        if (!anyOrigin) {
            varyOnOrigin(response);
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null || !allowed(origin)) {
            return;
        }
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, anyOrigin ? "*" : origin);
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
        String o = origin.toLowerCase(Locale.ROOT);
        if (origins.contains(o)) {
            return true;
        }
        for (String[] w : wildcards) {
            int labelEnd = o.length() - w[1].length();
            if (labelEnd > w[0].length() && o.startsWith(w[0]) && o.endsWith(w[1]) && isLabel(o, w[0].length(), labelEnd)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLabel(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
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
