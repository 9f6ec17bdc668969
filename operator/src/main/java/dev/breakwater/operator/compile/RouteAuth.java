package dev.breakwater.operator.compile;

import dev.breakwater.operator.crd.BasicAuthSpec;
import dev.breakwater.operator.crd.ForwardAuthSpec;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.policy.AuthPolicies;
import dev.breakwater.operator.policy.Durations;
import dev.breakwater.routing.BasicAuth;
import dev.breakwater.routing.DigestAuth;
import dev.breakwater.routing.ExternalAuth;
import java.util.List;
import java.util.Map;

/**
 * Reads a Route rule's {@code forwardAuth} and {@code basicAuth} into the table's {@link ExternalAuth} and
 * {@link BasicAuth}. What cannot be enforced (a value the schema would refuse, a missing or unusable Secret) is an
 * ERROR naming the field, and the rule fails closed: its routes answer 503, never serve every client.
 */
final class RouteAuth {

    /** A rule's authentication; {@code failClosed} when some of it cannot be enforced. */
    record Result(ExternalAuth external, BasicAuth basic, DigestAuth digest, boolean failClosed) {
    }

    private RouteAuth() {
    }

    static Result read(RouteContext c, String field, ForwardAuthSpec forward, BasicAuthSpec basic,
                       TlsSecrets secrets, List<Diagnostic> diagnostics) {
        boolean[] failClosed = new boolean[1];
        ExternalAuth external = forward == null ? null : external(c, field + ".forwardAuth", forward, failClosed);
        Object users = basic == null ? null : users(c, field + ".basicAuth", basic, secrets, diagnostics,
                failClosed);
        return new Result(external, users instanceof BasicAuth b ? b : null,
                users instanceof DigestAuth d ? d : null, failClosed[0]);
    }

    private static ExternalAuth external(RouteContext c, String field, ForwardAuthSpec f, boolean[] failClosed) {
        try {
            Map<Integer, Long> cache = Map.of();
            if (f.cacheKey != null) {
                cache = AuthPolicies.cacheDurations(f.cacheDuration == null ? AuthPolicies.DEFAULT_CACHE_DURATION
                        : f.cacheDuration);
            } else if (f.cacheDuration != null || f.cacheMaxEntries != null) {
                c.warning(field + ".cacheDuration", "has no effect without cacheKey");
            }
            return new ExternalAuth(f.url, f.method, f.signin, null, f.responseHeaders, null,
                    Boolean.TRUE.equals(f.alwaysSetCookie), f.cacheKey, cache,
                    f.cacheMaxEntries == null ? ExternalAuth.DEFAULT_CACHE_MAX_ENTRIES : f.cacheMaxEntries,
                    f.connectTimeout == null ? ExternalAuth.DEFAULT_CONNECT_TIMEOUT_MILLIS
                            : Durations.millis(f.connectTimeout),
                    f.timeout == null ? ExternalAuth.DEFAULT_TIMEOUT_MILLIS : Durations.millis(f.timeout));
        } catch (IllegalArgumentException e) {
            c.error(field, e.getMessage() + "; the rule answers 503 rather than serve every client");
            failClosed[0] = true;
            return null;
        }
    }

    /** The rule's {@link BasicAuth} or ({@code format: Htdigest}) {@link DigestAuth}; null when unusable. */
    private static Object users(RouteContext c, String field, BasicAuthSpec b, TlsSecrets secrets,
                                List<Diagnostic> diagnostics, boolean[] failClosed) {
        String secretField = field + ".secretName";
        if (b.secretName == null || b.secretName.isEmpty()) {
            c.error(secretField, "a Secret name is required; the rule answers 503 rather than serve every client");
            failClosed[0] = true;
            return null;
        }
        String ref = c.namespace + "/" + b.secretName;
        try {
            String realm = b.realm == null ? "Authentication Required" : b.realm;
            if ("Htdigest".equals(b.format)) {
                return new DigestAuth(realm, PasswordSecret.digestUsers(ref, secrets.data(ref), realm, c.object,
                        secretField, diagnostics));
            }
            Map<String, String> users = PasswordSecret.users(ref, secrets.data(ref), "Map".equals(b.format),
                    c.object, secretField, diagnostics);
            return new BasicAuth(realm, users);
        } catch (IllegalArgumentException e) {
            c.error(secretField, e.getMessage() + "; the rule answers 503 rather than serve clients that were meant "
                    + "to authenticate");
            failClosed[0] = true;
            return null;
        }
    }
}
