package dev.breakwater.routing;

import java.util.Objects;

/**
 * Cookie-based session affinity: a client keeps its endpoint while that endpoint is available, and moves
 * (with a new cookie) when it is not.
 *
 * @param cookieName    the cookie's name
 * @param maxAgeSeconds {@code Max-Age} of the cookie, or null for a session cookie
 * @param path          {@code Path} of the cookie (null: {@code /})
 * @param domain        {@code Domain} of the cookie, or null for none (the cookie goes back to the host only)
 * @param sameSite      {@code SameSite} of the cookie ({@code Strict}, {@code Lax} or {@code None}), or null for none
 * @param secure        whether the cookie says {@code Secure}: null for when the request came over HTTPS
 */
public record SessionAffinity(String cookieName, Long maxAgeSeconds, String path, String domain, String sameSite,
                              Boolean secure) {

    public SessionAffinity {
        Objects.requireNonNull(cookieName, "cookieName");
        if (cookieName.isEmpty() || !cookieName.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new IllegalArgumentException("cookieName: '" + cookieName + "' (expected: a cookie name token)");
        }
        if (sameSite != null && !sameSite.equals("Strict") && !sameSite.equals("Lax") && !sameSite.equals("None")) {
            throw new IllegalArgumentException("sameSite: '" + sameSite + "' (expected: Strict, Lax or None)");
        }
        if (domain != null && !domain.matches("\\.?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException("domain: '" + domain + "' (expected: a lower-case domain name)");
        }
    }

    /** Affinity with a cookie of that name, {@code Max-Age} and {@code Path}, and no other attribute. */
    public SessionAffinity(String cookieName, Long maxAgeSeconds, String path) {
        this(cookieName, maxAgeSeconds, path, null, null, null);
    }
}
