package dev.breakwater.routing;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * HTTP Digest authentication (RFC 7616, {@code MD5} with {@code qop=auth}, as nginx's auth_digest module), against
 * users as {@code htdigest} writes them: per user the hex MD5 of {@code user:realm:password} (HA1). A request without
 * a valid {@code Authorization: Digest} gets 401 with a fresh challenge.
 *
 * @param realm the realm, the one the users' HA1 were made for
 * @param users each user name and its HA1 (32 hex digits, lower case)
 */
public record DigestAuth(String realm, Map<String, String> users) {

    public DigestAuth {
        Objects.requireNonNull(realm, "realm");
        HeaderNames.value("realm", realm);
        if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("realm: \"" + realm + "\" may not hold '\"' or '\\'");
        }
        users = users == null ? Map.of() : new TreeMap<>(users);
        if (users.isEmpty()) {
            throw new IllegalArgumentException("users: empty (expected: at least one user)");
        }
        users.forEach((user, ha1) -> {
            if (user.isEmpty() || user.indexOf(':') >= 0 || user.indexOf('"') >= 0) {
                throw new IllegalArgumentException("users: \"" + user + "\" is not a user name");
            }
            if (ha1 == null || !ha1.matches("[0-9a-f]{32}")) {
                throw new IllegalArgumentException("users: the HA1 of \"" + user + "\" is not 32 hex digits");
            }
        });
    }
}
