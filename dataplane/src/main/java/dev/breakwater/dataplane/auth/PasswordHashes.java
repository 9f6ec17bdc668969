package dev.breakwater.dataplane.auth;

import dev.breakwater.routing.BasicAuth;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.apache.commons.codec.digest.Crypt;
import org.apache.commons.codec.digest.Md5Crypt;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Checks a password against a hash as {@code htpasswd} writes it: bcrypt (Spring Security's implementation), apr1
 * and crypt(3)'s {@code $1$}/{@code $5$}/{@code $6$} (Commons Codec's), SHA-1 (the JDK's). The comparison of the
 * computed and stored hashes takes the same time wherever they differ.
 */
final class PasswordHashes {

    private PasswordHashes() {
    }

    /** True when {@code password} is the one {@code hash} was made of; false for a hash in no known scheme. */
    static boolean matches(String hash, String password) {
        BasicAuth.HashScheme scheme = BasicAuth.scheme(hash);
        if (scheme == null) {
            return false;
        }
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            return switch (scheme) {
                case BCRYPT -> BCrypt.checkpw(pw, "$2a$" + hash.substring(4));
                case APR1 -> same(Md5Crypt.apr1Crypt(pw, hash), hash);
                case SHA1 -> same("{SHA}" + Base64.getEncoder().encodeToString(sha1(pw)), hash);
                case CRYPT -> same(Crypt.crypt(pw, hash), hash);
            };
        } catch (IllegalArgumentException e) {
            return false; // a hash that looked right but does not parse (a salt out of range): matches nothing
        }
    }

    /** True when checking {@code hash} costs enough (bcrypt) to be done off the event loop. */
    static boolean expensive(String hash) {
        return BasicAuth.scheme(hash) == BasicAuth.HashScheme.BCRYPT;
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha1(byte[] pw) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(pw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
