package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.RouteAction;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A route that answers itself with a fixed status and text (a table's fixed response: a broken backend, say). */
final class FixedResponseFilter implements HttpFilter {

    private final LocalAnswer answer;

    FixedResponseFilter(RouteAction.FixedResponse fixed) {
        this.answer = new LocalAnswer(HttpResponseStatus.valueOf(fixed.status()), fixed.body().strip(), null);
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        return answer;
    }
}
