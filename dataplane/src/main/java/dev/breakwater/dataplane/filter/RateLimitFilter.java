package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.ratelimit.RateLimiter;
import dev.breakwater.dataplane.metrics.RouteCounter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A route's rate limit: a request without a token in its key's bucket is answered 429 (or the limit's status,
 * ingress-nginx's {@code limit-req-status-code}) with Retry-After.
 */
final class RateLimitFilter implements HttpFilter {

    private final RateLimiter limiter;
    private final SourceAllowlist exempt;
    private final RouteCounter limited;
    private final HttpResponseStatus status;

    RateLimitFilter(RateLimiter limiter, SourceAllowlist exempt, RouteCounter limited,
                    HttpResponseStatus status) {
        this.limiter = limiter;
        this.exempt = exempt;
        this.limited = limited;
        this.status = status;
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        String address = request.clientAddress();
        if (exempt != null && exempt.allows(address)) {
            return null;
        }
        long wait = limiter.acquire(request.headers(), address);
        if (wait <= 0) {
            return null;
        }
        limited.increment();
        return LocalAnswer.denied("rate_limit", status, "rate limit exceeded",
                new DefaultHttpHeaders().set(HttpHeaderNames.RETRY_AFTER, RateLimiter.retryAfterSeconds(wait)));
    }
}
