package dev.breakwater.dataplane.l4;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count kept per event loop and summed when it is read (a scrape): each loop adds to a slot of its own, with no
 * atomic operation shared between loops; a reader on any thread sees each slot's latest value in time, never a torn
 * one. A connection or session stays on one loop, so what it adds and takes away meets in the same slot.
 */
final class LoopCount {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    // slots 64 bytes apart, so that no two loops write to the same cache line
    private static final int SPACING = 8;

    private final long[] slots;

    /** @param loops the number of event loops (their {@link L4LoopState#slot()}s are 0 to loops - 1) */
    LoopCount(int loops) {
        slots = new long[loops * SPACING];
    }

    /** Adds {@code n} (which may be negative, for a gauge) to the slot of {@code on}; runs on that loop only. */
    void add(L4LoopState on, long n) {
        assert on.loop().inEventLoop() : "LoopCount.add off its event loop";
        int i = on.slot() * SPACING;
        SLOTS.setOpaque(slots, i, slots[i] + n);
    }

    /** The sum over every loop. */
    long sum() {
        long sum = 0;
        for (int i = 0; i < slots.length; i += SPACING) {
            sum += (long) SLOTS.getOpaque(slots, i);
        }
        return sum;
    }
}
