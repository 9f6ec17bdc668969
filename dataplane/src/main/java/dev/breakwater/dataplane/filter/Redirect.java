package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteFilter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A {@link RouteFilter.RequestRedirect} ready to answer: the {@code Location} from the request, as the filter says. */
final class Redirect {

    private final String scheme;
    private final String hostname;
    private final Integer port;
    private final PathRewriter path;
    private final HttpResponseStatus status;

    Redirect(RouteFilter.RequestRedirect redirect, PathMatch match) {
        this.scheme = redirect.scheme();
        this.hostname = redirect.hostname();
        this.port = redirect.port();
        this.path = redirect.path() == null ? null : new PathRewriter(redirect.path(), match);
        this.status = HttpResponseStatus.valueOf(redirect.statusCode());
    }

    /**
     * @param requestScheme   {@code http} or {@code https}
     * @param hostHeader      the request's Host (may carry a port), or null
     * @param requestPath     the request path
     * @param query           the request's query, or null
     * @param publicHttpsPort the HTTPS port clients use, for a redirect to {@code https} without a port
     */
    LocalAnswer answer(String requestScheme, String hostHeader, String requestPath, String query, int publicHttpsPort) {
        String s = scheme != null ? scheme : requestScheme;
        String requestHost = hostHeader;
        int requestPort = -1;
        if (hostHeader != null) {
            int colon = hostHeader.lastIndexOf(':');
            if (colon > hostHeader.lastIndexOf(']') && colon >= 0) {
                requestHost = hostHeader.substring(0, colon);
                try {
                    requestPort = Integer.parseInt(hostHeader.substring(colon + 1));
                } catch (NumberFormatException e) {
                    requestPort = -1;
                }
            }
        }
        String h = hostname != null ? hostname : requestHost;
        int p;
        if (port != null) {
            p = port;
        } else if (scheme != null) {
            p = scheme.equals("https") ? publicHttpsPort : 80;
        } else {
            p = requestPort;
        }
        String newPath = path == null ? null : path.apply(requestPath);
        String target = PathRewriter.target(newPath == null ? requestPath : newPath, query);
        StringBuilder location = new StringBuilder(64);
        if (h != null && !h.isEmpty()) {
            location.append(s).append("://").append(h);
            boolean defaultPort = s.equals("http") && p == 80 || s.equals("https") && p == 443;
            if (p > 0 && !defaultPort) {
                location.append(':').append(p);
            }
        }
        location.append(target);
        String l = location.toString();
        return new LocalAnswer(status, "moved to " + l, new DefaultHttpHeaders().set(HttpHeaderNames.LOCATION, l));
    }
}
