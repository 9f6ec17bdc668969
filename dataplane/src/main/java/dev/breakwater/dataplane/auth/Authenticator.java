package dev.breakwater.dataplane.auth;

import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.dataplane.filter.ForwardedHeadersFilter;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.routing.RoutePolicy;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.Consumer;

/**
 * A route's authentication, run once its filters let the request through and before anything is forwarded (as
 * ingress-nginx's access phase): Basic or Digest authentication first, then the external service, each of which may
 * answer the request instead. Built once per table, shared by every event loop; a check may complete later (a bcrypt off
 * the loop, the service's answer), always on the request's event loop.
 */
public final class Authenticator {

    private final BasicAuthCheck basic;
    private final DigestAuthCheck digest;
    private final ExternalAuthCheck external;
    private final boolean alwaysSetCookie;

    private Authenticator(BasicAuthCheck basic, DigestAuthCheck digest, ExternalAuthCheck external,
                          boolean alwaysSetCookie) {
        this.basic = basic;
        this.digest = digest;
        this.external = external;
        this.alwaysSetCookie = alwaysSetCookie;
    }

    /** The authentication of a route with {@code policy}, or null when it has none. */
    public static Authenticator of(String route, RoutePolicy policy, ForwardedHeadersFilter forwarded,
                                   ProxyMetrics metrics) {
        if (policy.basicAuth() == null && policy.digestAuth() == null && policy.externalAuth() == null) {
            return null;
        }
        DigestAuthCheck digest = policy.digestAuth() == null ? null : new DigestAuthCheck(policy.digestAuth(),
                System::currentTimeMillis, metrics.authResult(route, "digest", "allowed"),
                metrics.authResult(route, "digest", "denied"));
        BasicAuthCheck basic = policy.basicAuth() == null ? null : new BasicAuthCheck(policy.basicAuth(),
                metrics.authResult(route, "basic", "allowed"), metrics.authResult(route, "basic", "denied"),
                metrics.authResult(route, "basic", "error"));
        ExternalAuthCheck external = policy.externalAuth() == null ? null
                : new ExternalAuthCheck(policy.externalAuth(), forwarded, new ExternalAuthCheck.Meters(
                        metrics.authResult(route, "external", "allowed"),
                        metrics.authResult(route, "external", "denied"),
                        metrics.authResult(route, "external", "error"),
                        metrics.authResult(route, "external", "cached"), metrics.authLatency(route)));
        return new Authenticator(basic, digest, external,
                policy.externalAuth() != null && policy.externalAuth().alwaysSetCookie());
    }

    /** The pool key of the external service's connections, or null. */
    public String externalEndpointKey() {
        return external == null ? null : external.endpointKey();
    }

    /** True when the service's {@code Set-Cookie} goes on every response (not only those below 400). */
    public boolean alwaysSetCookie() {
        return alwaysSetCookie;
    }

    /**
     * Decides the request. {@code done} gets the verdict on the request's event loop (the pool's).
     *
     * @param originalTarget the request's target as the client sent it
     * @return what to cancel if the client goes away first
     */
    public Pending authenticate(FilterContext request, String originalTarget, UpstreamPool pool,
                                Consumer<AuthVerdict> done) {
        Pending pending = new Pending();
        Consumer<AuthVerdict> guarded = v -> {
            if (!pending.cancelled) {
                done.accept(v);
            }
        };
        Consumer<AuthVerdict> then = v -> {
            if (!v.allowed() || external == null || pending.cancelled) {
                guarded.accept(v);
            } else {
                pending.call = external.check(request, originalTarget, pool, guarded);
            }
        };
        if (basic != null) {
            basic.check(request.headers(), pool.eventLoop(), then);
        } else if (digest != null) {
            then.accept(digest.check(request.headers(), request.request().method().name(), originalTarget));
        } else {
            then.accept(AuthVerdict.ALLOW);
        }
        return pending;
    }

    /** Applies an allowing verdict's headers to the request to forward. */
    public static void apply(AuthVerdict verdict, HttpHeaders request) {
        if (verdict.upstream() == null) {
            return;
        }
        for (String name : verdict.upstream().names()) {
            request.remove(name);
            for (String v : verdict.upstream().getAll(name)) {
                if (!v.isEmpty()) {
                    request.add(name, v);
                }
            }
        }
    }

    /** An authentication in progress. */
    public static final class Pending {
        private ExternalAuthCall call;
        private boolean cancelled;

        /** The client went away: no verdict will be given, the call to the service is dropped. */
        public void cancel() {
            cancelled = true;
            if (call != null) {
                call.cancel();
            }
        }
    }

}
