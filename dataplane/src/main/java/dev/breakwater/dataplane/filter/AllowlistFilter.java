package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A route's source allowlist: clients outside it are answered 403 (ingress-nginx's whitelist-source-range). */
final class AllowlistFilter implements HttpFilter {

    private final SourceAllowlist allowlist;

    AllowlistFilter(dev.breakwater.routing.SourceAllowlist ranges) {
        this.allowlist = new SourceAllowlist(ranges);
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        return allowlist.allows(request.clientAddress()) ? null
                : LocalAnswer.denied("allowlist", HttpResponseStatus.FORBIDDEN, "client address not allowed", null);
    }
}
