package dev.breakwater.dataplane.auth;

import dev.breakwater.dataplane.filter.LocalAnswer;
import dev.breakwater.routing.DigestAuth;
import dev.breakwater.dataplane.metrics.AuthCount;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A route's HTTP Digest authentication (RFC 7616 with MD5 and {@code qop=auth}, what nginx's auth_digest module
 * speaks and curl, browsers and most clients answer). Nonces are made without state: the time they were issued and
 * an HMAC of it under a key derived from the route's users, so every data-plane pod serving the same table accepts
 * the nonces of the others, and no client can make one. A nonce older than {@link #NONCE_LIFETIME_MILLIS} gets a
 * new challenge with {@code stale=true} (the client retries without asking its user). Nonce counts are not
 * tracked: within a nonce's lifetime a recorded request can be replayed, which HTTPS prevents.
 */
final class DigestAuthCheck {

    /** How long a nonce is accepted. */
    static final long NONCE_LIFETIME_MILLIS = 300_000;

    private final String realm;
    private final Map<String, String> users;
    private final byte[] key;
    private final LongSupplier clock;
    private final AuthCount allowed;
    private final AuthCount denied;

    DigestAuthCheck(DigestAuth auth, LongSupplier clock, AuthCount allowed, AuthCount denied) {
        this.realm = auth.realm();
        this.users = Map.copyOf(auth.users());
        this.clock = clock;
        this.allowed = allowed;
        this.denied = denied;
        MessageDigest sha = sha256();
        sha.update(("breakwater digest nonce\0" + realm).getBytes(StandardCharsets.UTF_8));
        auth.users().forEach((u, ha1) -> sha.update(("\0" + u + ":" + ha1).getBytes(StandardCharsets.UTF_8)));
        this.key = sha.digest();
    }

    /** The verdict on a request with {@code method} and {@code target} (as sent) and these headers. */
    AuthVerdict check(HttpHeaders headers, String method, String target) {
        Map<String, String> p = params(headers.get(HttpHeaderNames.AUTHORIZATION));
        if (p == null) {
            return deny(false);
        }
        String user = p.get("username");
        String nonce = p.get("nonce");
        String ha1 = user == null ? null : users.get(user);
        if (ha1 == null || !realm.equals(p.get("realm")) || !target.equals(p.get("uri"))
                || !"auth".equals(p.get("qop")) || p.get("nc") == null || p.get("cnonce") == null
                || p.get("response") == null || nonce == null
                || p.containsKey("algorithm") && !p.get("algorithm").equalsIgnoreCase("MD5")) {
            return deny(false);
        }
        long issued = issued(nonce);
        if (issued < 0) {
            return deny(false);
        }
        String ha2 = md5(method + ":" + p.get("uri"));
        String expected = md5(ha1 + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                p.get("response").toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return deny(false);
        }
        if (clock.getAsLong() - issued > NONCE_LIFETIME_MILLIS) {
            return deny(true); // the right password on an old nonce: a new one, and the client asks nobody
        }
        allowed.increment();
        return AuthVerdict.ALLOW;
    }

    private AuthVerdict deny(boolean stale) {
        denied.increment();
        String challenge = "Digest realm=\"" + realm + "\", qop=\"auth\", algorithm=MD5, nonce=\""
                + nonce(clock.getAsLong()) + "\"" + (stale ? ", stale=true" : "");
        return AuthVerdict.deny(new LocalAnswer(HttpResponseStatus.UNAUTHORIZED, "authentication required",
                new DefaultHttpHeaders().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge)));
    }

    /** A nonce issued at {@code millis}: its time and an HMAC of it, in hex. */
    String nonce(long millis) {
        String time = Long.toHexString(millis);
        return time + "." + HexFormat.of().formatHex(hmac(time), 0, 16);
    }

    /** When {@code nonce} was issued, or -1 when this route did not issue it. */
    private long issued(String nonce) {
        int dot = nonce.indexOf('.');
        if (dot <= 0 || dot > 16) {
            return -1;
        }
        String time = nonce.substring(0, dot);
        String mac = HexFormat.of().formatHex(hmac(time), 0, 16);
        if (!MessageDigest.isEqual(mac.getBytes(StandardCharsets.US_ASCII),
                nonce.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return -1;
        }
        try {
            return Long.parseLong(time, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The parameters of an {@code Authorization: Digest} value, names in lower case; null when it is not one. */
    static Map<String, String> params(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Digest ", 0, 7)) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        String s = authorization;
        int i = 7;
        while (i < s.length()) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == ',' || s.charAt(i) == '\t')) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = s.substring(i, eq).trim().toLowerCase(java.util.Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < s.length()) {
                        c = s.charAt(i++);
                    }
                    value.append(c);
                }
                if (i >= s.length()) {
                    return null; // an unclosed quote
                }
                i++;
            } else {
                while (i < s.length() && s.charAt(i) != ',') {
                    value.append(s.charAt(i++));
                }
            }
            if (out.put(name, value.toString().trim()) != null) {
                return null; // a parameter given twice
            }
        }
        return out;
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
