package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.config.RouteLimits;

/**
 * The deadlines of an upstream call, by what it waits for: while parts of the request body wait for the endpoint to
 * take them, the send timeout (nginx arms {@code proxy_read_timeout} only once the request is sent); then, silence
 * from the endpoint: the per-try timeout before the response head, the response timeout once it began.
 */
final class Deadlines {

    /** What a check found. */
    enum Expired {
        /** Nothing: wait on until {@link #due}. */
        NONE,
        /** The endpoint took no part of the request body in time. */
        SEND,
        /** The endpoint was silent past the per-try timeout (shorter than the response timeout): worth a retry. */
        PER_TRY,
        /** The endpoint was silent past the response timeout. */
        RESPONSE
    }

    private final RouteLimits limits;
    private long lastActivityNanos;

    Deadlines(RouteLimits limits) {
        this.limits = limits;
    }

    /** The endpoint was heard from, or took part of the request. */
    void activity(long nowNanos) {
        lastActivityNanos = nowNanos;
    }

    /** When the call is next to be checked ({@link System#nanoTime()} time). */
    long due(RequestSender sender, boolean responseStarted) {
        return sender.unsent() > 0 ? sender.sinceNanos() + limits.sendTimeoutNanos()
                : lastActivityNanos + silenceLimit(responseStarted);
    }

    Expired check(long nowNanos, RequestSender sender, boolean responseStarted) {
        if (sender.unsent() > 0) {
            return nowNanos - sender.sinceNanos() < limits.sendTimeoutNanos() ? Expired.NONE : Expired.SEND;
        }
        long limit = silenceLimit(responseStarted);
        if (nowNanos - lastActivityNanos < limit) {
            return Expired.NONE;
        }
        return !responseStarted && limit < limits.responseTimeoutNanos() ? Expired.PER_TRY : Expired.RESPONSE;
    }

    private long silenceLimit(boolean responseStarted) {
        return responseStarted ? limits.responseTimeoutNanos() : limits.perTryTimeoutNanos();
    }
}
