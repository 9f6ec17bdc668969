package dev.breakwater.dataplane.auth;

import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.routing.AuthCacheKey;

/** Evaluates an {@link AuthCacheKey} for one request. */
final class AuthCacheKeys {

    private AuthCacheKeys() {
    }

    /**
     * The key's value for {@code request}: each variable's value, a missing one empty, with a separator between
     * parts so that two different requests cannot spell the same key.
     */
    static String evaluate(AuthCacheKey key, FilterContext request, String originalTarget) {
        StringBuilder b = new StringBuilder();
        for (AuthCacheKey.Part p : key.parts()) {
            if (p.variable() == null) {
                b.append(p.text());
            } else {
                String v = switch (p.variable()) {
                    case HEADER -> String.join(",", request.headers().getAll(p.argument()));
                    case COOKIE -> request.cookie(p.argument());
                    case REMOTE_ADDR -> request.clientAddress();
                    case HOST -> request.host();
                    case REQUEST_URI -> originalTarget;
                    case URI -> request.path();
                    case SCHEME -> request.scheme();
                    case METHOD -> request.request().method().name();
                };
                b.append(v == null ? "" : v);
            }
            b.append('\0');
        }
        return b.toString();
    }
}
