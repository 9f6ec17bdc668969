package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.BasicAuth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The users of Basic authentication, read from a Secret as ingress-nginx reads it: htpasswd lines
 * ({@code user:hash}) in its key {@code auth}, or ({@code auth-map}) one key per user whose value is the hash. A
 * user whose hash is in no scheme the data plane checks is left out with a warning; no user left is an error.
 */
final class PasswordSecret {

    static final String AUTH_KEY = "auth";

    private PasswordSecret() {
    }

    /**
     * The users of Secret {@code ref}'s data.
     *
     * @param data     the Secret's keys, decoded
     * @param map      one key per user ({@code auth-map}), else htpasswd lines in {@code auth}
     * @param warnings where a user left out is reported (with {@code object} and {@code field})
     * @throws IllegalArgumentException with the reason, when no user can be used
     */
    static Map<String, String> users(String ref, Map<String, String> data, boolean map, String object, String field,
                                     List<Diagnostic> warnings) {
        Map<String, String> users = new TreeMap<>();
        if (map) {
            data.forEach((user, hash) -> add(users, user, hash.trim(), ref + " key \"" + user + "\"", object, field,
                    warnings));
        } else {
            String text = data.get(AUTH_KEY);
            if (text == null) {
                throw new IllegalArgumentException("Secret " + ref + " has no key \"auth\" (htpasswd lines; with "
                        + "auth-secret-type: auth-map, one key per user)");
            }
            String[] lines = text.split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String where = ref + " auth line " + (i + 1);
                if (colon <= 0) {
                    warnings.add(Diagnostic.warning(object, field, where + " is not user:hash; it is left out"));
                    continue;
                }
                add(users, line.substring(0, colon), line.substring(colon + 1), where, object, field, warnings);
            }
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("Secret " + ref + " has no user with a usable password hash");
        }
        return users;
    }

    /**
     * The users of Digest authentication in Secret {@code ref}'s key {@code auth}: htdigest lines
     * ({@code user:realm:HA1}); lines of another realm are left out with a warning.
     *
     * @throws IllegalArgumentException with the reason, when no user can be used
     */
    static Map<String, String> digestUsers(String ref, Map<String, String> data, String realm, String object,
                                           String field, List<Diagnostic> warnings) {
        String text = data.get(AUTH_KEY);
        if (text == null) {
            throw new IllegalArgumentException("Secret " + ref + " has no key \"auth\" (htdigest lines)");
        }
        Map<String, String> users = new TreeMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = ref + " auth line " + (i + 1);
            String[] parts = line.split(":", -1);
            if (parts.length != 3 || parts[0].isEmpty() || !parts[2].toLowerCase(java.util.Locale.ROOT)
                    .matches("[0-9a-f]{32}")) {
                warnings.add(Diagnostic.warning(object, field, where + " is not user:realm:HA1 (as htdigest writes "
                        + "it); it is left out"));
            } else if (!parts[1].equals(realm)) {
                warnings.add(Diagnostic.warning(object, field, where + " (user \"" + parts[0] + "\") is for realm \""
                        + parts[1] + "\", not \"" + realm + "\" (auth-realm); the user is left out"));
            } else if (users.putIfAbsent(parts[0], parts[2].toLowerCase(java.util.Locale.ROOT)) != null) {
                warnings.add(Diagnostic.warning(object, field, where + ": user \"" + parts[0] + "\" is listed "
                        + "again; the first line is used"));
            }
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("Secret " + ref + " has no user of realm \"" + realm + "\"");
        }
        return users;
    }

    private static void add(Map<String, String> users, String user, String hash, String where, String object,
                            String field, List<Diagnostic> warnings) {
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            warnings.add(Diagnostic.warning(object, field, where + ": \"" + user + "\" is not a user name; left out"));
        } else if (BasicAuth.scheme(hash) == null) {
            warnings.add(Diagnostic.warning(object, field, where + " (user \"" + user + "\"): the hash is in no "
                    + "scheme Breakwater checks (bcrypt $2y$, apr1 $apr1$, {SHA}, crypt $1$/$5$/$6$; not DES crypt "
                    + "nor plain text); the user is left out"));
        } else if (users.putIfAbsent(user, hash) != null) {
            warnings.add(Diagnostic.warning(object, field, where + ": user \"" + user + "\" is listed again; the "
                    + "first line is used"));
        }
    }
}
