package dev.breakwater.dataplane.ratelimit;

import dev.breakwater.routing.RateLimit;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The buckets of one limit (one zone, or one route, with one rate, burst and key): a bucket per client key in the
 * data plane's shared bounded store ({@link RateLimiters}), or a single bucket when the key is the whole route.
 * Shared by every event loop and kept across table swaps while the limit does not change.
 */
public final class RateLimiter {

    /** Header values longer than this are keyed by their SHA-256, so a key costs the same whatever clients send. */
    static final int MAX_KEY_CHARS = 64;
    /** The most {@code tolerance} may be, so that {@code tat + interval} never overflows. */
    private static final long MAX_TOLERANCE = Long.MAX_VALUE / 4;

    private final RateLimiters owner;
    private final String header;
    private final long interval;
    private final long tolerance;
    private final TokenBucket shared;

    RateLimiter(RateLimiters owner, long requests, long perMillis, long burst, RateLimit.Key key) {
        this.owner = owner;
        this.header = key.type() == RateLimit.Key.Type.HEADER ? key.header() : null;
        long perNanos = perMillis * 1_000_000L; // at most 366 days: fits
        this.interval = Math.max(1, (perNanos + requests / 2) / requests);
        this.tolerance = burst > MAX_TOLERANCE / interval ? MAX_TOLERANCE : burst * interval;
        this.shared = key.type() == RateLimit.Key.Type.ROUTE ? new TokenBucket(owner.now()) : null;
    }

    /**
     * Takes a token for the request's client.
     *
     * @param headers the request's headers (for a header key)
     * @param address the client's address (the connection's, or the trusted X-Forwarded-For one)
     * @return 0 when the request may pass; else the nanoseconds until this client has a token again
     */
    public long acquire(HttpHeaders headers, String address) {
        long now = owner.now();
        if (shared != null) {
            return shared.take(now, interval, tolerance);
        }
        BucketKey k;
        String value = header == null ? null : headers.get(header);
        if (value != null && !value.isEmpty()) {
            k = new BucketKey(this, true, value.length() > MAX_KEY_CHARS ? digest(value) : value);
        } else {
            k = new BucketKey(this, false, address);
        }
        return owner.bucket(k, now).take(now, interval, tolerance);
    }

    /** The nanoseconds a bucket of this limit takes to fill from empty: after that long unused it is full again. */
    long fillNanos() {
        return tolerance;
    }

    /** Whole seconds to wait for {@code nanos}, rounded up, at least 1: the {@code Retry-After} value. */
    public static long retryAfterSeconds(long nanos) {
        return Math.max(1, nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1));
    }

    private static String digest(String value) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * A key of the shared store: this limiter, and a header value or a client address (kept apart, so that a header
     * value cannot take an address's bucket).
     */
    record BucketKey(RateLimiter limiter, boolean fromHeader, String value) {
    }
}
