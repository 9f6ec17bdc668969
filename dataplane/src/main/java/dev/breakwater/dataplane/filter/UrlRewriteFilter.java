package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaderNames;

/** A route's URL rewrite: the Host and the path (whole, or its matched prefix) replaced before forwarding. */
final class UrlRewriteFilter implements HttpFilter {

    private final String host;
    private final PathRewriter path;

    UrlRewriteFilter(String host, PathRewriter path) {
        this.host = host;
        this.path = path;
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        if (host != null) {
            request.headers().set(HttpHeaderNames.HOST, host);
        }
        if (path != null) {
            String rewritten = path.apply(request.path());
            if (rewritten != null) {
                request.request().setUri(PathRewriter.target(rewritten, request.query()));
            }
        }
        return null;
    }
}
