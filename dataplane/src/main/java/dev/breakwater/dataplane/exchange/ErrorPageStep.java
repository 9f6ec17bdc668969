package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.config.ErrorPageRoute;
import dev.breakwater.dataplane.filter.ForwardedHeaders;
import dev.breakwater.dataplane.upstream.UpstreamCall;
import dev.breakwater.routing.ErrorPages;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * ingress-nginx's custom error pages for one exchange ({@code custom-http-errors} with {@code default-backend}): an
 * endpoint's response whose status the route intercepts is dropped (its body read and released, its connection
 * pooled again), and the request goes once to the error backend instead, without its body, with path {@code /} and
 * the headers custom-error backends read; that backend's response is the client's. A route whose endpoints cannot
 * serve at all asks the error backend with {@code X-Code: 503}. Never for a response that began before the request
 * was read whole, nor on a route with a cache, nor twice.
 */
final class ErrorPageStep {

    static final String X_CODE = "X-Code";
    static final String X_FORMAT = "X-Format";
    static final String X_ORIGINAL_URI = "X-Original-URI";
    static final String X_NAMESPACE = "X-Namespace";
    static final String X_INGRESS_NAME = "X-Ingress-Name";
    static final String X_SERVICE_NAME = "X-Service-Name";
    static final String X_SERVICE_PORT = "X-Service-Port";

    private final Exchange exchange;
    private final ErrorPageRoute pages;
    /** The error backend was asked (once per exchange). */
    private boolean asked;
    /** The intercepted response's body is being read and dropped. */
    private boolean swallowing;
    private int code;

    ErrorPageStep(Exchange exchange, ErrorPageRoute pages) {
        this.exchange = exchange;
        this.pages = pages;
    }

    /** True when {@code head} (from the route's endpoint) is intercepted: released here, the error backend asked. */
    boolean intercept(HttpResponse head) {
        Exchange x = exchange;
        int status = head.status().code();
        if (asked || swallowing || !pages.intercepts(status) || !x.requestDone || x.cache != null
                || x.responseStarted) {
            return false;
        }
        code = status;
        boolean whole = head instanceof LastHttpContent;
        ReferenceCountUtil.release(head);
        if (whole) {
            interceptedComplete();
        } else {
            swallowing = true;
        }
        return true;
    }

    /** True when {@code part} belongs to the intercepted response (and was released). */
    boolean swallow(HttpContent part) {
        if (!swallowing) {
            return false;
        }
        boolean last = part instanceof LastHttpContent;
        part.release();
        if (last) {
            swallowing = false;
            interceptedComplete();
        }
        return true;
    }

    /**
     * True when the intercepted response broke or timed out while its body was dropped: the client saw nothing of
     * it, so the error backend is asked all the same.
     */
    boolean interceptedBroken() {
        if (!swallowing) {
            return false;
        }
        swallowing = false;
        Exchange x = exchange;
        x.call.abort();
        x.call.end();
        x.call = null;
        ask(code);
        return true;
    }

    /** The route's cluster has no endpoint that may serve: the error backend answers with {@code X-Code: 503}. */
    boolean noEndpoint() {
        if (asked) {
            return false;
        }
        Exchange x = exchange;
        x.call.end();
        x.call = null;
        ask(HttpResponseStatus.SERVICE_UNAVAILABLE.code());
        return true;
    }

    private void interceptedComplete() {
        Exchange x = exchange;
        x.call.responseComplete(); // the endpoint's connection goes back to its pool
        x.call.end();
        x.call = null;
        ask(code);
    }

    /** Sends the request to the error backend; without an endpoint there, the client gets {@code status} from here. */
    private void ask(int status) {
        asked = true;
        Exchange x = exchange;
        if (!x.requestDone) {
            x.discardBody = true; // the error backend gets no body: the rest of it is read and dropped
            if (!x.retryable) {
                x.keepAlive = false;
            }
        }
        HttpRequest original = x.request;
        HttpHeaders h = new DefaultHttpHeaders().add(original.headers());
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.EXPECT);
        ErrorPages p = pages.pages();
        h.set(X_CODE, status);
        String accept = original.headers().get(HttpHeaderNames.ACCEPT);
        h.set(X_FORMAT, accept == null ? "" : accept);
        h.set(X_ORIGINAL_URI, x.context.query() == null ? x.context.path()
                : x.context.path() + "?" + x.context.query());
        h.set(X_NAMESPACE, p.namespace());
        h.set(X_INGRESS_NAME, p.ingress());
        h.set(X_SERVICE_NAME, p.service());
        h.set(X_SERVICE_PORT, p.servicePort());
        h.set(ForwardedHeaders.X_REQUEST_ID, x.requestId);
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, original.method(), "/", h);
        ClientConnection c = x.connection();
        UpstreamCall call = new UpstreamCall(x.response, c.pool(), c.timer(), x.services().metrics(), pages.route(),
                x.context, c.https(), request, true, false, null);
        x.call = call;
        if (!call.start(false, x.host)) {
            x.response.respondLocally(HttpResponseStatus.valueOf(status), "the error backend has no ready endpoint",
                    null);
            return;
        }
        call.sendBody(LastHttpContent.EMPTY_LAST_CONTENT);
        call.flush();
    }
}
