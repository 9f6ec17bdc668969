package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A local rate limit: a token bucket per client key, kept by each data plane on its own. A bucket holds at most
 * {@code burst} tokens and starts full; it refills continuously at {@code requests} tokens per {@code perMillis};
 * each request takes one token, and a request that finds none is answered {@code 429 Too Many Requests} by the
 * proxy (with {@code Retry-After}), without reaching a backend. So a client may send {@code burst} requests at
 * once after being idle, and {@code requests} per {@code perMillis} on average.
 *
 * <p>Limits are per data-plane process: with N data planes behind a balancer, a client may get up to N times the
 * limit in all.
 *
 * @param requests  tokens added per {@code perMillis}: the sustained rate (1 to 10^9)
 * @param perMillis the period of that rate, in milliseconds (1 ms to 366 days)
 * @param burst     the bucket's capacity: requests a client may make at once (1 to 10^9)
 * @param key       what tells clients apart (null: {@link Key#SOURCE_IP})
 * @param exempt    client address ranges the limit does not apply to, as {@link Cidr}s (null or empty: none;
 *                  encoded as absent)
 * @param zone      routes with the same zone and the same limit share their buckets (one Ingress's paths, one
 *                  Route rule's matches and hosts); null: the route has buckets of its own
 * @param status    the status a request over the limit is answered with, 400 to 599 (null: 429); ingress-nginx's
 *                  {@code limit-req-status-code}
 */
public record RateLimit(long requests, long perMillis, long burst, Key key, List<String> exempt, String zone,
                        Integer status) {

    /** The largest {@code requests} and {@code burst}. */
    public static final long MAX_COUNT = 1_000_000_000L;
    /** The longest {@code perMillis}: 366 days. */
    public static final long MAX_PER_MILLIS = 366L * 24 * 3_600_000;

    public RateLimit {
        if (requests < 1 || requests > MAX_COUNT) {
            throw new IllegalArgumentException("requests: " + requests + " (expected: 1 to " + MAX_COUNT + ")");
        }
        if (perMillis < 1 || perMillis > MAX_PER_MILLIS) {
            throw new IllegalArgumentException("perMillis: " + perMillis + " (expected: 1 to " + MAX_PER_MILLIS + ")");
        }
        if (burst < 1 || burst > MAX_COUNT) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: 1 to " + MAX_COUNT + ")");
        }
        key = key == null ? Key.SOURCE_IP : key;
        if (exempt != null) {
            exempt = exempt.stream().map(String::trim).toList();
            exempt.forEach(Cidr::parse);
            if (exempt.isEmpty()) {
                exempt = null;
            }
        }
        if (zone != null && zone.isEmpty()) {
            zone = null;
        }
        if (status != null && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
        }
    }

    /** A limit answered with 429. */
    public RateLimit(long requests, long perMillis, long burst, Key key, List<String> exempt, String zone) {
        this(requests, perMillis, burst, key, exempt, zone, null);
    }

    /** A limit keyed by {@code key}, without exemptions, with buckets of the route's own. */
    public RateLimit(long requests, long perMillis, long burst, Key key) {
        this(requests, perMillis, burst, key, null, null);
    }

    /** This limit with other exempt ranges (null: none). */
    public RateLimit withExempt(List<String> newExempt) {
        return new RateLimit(requests, perMillis, burst, key, newExempt, zone, status);
    }

    /** This limit in another zone (null: the route's own). */
    public RateLimit withZone(String newZone) {
        return new RateLimit(requests, perMillis, burst, key, exempt, newZone, status);
    }

    /** This limit answered with another status (null: 429). */
    public RateLimit withStatus(Integer newStatus) {
        return new RateLimit(requests, perMillis, burst, key, exempt, zone, newStatus);
    }

    /** The status a request over the limit gets. */
    @JsonIgnore
    public int statusOrDefault() {
        return status == null ? 429 : status;
    }

    /** The exempt ranges, parsed (empty for none). */
    @JsonIgnore
    public List<Cidr> exemptRanges() {
        return exempt == null ? List.of() : exempt.stream().map(Cidr::parse).toList();
    }

    /**
     * What tells one client from another.
     *
     * @param type   where the key comes from
     * @param header for {@link Type#HEADER}: the header's name, lower case; null otherwise
     */
    public record Key(Type type, String header) {

        /** The client's address (the default). */
        public static final Key SOURCE_IP = new Key(Type.SOURCE_IP, null);
        /** No key: one bucket for the whole route (or zone), shared by every client. */
        public static final Key ROUTE = new Key(Type.ROUTE, null);

        /** Where a key comes from. */
        public enum Type {
            /**
             * The client's address: the connection's peer, or behind a trusted balancer the last address of
             * {@code X-Forwarded-For} (as for {@link SourceAllowlist}).
             */
            SOURCE_IP,
            /**
             * The value of a request header (its first, when repeated); a request without it is keyed by its
             * address, apart from the header values.
             */
            HEADER,
            /** None: every request of the route (or zone) takes from one bucket. */
            ROUTE
        }

        public Key {
            Objects.requireNonNull(type, "type");
            if (type == Type.HEADER) {
                if (header == null || header.isEmpty() || !header.chars().allMatch(HeaderNames::tchar)) {
                    throw new IllegalArgumentException("header: '" + header + "' (expected: a header name token)");
                }
                header = header.toLowerCase(Locale.ROOT);
            } else if (header != null) {
                throw new IllegalArgumentException("header: '" + header + "' (expected: none for " + type + ")");
            }
        }

        /** The value of {@code name} (a header name). */
        public static Key header(String name) {
            return new Key(Type.HEADER, name);
        }
    }
}
