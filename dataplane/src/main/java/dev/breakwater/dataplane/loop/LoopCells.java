package dev.breakwater.dataplane.loop;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A few sums (or cursors) that many threads add to without a shared atomic per add: each recording thread (in practice the event
 * loops) owns a row of cells, made on its first add and written by it alone; a reader adds the rows up. This is how the
 * per-request meters keep to the rule that state is owned per event loop: a request on one core never writes a cache
 * line another core writes.
 *
 * <p>Each recording thread takes a row number when it first adds anywhere, and gives it back when it ends (for Netty's
 * threads, which clear their thread-locals on exit), so that the event loops of a process stay within the first rows
 * however many groups come and go. Up to {@value #OWN_ROWS} threads at once have a row of their own in every
 * instance; any more share one more row and add to it atomically.
 */
public final class LoopCells {

    public static final int OWN_ROWS = 255;
    private static final Object NUMBERS = new Object();
    /** Row numbers given back by ended threads, reused first. */
    private static final java.util.ArrayDeque<Integer> FREE = new java.util.ArrayDeque<>();
    private static int nextNumber;
    private static final FastThreadLocal<Integer> ROW = new FastThreadLocal<>() {
        @Override
        protected Integer initialValue() {
            synchronized (NUMBERS) {
                Integer free = FREE.pollFirst();
                if (free != null) {
                    return free;
                }
                return nextNumber < OWN_ROWS ? nextNumber++ : OWN_ROWS;
            }
        }

        @Override
        protected void onRemoval(Integer row) {
            if (row != OWN_ROWS) {
                synchronized (NUMBERS) { // the ended thread's last adds happen before the next owner's first
                    FREE.addFirst(row);
                }
            }
        }
    };
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final int width;
    /** By thread number; a row is null until its thread adds. Grown by copy, under this object's lock. */
    private volatile long[][] rows = new long[2][];

    /** @param width the number of sums */
    public LoopCells(int width) {
        this.width = width;
    }

    /** Adds {@code n} to sum {@code cell} (0 to width - 1) from the calling thread. */
    public void add(int cell, long n) {
        int r = ROW.get();
        long[] row = row(r);
        if (r == OWN_ROWS) {
            CELL.getAndAdd(row, cell, n); // the row shared by threads beyond the first ones
        } else {
            CELL.setOpaque(row, cell, row[cell] + n); // this thread's alone: no read-modify-write across cores
        }
    }

    /**
     * Adds 1 to cell {@code cell} of the calling thread's own row and returns what it was before: a counter of this
     * thread's alone (a round-robin cursor per event loop), shared only by threads beyond the owned rows.
     */
    public long next(int cell) {
        int r = ROW.get();
        long[] row = row(r);
        if (r == OWN_ROWS) {
            return (long) CELL.getAndAdd(row, cell, 1L);
        }
        long n = row[cell];
        CELL.setOpaque(row, cell, n + 1);
        return n;
    }

    /** Row {@code r} of this instance, made now if the calling thread (its owner) had none. */
    private long[] row(int r) {
        long[][] all = rows;
        long[] row = r < all.length ? all[r] : null;
        return row != null ? row : makeRow(r);
    }

    private synchronized long[] makeRow(int r) {
        long[][] all = rows;
        if (r >= all.length) {
            all = Arrays.copyOf(all, Math.max(r + 1, all.length * 2));
        } else if (all[r] != null) {
            return all[r];
        } else {
            all = all.clone(); // published whole, so that a reader never sees a half-made array
        }
        long[] row = new long[width];
        all[r] = row;
        rows = all;
        return row;
    }

    /** Sum {@code cell} over every row; concurrent adds may or may not be counted yet. */
    public long sum(int cell) {
        long s = 0;
        for (long[] row : rows) {
            if (row != null) {
                s += (long) CELL.getOpaque(row, cell);
            }
        }
        return s;
    }

    /** Rows made in this instance so far (for tests). */
    int rowsMade() {
        int n = 0;
        for (long[] row : rows) {
            if (row != null) {
                n++;
            }
        }
        return n;
    }

    /** Every sum, read once (a consistent enough view for a scrape). */
    public long[] sums() {
        long[] out = new long[width];
        for (long[] row : rows) {
            if (row != null) {
                for (int i = 0; i < width; i++) {
                    out[i] += (long) CELL.getOpaque(row, i);
                }
            }
        }
        return out;
    }
}
