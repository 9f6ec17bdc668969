package dev.breakwater.dataplane.filter;

/** A route's request header modifier: headers set, added and removed before the request is forwarded. */
final class RequestHeaderFilter implements HttpFilter {

    private final HeaderModifier modifier;

    RequestHeaderFilter(HeaderModifier modifier) {
        this.modifier = modifier;
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        modifier.applyToRequest(request.headers());
        return null;
    }
}
