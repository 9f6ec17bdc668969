package dev.breakwater.dataplane.upstream;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The timer of the upstream calls of one client connection: the one call in progress of an HTTP/1.1 connection, or
 * the calls of all the streams of an HTTP/2 connection, side by side. One scheduled task serves them all and is kept
 * armed while calls keep coming, never cancelled for a later deadline: when it fires it asks each call armed to check
 * its own deadlines, and a call still waiting arms it again for the time it has left. So a call costs no timer
 * operation in the common case (an HTTP/2 stream no task of its own either), only its place in the set of calls
 * armed. Confined to the connection's event loop.
 */
public final class CallTimer {

    private final EventExecutor executor;
    private final Runnable fire = this::fire;
    private ScheduledFuture<?> timer;
    private long dueNanos;
    /** The calls armed and not released, each at its {@link UpstreamCall#timerSlot}. */
    private UpstreamCall[] calls = new UpstreamCall[2];
    private int size;

    public CallTimer(EventExecutor executor) {
        this.executor = executor;
    }

    /** Makes sure {@code c} is asked to check its deadlines by {@code due} ({@link System#nanoTime()} time). */
    void arm(UpstreamCall c, long due) {
        if (c.timerSlot < 0) {
            if (size == calls.length) {
                calls = Arrays.copyOf(calls, size * 2);
            }
            c.timerSlot = size;
            calls[size++] = c;
        }
        if (timer == null || due - dueNanos < 0) {
            if (timer != null) {
                timer.cancel(false);
            }
            dueNanos = due;
            timer = executor.schedule(fire, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** {@code c} is over: the timer no longer asks it anything. */
    void release(UpstreamCall c) {
        int slot = c.timerSlot;
        if (slot < 0 || slot >= size || calls[slot] != c) {
            return;
        }
        c.timerSlot = -1;
        UpstreamCall moved = calls[--size];
        calls[size] = null;
        if (moved != c) {
            calls[slot] = moved;
            moved.timerSlot = slot;
        }
    }

    private void fire() {
        timer = null;
        // each call armed is asked once; those still waiting arm the timer again (and take a place again)
        int n = size;
        UpstreamCall[] armed = Arrays.copyOf(calls, n);
        for (int i = 0; i < n; i++) {
            armed[i].timerSlot = -1;
            calls[i] = null;
        }
        size = 0;
        for (UpstreamCall c : armed) {
            c.checkTimeout();
        }
    }

    /** The connection closed: no call is asked anything any more. */
    public void stop() {
        for (int i = 0; i < size; i++) {
            calls[i].timerSlot = -1;
            calls[i] = null;
        }
        size = 0;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }
}
