package dev.breakwater.routing;

import java.util.Objects;

/**
 * Cookie-based session affinity: a client keeps its endpoint while that endpoint is available, and moves
 * (with a new cookie) when it is not.
 *
 * @param cookieName    the cookie's name
 * @param maxAgeSeconds {@code Max-Age} of the cookie, or null for a session cookie
 * @param path          {@code Path} of the cookie (null: {@code /})
 */
public record SessionAffinity(String cookieName, Long maxAgeSeconds, String path) {

    public SessionAffinity {
        Objects.requireNonNull(cookieName, "cookieName");
        if (cookieName.isEmpty() || !cookieName.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new IllegalArgumentException("cookieName: '" + cookieName + "' (expected: a cookie name token)");
        }
    }
}
