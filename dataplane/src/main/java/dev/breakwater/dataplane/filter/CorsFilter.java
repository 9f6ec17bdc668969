package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;

/** CORS: preflights answered here (204), and the CORS headers added to the responses of allowed origins. */
final class CorsFilter implements HttpFilter {

    private final CorsPolicy cors;

    CorsFilter(dev.breakwater.routing.Cors policy) {
        this.cors = new CorsPolicy(policy);
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        return cors.preflight(request.request());
    }

    @Override
    public void onResponse(FilterContext request, HttpHeaders response) {
        cors.onResponse(request.request(), response);
    }
}
