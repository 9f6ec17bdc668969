package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A route served over HTTPS only (ssl-redirect, a Route's {@code tls.redirectHttp}): a plain-HTTP request is answered
 * 308 to the same host, path and query on the public HTTPS port.
 */
final class HttpsRedirectFilter implements HttpFilter {

    @Override
    public LocalAnswer onRequest(FilterContext r) {
        if (r.https()) {
            return null;
        }
        String name = r.host() == null ? "" : r.host();
        if (name.startsWith("[")) {
            name = name.substring(0, name.indexOf(']') + 1);
        } else if (name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        int port = r.config().publicHttpsPort();
        String location = "https://" + name + (port == 443 ? "" : ":" + port) + r.path()
                + (r.query() == null ? "" : "?" + r.query());
        return new LocalAnswer(HttpResponseStatus.PERMANENT_REDIRECT, "moved to " + location,
                new DefaultHttpHeaders().set(HttpHeaderNames.LOCATION, location));
    }
}
