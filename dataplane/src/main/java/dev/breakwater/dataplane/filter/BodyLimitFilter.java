package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * A route's request body limit: a declared {@code Content-Length} above it is answered 413 at once, and a body
 * that streams past it (chunked, or HTTP/2) is cut with 413 as soon as it does. The count of bytes so far is the
 * exchange's; this filter only compares.
 */
public final class BodyLimitFilter implements HttpFilter {

    private final long maxBytes;
    private final LocalAnswer tooLarge;

    public BodyLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
        this.tooLarge = LocalAnswer.denied("body_limit", HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body larger than " + maxBytes + " bytes", null);
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        return HttpUtil.getContentLength(request.request(), -1L) > maxBytes ? tooLarge : null;
    }

    /** The answer for a body that grew to {@code bytesSoFar}, or null while it is within the limit. */
    public LocalAnswer onBody(long bytesSoFar) {
        return bytesSoFar > maxBytes ? tooLarge : null;
    }
}
