package dev.breakwater.dataplane.upstream;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timer of the upstream calls of one client connection (or HTTP/2 stream). Kept armed while calls keep coming
 * and never cancelled for a later deadline: when it fires it asks the call in progress to check its own deadlines,
 * and that call arms it again for the time left, so a call costs no timer operation in the common case. Confined to
 * the connection's event loop.
 */
public final class CallTimer {

    private final EventExecutor executor;
    private ScheduledFuture<?> timer;
    private long dueNanos;
    private UpstreamCall call;

    public CallTimer(EventExecutor executor) {
        this.executor = executor;
    }

    /** Makes sure {@code c} is asked to check its deadlines by {@code due} ({@link System#nanoTime()} time). */
    void arm(UpstreamCall c, long due) {
        call = c;
        if (timer == null || due - dueNanos < 0) {
            if (timer != null) {
                timer.cancel(false);
            }
            dueNanos = due;
            timer = executor.schedule(this::fire, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** {@code c} is over: the timer no longer asks it anything. */
    void release(UpstreamCall c) {
        if (call == c) {
            call = null;
        }
    }

    private void fire() {
        timer = null;
        UpstreamCall c = call;
        if (c != null) {
            c.checkTimeout();
        }
    }

    /** The connection closed. */
    public void stop() {
        call = null;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }
}
