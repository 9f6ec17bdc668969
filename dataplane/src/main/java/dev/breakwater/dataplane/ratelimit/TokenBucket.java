package dev.breakwater.dataplane.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One client's token bucket, held as a single {@code long}: the "theoretical arrival time" of the generic cell rate
 * algorithm (GCRA), which is a token bucket refilled continuously. With one token every {@code interval}
 * nanoseconds and room for {@code burst} tokens ({@code tolerance = burst * interval}), the bucket at time
 * {@code now} holds {@code burst - max(0, tat - now) / interval} tokens; taking one moves {@code tat} one interval
 * ahead. A full bucket is any {@code tat <= now}, so a new bucket starts full and an idle one needs no refill step.
 *
 * <p>Taking a token is one compare-and-set on that long, retried on contention: no lock, no allocation, so the
 * event loops share buckets without ever waiting for each other. A refused request changes nothing.
 */
final class TokenBucket {

    private static final VarHandle TAT;

    static {
        try {
            TAT = MethodHandles.lookup().findVarHandle(TokenBucket.class, "tat", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through TAT
    private volatile long tat;

    /** A full bucket at time {@code now} (nanoseconds on the limiter's clock). */
    TokenBucket(long now) {
        this.tat = now;
    }

    /**
     * Takes a token at time {@code now}, if there is one.
     *
     * @param interval  nanoseconds per token (at least 1)
     * @param tolerance {@code burst * interval}: how far ahead of {@code now} the bucket may run
     * @return 0 when a token was taken; else the nanoseconds until one will be there (nothing is taken)
     */
    long take(long now, long interval, long tolerance) {
        for (;;) {
            long t = (long) TAT.getVolatile(this);
            long base = t - now > 0 ? t : now;
            long next = base + interval;
            long wait = next - now - tolerance;
            if (wait > 0) {
                return wait;
            }
            if (TAT.compareAndSet(this, t, next)) {
                return 0;
            }
        }
    }
}
