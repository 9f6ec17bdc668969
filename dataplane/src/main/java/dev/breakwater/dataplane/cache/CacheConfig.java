package dev.breakwater.dataplane.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The data plane's response cache limits and defaults; routes turn the cache on and may override the
 * per-object settings.
 *
 * @param maxBytes       bytes all stored responses may take together (bodies and headers); 0 turns the cache off
 * @param defaultTtl     freshness of a storable response without explicit freshness, where the route does not
 *                       say; zero means such responses are not stored
 * @param maxObjectBytes largest body stored, where the route does not say
 * @param lockTimeout    longest wait of a request for another request fetching the same key, before it goes to
 *                       the origin itself
 * @param clock          the wall clock for ages and freshness
 * @param disk           the disk tier, or null for none (the default)
 */
public record CacheConfig(long maxBytes, Duration defaultTtl, long maxObjectBytes, Duration lockTimeout, Clock clock,
                          DiskTierConfig disk) {

    public static final CacheConfig DEFAULTS = new CacheConfig(256L << 20, Duration.ZERO, 8L << 20,
            Duration.ofSeconds(5), Clock.systemUTC(), null);

    public CacheConfig {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
        }
        Objects.requireNonNull(defaultTtl, "defaultTtl");
        if (defaultTtl.isNegative()) {
            throw new IllegalArgumentException("defaultTtl: " + defaultTtl + " (expected: >= 0)");
        }
        if (maxObjectBytes <= 0) {
            throw new IllegalArgumentException("maxObjectBytes: " + maxObjectBytes + " (expected: > 0)");
        }
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException("lockTimeout: " + lockTimeout + " (expected: >= 0)");
        }
        Objects.requireNonNull(clock, "clock");
    }

    public CacheConfig withMaxBytes(long value) {
        return new CacheConfig(value, defaultTtl, maxObjectBytes, lockTimeout, clock, disk);
    }

    public CacheConfig withDefaultTtl(Duration value) {
        return new CacheConfig(maxBytes, value, maxObjectBytes, lockTimeout, clock, disk);
    }

    public CacheConfig withMaxObjectBytes(long value) {
        return new CacheConfig(maxBytes, defaultTtl, value, lockTimeout, clock, disk);
    }

    public CacheConfig withLockTimeout(Duration value) {
        return new CacheConfig(maxBytes, defaultTtl, maxObjectBytes, value, clock, disk);
    }

    public CacheConfig withDisk(DiskTierConfig value) {
        return new CacheConfig(maxBytes, defaultTtl, maxObjectBytes, lockTimeout, clock, value);
    }

    public CacheConfig withClock(Clock value) {
        return new CacheConfig(maxBytes, defaultTtl, maxObjectBytes, lockTimeout, value, disk);
    }
}
