package dev.breakwater.operator.policy;

import dev.breakwater.routing.RoutePolicy;

/** What a route's TLS settings add to its policy: HSTS. */
public final class TlsPolicies {

    /** The HSTS max-age when HSTS is on and no max-age is given: one year. */
    public static final long HSTS_MAX_AGE_SECONDS = 31_536_000L;

    private TlsPolicies() {
    }

    /** HSTS with {@code maxAgeSeconds} (null: {@link #HSTS_MAX_AGE_SECONDS}; the caller checked it is not negative). */
    public static RoutePolicy.Hsts hsts(Long maxAgeSeconds, boolean includeSubDomains, boolean preload) {
        return new RoutePolicy.Hsts(maxAgeSeconds == null ? HSTS_MAX_AGE_SECONDS : maxAgeSeconds, includeSubDomains,
                preload);
    }
}
