package dev.breakwater.dataplane.lb;

import dev.breakwater.routing.SessionAffinity;

/**
 * A route's session-affinity cookie: which endpoint a client asked to keep (the cookie's value is the endpoint's
 * affinity id), and the {@code Set-Cookie} that gives a client its endpoint. Built once per table; the attributes
 * are written out then, so a request only joins its id in.
 */
public final class AffinityCookie {

    private final String name;
    private final String prefix;
    private final String plainSuffix;
    private final String secureSuffix;

    public AffinityCookie(SessionAffinity affinity) {
        this.name = affinity.cookieName();
        this.prefix = name + "=";
        StringBuilder attributes = new StringBuilder("; Path=").append(affinity.path() == null ? "/" : affinity.path());
        if (affinity.maxAgeSeconds() != null) {
            attributes.append("; Max-Age=").append(affinity.maxAgeSeconds());
        }
        if (affinity.domain() != null) {
            attributes.append("; Domain=").append(affinity.domain());
        }
        String sameSite = affinity.sameSite() == null ? "" : "; SameSite=" + affinity.sameSite();
        String plain = attributes + "; HttpOnly" + sameSite;
        String secure = attributes + "; Secure; HttpOnly" + sameSite;
        Boolean always = affinity.secure();
        this.plainSuffix = Boolean.TRUE.equals(always) ? secure : plain;
        this.secureSuffix = Boolean.FALSE.equals(always) ? plain : secure;
    }

    public String name() {
        return name;
    }

    /** The affinity id the request's cookie names, or null. */
    public String requested(PickContext request) {
        return request.cookie(name);
    }

    /** The {@code Set-Cookie} value pinning a client to the endpoint of affinity id {@code id}. */
    public String setCookie(String id, boolean https) {
        return prefix + id + (https ? secureSuffix : plainSuffix);
    }
}
