package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;

/** A route's response header modifier: headers set, added and removed on the response to the client. */
final class ResponseHeaderFilter implements HttpFilter {

    private final HeaderModifier modifier;

    ResponseHeaderFilter(HeaderModifier modifier) {
        this.modifier = modifier;
    }

    @Override
    public void onResponse(FilterContext request, HttpHeaders response) {
        modifier.apply(response);
    }
}
