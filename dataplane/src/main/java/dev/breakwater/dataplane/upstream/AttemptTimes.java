package dev.breakwater.dataplane.upstream;

/**
 * What the access log says of a call's attempts: how many were sent, and the connect and response-head times and
 * status of the last one. Written by its {@link UpstreamCall} on its event loop.
 */
public final class AttemptTimes {

    private int attempts;
    private long startNanos;
    private long connectStartNanos = -1;
    private long connectNanos = -1;
    private long headNanos = -1;
    private int status;

    void attemptStarted(long nowNanos) {
        attempts++;
        startNanos = nowNanos;
        connectStartNanos = -1;
        connectNanos = 0; // a pooled connection; a new one sets it when connected
        headNanos = -1;
        status = 0;
    }

    void connectStarted(long nowNanos) {
        connectStartNanos = nowNanos;
        connectNanos = -1;
    }

    void connected(long nowNanos) {
        if (connectStartNanos >= 0) {
            connectNanos = nowNanos - connectStartNanos;
        }
    }

    void head(int code, long nowNanos) {
        status = code;
        headNanos = nowNanos - startNanos;
    }

    /** Attempts sent to endpoints (1 + retries and resends), 0 when none was. */
    public int attempts() {
        return attempts;
    }

    /** When the last attempt started ({@link System#nanoTime()}), 0 before the first. */
    public long lastStartNanos() {
        return startNanos;
    }

    /** Time to connect for the last attempt (0 on a pooled connection), -1 when it never connected. */
    public long connectNanos() {
        return attempts == 0 ? -1 : connectNanos;
    }

    /** From the start of the last attempt to its response head, -1 when none came. */
    public long headNanos() {
        return headNanos;
    }

    /** The status of the last attempt's answer, 0 for none. */
    public int status() {
        return status;
    }
}
