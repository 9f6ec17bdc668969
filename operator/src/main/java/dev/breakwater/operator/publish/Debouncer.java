package dev.breakwater.operator.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task once things have been quiet for a while: each {@link #poke} pushes the run back to {@code quiet}
 * after it, but never further than {@code maxWait} after the first poke of a burst, so a steady stream of
 * changes still gets compiled regularly. Runs never overlap; a poke during a run starts a new burst that runs
 * after it. Nothing runs while the debouncer is {@link #disable() disabled} (before the caches synced, on a
 * replica that does not lead); pokes are kept and run once it is {@link #enable() enabled}.
 *
 * <p>Time and threads come from a {@link Scheduler} and a nanosecond ticker, so tests drive both.
 */
public final class Debouncer {

    private static final Logger LOG = LoggerFactory.getLogger(Debouncer.class);

    /** Runs tasks later, one at a time. */
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);

        /** A scheduler on {@code executor}, which must run one task at a time (a single thread). */
        static Scheduler of(ScheduledExecutorService executor) {
            return (task, delayNanos) -> executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private final long quietNanos;
    private final long maxWaitNanos;
    private final Runnable task;
    private final Scheduler scheduler;
    private final LongSupplier ticker;

    // guarded by this
    private boolean enabled;
    private boolean running;
    /** Time of the first poke not yet served, or -1. */
    private long firstPoke = -1;
    private long deadline;
    /** The timer that counts; older ones find another token and do nothing. */
    private long timerToken;
    private boolean timerArmed;
    private long timerDue;

    public Debouncer(Duration quiet, Duration maxWait, Runnable task, Scheduler scheduler, LongSupplier ticker) {
        if (quiet.isNegative() || maxWait.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("quiet: " + quiet + ", maxWait: " + maxWait
                    + " (expected: 0 <= quiet <= maxWait)");
        }
        this.quietNanos = quiet.toNanos();
        this.maxWaitNanos = maxWait.toNanos();
        this.task = Objects.requireNonNull(task, "task");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** Something changed: run the task after the quiet period (at the latest {@code maxWait} after the burst began). */
    public synchronized void poke() {
        poke(quietNanos);
    }

    /**
     * Something changed that needs only {@code quiet} without changes before the run (an endpoint change, cheap to
     * apply and worth serving soon). A poke never brings a planned run earlier: after a poke with a longer quiet
     * period the run waits for that one; {@code maxWait} still bounds the burst.
     */
    public synchronized void poke(Duration quiet) {
        if (quiet.isNegative()) {
            throw new IllegalArgumentException("quiet: " + quiet + " (expected: >= 0)");
        }
        poke(quiet.toNanos());
    }

    private void poke(long quiet) {
        long now = ticker.getAsLong();
        long due = now + quiet;
        if (firstPoke < 0) {
            firstPoke = now;
        } else {
            due = Math.max(due, deadline);
        }
        deadline = Math.min(due, firstPoke + maxWaitNanos);
        arm(now);
    }

    /** Run as soon as possible, without waiting for quiet (a new leader, a forced rebuild). */
    public synchronized void pokeNow() {
        long now = ticker.getAsLong();
        if (firstPoke < 0) {
            firstPoke = now;
        }
        deadline = now;
        arm(now);
    }

    /** Lets runs happen; pokes kept while disabled run after the quiet period of the last one. */
    public synchronized void enable() {
        enabled = true;
        arm(ticker.getAsLong());
    }

    /** Stops runs from starting (a run in progress finishes); pokes are kept. */
    public synchronized void disable() {
        enabled = false;
        timerArmed = false;
        timerToken++;
    }

    public synchronized boolean enabled() {
        return enabled;
    }

    /** True when a poke has not been served yet. */
    public synchronized boolean pending() {
        return firstPoke >= 0;
    }

    private void arm(long now) {
        if (!enabled || running || firstPoke < 0) {
            return;
        }
        if (timerArmed && timerDue <= deadline) {
            return; // the armed timer comes first and will look at the deadline again
        }
        long token = ++timerToken;
        timerArmed = true;
        timerDue = deadline;
        scheduler.schedule(() -> fire(token), Math.max(0, deadline - now));
    }

    private void fire(long token) {
        synchronized (this) {
            if (token != timerToken) {
                return;
            }
            timerArmed = false;
            if (!enabled || firstPoke < 0) {
                return;
            }
            long now = ticker.getAsLong();
            if (now < deadline) {
                arm(now);
                return;
            }
            firstPoke = -1;
            running = true;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("debounced task failed", e);
        } finally {
            synchronized (this) {
                running = false;
                arm(ticker.getAsLong());
            }
        }
    }
}
