package dev.breakwater.dataplane.accesslog;

import java.util.Locale;

/**
 * How the data plane writes its access log: in which format (or not at all), which share of the requests, and how
 * many lines may wait for the writer before new ones are dropped.
 *
 * @param format     the format of a line, or {@link Format#OFF}
 * @param sample     the share of requests logged, from 0 (none) to 1 (every one), drawn at random per request
 * @param queueLines lines waiting for the writer at most; beyond, a line is dropped and counted
 * @param flushMillis the longest a line waits before the writer formats and writes it (the writer wakes this often,
 *                   and sooner when a quarter of the queue is taken)
 */
public record AccessLogConfig(Format format, double sample, int queueLines, long flushMillis) {

    /** JSON, every request, 16384 lines queued at most, written within 100 ms. */
    public static final AccessLogConfig DEFAULTS = new AccessLogConfig(Format.JSON, 1.0, 16384, 100);

    /** No access log. */
    public static final AccessLogConfig OFF = DEFAULTS.withFormat(Format.OFF);

    /** The format of a line. */
    public enum Format {
        /** One JSON object per line, every field always present (null when unknown). */
        JSON,
        /** nginx's {@code combined} format, then the request length, duration, route, upstream and request id. */
        TEXT,
        /** No access log. */
        OFF;

        /** The format named {@code value} (json, text, off), or an error naming {@code option}. */
        public static Format parse(String option, String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": '" + value + "' (expected: json, text or off)");
            }
        }
    }

    public AccessLogConfig {
        if (format == null) {
            throw new IllegalArgumentException("access log format: null (expected: json, text or off)");
        }
        if (!(sample >= 0 && sample <= 1)) {
            throw new IllegalArgumentException("access log sample: " + sample + " (expected: from 0 to 1)");
        }
        if (queueLines < 1) {
            throw new IllegalArgumentException("access log queue: " + queueLines + " (expected: >= 1)");
        }
        if (flushMillis < 1) {
            throw new IllegalArgumentException("access log flush interval: " + flushMillis + "ms (expected: >= 1ms)");
        }
    }

    public AccessLogConfig withFormat(Format value) {
        return new AccessLogConfig(value, sample, queueLines, flushMillis);
    }

    public AccessLogConfig withSample(double value) {
        return new AccessLogConfig(format, value, queueLines, flushMillis);
    }

    public AccessLogConfig withQueueLines(int value) {
        return new AccessLogConfig(format, sample, value, flushMillis);
    }

    public AccessLogConfig withFlushMillis(long value) {
        return new AccessLogConfig(format, sample, queueLines, value);
    }
}
