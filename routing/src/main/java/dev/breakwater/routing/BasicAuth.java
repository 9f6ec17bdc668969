package dev.breakwater.routing;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * HTTP Basic authentication (RFC 7617) against a list of users and password hashes, as ingress-nginx's
 * {@code auth-type: basic} reads them from an htpasswd Secret. A request without valid credentials gets 401 with
 * {@code WWW-Authenticate: Basic realm="..."}; the endpoint sees the request with its {@code Authorization} header.
 *
 * @param realm the realm the client is told ({@code WWW-Authenticate})
 * @param users each user name and its password hash, in one of the {@link HashScheme}s
 */
public record BasicAuth(String realm, Map<String, String> users) {

    /** The password hashes the data plane checks, each as {@code htpasswd} (or {@code crypt}) writes it. */
    public enum HashScheme {
        /** {@code $2y$}, {@code $2a$}, {@code $2b$}: bcrypt ({@code htpasswd -B}). */
        BCRYPT,
        /** {@code $apr1$}: Apache's MD5 ({@code htpasswd -m}, its default). */
        APR1,
        /** {@code {SHA}}: base64 of the SHA-1 digest ({@code htpasswd -s}). */
        SHA1,
        /** {@code $1$}, {@code $5$}, {@code $6$}: glibc crypt's MD5, SHA-256 and SHA-512 ({@code openssl passwd}). */
        CRYPT
    }

    public BasicAuth {
        Objects.requireNonNull(realm, "realm");
        HeaderNames.value("realm", realm);
        if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("realm: \"" + realm + "\" may not hold '\"' or '\\'");
        }
        users = users == null ? Map.of() : new TreeMap<>(users);
        if (users.isEmpty()) {
            throw new IllegalArgumentException("users: empty (expected: at least one user)");
        }
        users.forEach((user, hash) -> {
            if (user.isEmpty() || user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("users: \"" + user + "\" is not a user name (empty or with ':')");
            }
            if (scheme(hash) == null) {
                throw new IllegalArgumentException("users: the hash of \"" + user + "\" is in no known scheme "
                        + "(expected: bcrypt $2y$, apr1 $apr1$, {SHA}, crypt $1$/$5$/$6$)");
            }
        });
    }

    /** The scheme of {@code hash}, or null when it is none that the data plane checks. */
    public static HashScheme scheme(String hash) {
        if (hash == null) {
            return null;
        }
        if ((hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$")) && hash.length() == 60) {
            return HashScheme.BCRYPT;
        }
        if (hash.startsWith("$apr1$") && hash.indexOf('$', 6) > 6) {
            return HashScheme.APR1;
        }
        if (hash.startsWith("{SHA}") && hash.length() == 33) {
            return HashScheme.SHA1;
        }
        if ((hash.startsWith("$1$") || hash.startsWith("$5$") || hash.startsWith("$6$"))
                && hash.indexOf('$', 3) > 3) {
            return HashScheme.CRYPT;
        }
        return null;
    }
}
