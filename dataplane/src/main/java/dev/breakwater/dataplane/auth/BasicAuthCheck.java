package dev.breakwater.dataplane.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.breakwater.dataplane.filter.LocalAnswer;
import dev.breakwater.routing.BasicAuth;
import dev.breakwater.dataplane.metrics.AuthCount;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A route's HTTP Basic authentication (RFC 7617): the {@code Authorization: Basic} credentials of a request checked
 * against the route's users; 401 with {@code WWW-Authenticate} otherwise. Built once per table and shared by every
 * event loop.
 *
 * <p>bcrypt is slow on purpose (milliseconds to a quarter of a second a check), so bcrypt hashes are checked on
 * {@link #HASHING_THREADS} threads of their own, never on an event loop; at most {@link #MAX_QUEUED_CHECKS} checks
 * wait, beyond which a request gets 503. Credentials that matched are remembered (a keyed SHA-256 of them, never the
 * password) for the {@link #MAX_REMEMBERED} most recent ones, so a client that sends the same credentials again costs
 * a digest, not a bcrypt.
 */
final class BasicAuthCheck {

    /** Threads that check bcrypt hashes, shared by every route. */
    static final int HASHING_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** Checks waiting for a hashing thread, beyond which a request gets 503. */
    static final int MAX_QUEUED_CHECKS = 1024;
    /** Credentials remembered as matching, per route. */
    static final int MAX_REMEMBERED = 1024;

    private static final ExecutorService HASHING = hashingThreads();
    private static final byte[] KEY = randomKey();

    private final Map<String, String> users;
    private final LocalAnswer challenge;
    private final Cache<String, Boolean> matched = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(MAX_REMEMBERED).build();
    private final AuthCount allowed;
    private final AuthCount denied;
    private final AuthCount busy;

    BasicAuthCheck(BasicAuth auth, AuthCount allowed, AuthCount denied, AuthCount busy) {
        this.users = Map.copyOf(auth.users());
        this.challenge = new LocalAnswer(HttpResponseStatus.UNAUTHORIZED, "authentication required",
                new DefaultHttpHeaders().set(HttpHeaderNames.WWW_AUTHENTICATE,
                        "Basic realm=\"" + auth.realm() + "\""));
        this.allowed = allowed;
        this.denied = denied;
        this.busy = busy;
    }

    /** Decides {@code headers}'s credentials; {@code done} is called on {@code loop}, now or after a bcrypt. */
    void check(HttpHeaders headers, EventLoop loop, Consumer<AuthVerdict> done) {
        String[] credentials = credentials(headers.get(HttpHeaderNames.AUTHORIZATION));
        String hash = credentials == null ? null : users.get(credentials[0]);
        if (hash == null) {
            denied.increment();
            done.accept(AuthVerdict.deny(challenge));
            return;
        }
        String remembered = rememberKey(credentials[0], credentials[1], hash);
        if (matched.getIfPresent(remembered) != null) {
            allowed.increment();
            done.accept(AuthVerdict.ALLOW);
            return;
        }
        if (!PasswordHashes.expensive(hash)) {
            done.accept(decide(PasswordHashes.matches(hash, credentials[1]), remembered));
            return;
        }
        try {
            HASHING.execute(() -> {
                boolean ok = PasswordHashes.matches(hash, credentials[1]);
                loop.execute(() -> done.accept(decide(ok, remembered)));
            });
        } catch (RejectedExecutionException e) {
            busy.increment();
            done.accept(AuthVerdict.deny(new LocalAnswer(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many password checks in progress", null)));
        }
    }

    private AuthVerdict decide(boolean ok, String remembered) {
        if (!ok) {
            denied.increment();
            return AuthVerdict.deny(challenge);
        }
        matched.put(remembered, Boolean.TRUE);
        allowed.increment();
        return AuthVerdict.ALLOW;
    }

    /** User and password of an {@code Authorization: Basic} value, or null when it is not one. */
    static String[] credentials(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    /** A keyed digest of the credentials and the hash they matched (a changed hash never matches a memory). */
    private static String rememberKey(String user, String password, String hash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(KEY);
            sha.update((user + '\0' + password + '\0' + hash).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static ExecutorService hashingThreads() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(HASHING_THREADS, HASHING_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_CHECKS), r -> {
                    Thread t = new Thread(r, "breakwater-password-check");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
