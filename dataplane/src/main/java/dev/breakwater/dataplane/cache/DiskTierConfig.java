package dev.breakwater.dataplane.cache;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The response cache's optional disk tier: a directory of its own, bounded by bytes, that takes the responses
 * larger than a threshold (never held in memory) and those evicted from memory, and that a restarted data plane
 * reads again.
 *
 * @param directory      where entries are kept (created if missing); nothing else should write there
 * @param maxBytes       bytes the entry files may take together; the least recently used go first
 * @param thresholdBytes responses weighing more than this (body and headers) are stored on disk only
 */
public record DiskTierConfig(Path directory, long maxBytes, long thresholdBytes) {

    /** The bound where none is given: 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** The threshold where none is given: 1 MiB. */
    public static final long DEFAULT_THRESHOLD_BYTES = 1L << 20;

    public DiskTierConfig {
        Objects.requireNonNull(directory, "directory");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        if (thresholdBytes <= 0) {
            throw new IllegalArgumentException("thresholdBytes: " + thresholdBytes + " (expected: > 0)");
        }
    }

    public static DiskTierConfig in(Path directory) {
        return new DiskTierConfig(directory, DEFAULT_MAX_BYTES, DEFAULT_THRESHOLD_BYTES);
    }

    public DiskTierConfig withMaxBytes(long value) {
        return new DiskTierConfig(directory, value, thresholdBytes);
    }

    public DiskTierConfig withThresholdBytes(long value) {
        return new DiskTierConfig(directory, maxBytes, value);
    }
}
