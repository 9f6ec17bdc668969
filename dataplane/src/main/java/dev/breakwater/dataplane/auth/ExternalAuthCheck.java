package dev.breakwater.dataplane.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.dataplane.filter.ForwardedHeadersFilter;
import dev.breakwater.dataplane.filter.LocalAnswer;
import dev.breakwater.dataplane.request.HopByHop;
import dev.breakwater.routing.AuthCacheKey;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.ExternalAuth;
import dev.breakwater.dataplane.metrics.AuthCount;
import dev.breakwater.dataplane.metrics.AuthLatency;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's external authentication ({@link ExternalAuth}): the request to the service made from the client's (as
 * ingress-nginx's {@code auth_request} makes it), its answer turned into a verdict, and answers cached by the
 * route's cache key. Built once per table and shared by every event loop; each call runs on its client's loop.
 */
final class ExternalAuthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalAuthCheck.class);

    static final AsciiString X_ORIGINAL_URL = AsciiString.cached("x-original-url");
    static final AsciiString X_ORIGINAL_METHOD = AsciiString.cached("x-original-method");
    static final AsciiString X_AUTH_REQUEST_REDIRECT = AsciiString.cached("x-auth-request-redirect");
    static final AsciiString X_SENT_FROM = AsciiString.cached("x-sent-from");

    private static final LocalAnswer FAILED = new LocalAnswer(HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "authentication service failed", null);
    private static final LocalAnswer FORBIDDEN = new LocalAnswer(HttpResponseStatus.FORBIDDEN, "forbidden", null);

    private final ExternalAuth auth;
    private final UpstreamEndpoint endpoint;
    private final String target;
    private final HttpMethod method;
    private final ForwardedHeadersFilter forwarded;
    private final AuthCacheKey cacheKey;
    private final Cache<String, Answer> cache;
    private final Meters meters;

    /** The counters and timer of one route's external authentication. */
    record Meters(AuthCount allowed, AuthCount denied, AuthCount error, AuthCount cached, AuthLatency latency) {
    }

    /** A service's answer as far as a verdict needs it: its status and the headers copied from it. */
    private record Answer(int status, HttpHeaders headers) {
    }

    ExternalAuthCheck(ExternalAuth auth, ForwardedHeadersFilter forwarded, Meters meters) {
        this.auth = auth;
        this.endpoint = new UpstreamEndpoint(Endpoint.ready(auth.host(), auth.port()),
                auth.https() ? Cluster.Protocol.HTTPS : Cluster.Protocol.HTTP1, null, new EndpointRegistry());
        this.target = auth.pathAndQuery();
        this.method = HttpMethod.valueOf(auth.methodOrDefault());
        this.forwarded = forwarded;
        this.meters = meters;
        this.cacheKey = auth.cacheKey() == null ? null : AuthCacheKey.parse(auth.cacheKey());
        // maintenance (eviction) on the calling thread: no pool thread of its own, and the bound holds at once
        this.cache = cacheKey == null ? null : Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(auth.cacheMaxEntries())
                .expireAfter(new Expiry<String, Answer>() {
                    @Override
                    public long expireAfterCreate(String key, Answer value, long currentTime) {
                        return auth.cacheMillis().get(value.status()) * 1_000_000L;
                    }

                    @Override
                    public long expireAfterUpdate(String key, Answer value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Answer value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                }).build();
    }

    /** The pool key of the service's connections (kept open across table swaps while a route uses it). */
    String endpointKey() {
        return endpoint.key();
    }

    /**
     * Asks the service about the request; {@code done} is called on the client's event loop.
     *
     * @param originalTarget the request's target as the client sent it (before any rewrite)
     * @return the call in flight, to cancel if the client goes away; null when answered at once (from the cache)
     */
    ExternalAuthCall check(FilterContext request, String originalTarget, UpstreamPool pool,
                           Consumer<AuthVerdict> done) {
        String key = cacheKey == null ? null : AuthCacheKeys.evaluate(cacheKey, request, originalTarget);
        if (key != null) {
            Answer cached = cache.getIfPresent(key);
            if (cached != null) {
                meters.cached().increment();
                done.accept(verdict(cached, request, originalTarget));
                return null;
            }
        }
        long startNanos = System.nanoTime();
        ExternalAuthCall call = new ExternalAuthCall(pool, endpoint, () -> authRequest(request, originalTarget),
                (int) Math.min(Integer.MAX_VALUE, auth.connectTimeoutMillis()), auth.timeoutMillis(),
                auth.keepalive(), (head, reason) -> {
                    if (head == null) {
                        LOG.debug("external authentication {} for {}: {}", auth.url(), request.requestId(), reason);
                        meters.error().increment();
                        done.accept(AuthVerdict.deny(FAILED));
                        return;
                    }
                    meters.latency().record(System.nanoTime() - startNanos);
                    Answer answer = new Answer(head.status().code(), kept(head));
                    if (key != null && auth.cacheMillis().containsKey(answer.status())) {
                        cache.put(key, answer);
                    }
                    done.accept(verdict(answer, request, originalTarget));
                });
        call.start();
        return call;
    }

    /** The request to the service: no body, the client's headers, and what ingress-nginx adds. */
    private FullHttpRequest authRequest(FilterContext request, String originalTarget) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(request.headers());
        HopByHop.strip(headers);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.EXPECT);
        headers.remove(HttpHeaderNames.CONTENT_TYPE);
        forwarded.set(headers, request);
        if (auth.requestHeaders() != null) {
            auth.requestHeaders().forEach(headers::set);
        }
        headers.set(HttpHeaderNames.HOST, auth.authority());
        headers.set(X_ORIGINAL_URL, originalUrl(request, originalTarget));
        headers.set(X_ORIGINAL_METHOD, request.request().method().name());
        headers.set(X_AUTH_REQUEST_REDIRECT, auth.requestRedirect() == null ? originalTarget
                : auth.requestRedirect());
        headers.set(X_SENT_FROM, "breakwater");
        headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target, Unpooled.EMPTY_BUFFER, headers,
                new DefaultHttpHeaders(false));
    }

    private static String originalUrl(FilterContext request, String originalTarget) {
        String host = request.host() == null ? "" : request.host();
        return request.scheme() + "://" + host + originalTarget;
    }

    /** Of an answer, what a verdict may need: the headers to copy, Set-Cookie, WWW-Authenticate. */
    private HttpHeaders kept(HttpResponse head) {
        HttpHeaders out = new DefaultHttpHeaders(false);
        for (String name : auth.responseHeaders()) {
            out.add(name, head.headers().getAll(name));
        }
        out.add(HttpHeaderNames.SET_COOKIE, head.headers().getAll(HttpHeaderNames.SET_COOKIE));
        out.add(HttpHeaderNames.WWW_AUTHENTICATE, head.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE));
        return out;
    }

    private AuthVerdict verdict(Answer answer, FilterContext request, String originalTarget) {
        int status = answer.status();
        List<String> cookies = answer.headers().getAll(HttpHeaderNames.SET_COOKIE);
        if (status >= 200 && status < 300) {
            meters.allowed().increment();
            HttpHeaders upstream = new DefaultHttpHeaders(false);
            for (String name : auth.responseHeaders()) {
                List<String> values = answer.headers().getAll(name);
                if (values.isEmpty()) {
                    upstream.add(name, ""); // an empty value: the client's header of that name is removed
                } else {
                    upstream.add(name, values);
                }
            }
            return new AuthVerdict(null, upstream, cookies);
        }
        if (status == 401) {
            meters.denied().increment();
            HttpHeaders extra = new DefaultHttpHeaders(false);
            cookies.forEach(c -> extra.add(HttpHeaderNames.SET_COOKIE, c));
            if (auth.signin() != null) {
                extra.set(HttpHeaderNames.LOCATION, signinUrl(request, originalTarget));
                return AuthVerdict.deny(new LocalAnswer(HttpResponseStatus.FOUND, null, extra));
            }
            answer.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE)
                    .forEach(v -> extra.add(HttpHeaderNames.WWW_AUTHENTICATE, v));
            return AuthVerdict.deny(new LocalAnswer(HttpResponseStatus.UNAUTHORIZED, "authentication required",
                    extra));
        }
        if (status == 403) {
            meters.denied().increment();
            return AuthVerdict.deny(FORBIDDEN);
        }
        LOG.debug("external authentication {} answered {} for {}", auth.url(), status, request.requestId());
        meters.error().increment();
        return AuthVerdict.deny(FAILED);
    }

    /**
     * {@code auth-signin} for this request: its variables expanded, and the original URL in its redirect parameter
     * unless it has that parameter already.
     */
    String signinUrl(FilterContext request, String originalTarget) {
        String host = request.host() == null ? "" : request.host();
        String signin = auth.signin();
        if (signin.indexOf('$') >= 0) {
            signin = signin.replace("$scheme", request.scheme()).replace("$http_host", host)
                    .replace("$host", host)
                    .replace("$escaped_request_uri", URLEncoder.encode(originalTarget, StandardCharsets.UTF_8))
                    .replace("$request_uri", originalTarget);
        }
        String param = auth.signinRedirectParam();
        int q = signin.indexOf('?');
        if (q >= 0 && ("&" + signin.substring(q + 1)).contains("&" + param + "=")) {
            return signin;
        }
        return signin + (q >= 0 ? "&" : "?") + param + "="
                + URLEncoder.encode(originalUrl(request, originalTarget), StandardCharsets.UTF_8);
    }
}
