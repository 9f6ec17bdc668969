package dev.breakwater.dataplane.l4;

import dev.breakwater.dataplane.loop.LoopCells;

/**
 * A count kept per event loop and summed when it is read (a scrape), on {@link LoopCells}: each loop adds to cells of
 * its own, with no atomic operation shared between loops. A connection or session stays on one loop, so what it adds
 * and takes away meets in the same cells. Every update names the loop it runs on, which must be the calling thread's.
 */
final class LoopCount {

    private final LoopCells cells = new LoopCells(1);

    /** Adds {@code n} (which may be negative, for a gauge) on {@code on}'s loop; runs on that loop only. */
    void add(L4LoopState on, long n) {
        assert on.loop().inEventLoop() : "LoopCount.add off its event loop";
        cells.add(0, n);
    }

    /** The sum over every loop. */
    long sum() {
        return cells.sum(0);
    }
}
