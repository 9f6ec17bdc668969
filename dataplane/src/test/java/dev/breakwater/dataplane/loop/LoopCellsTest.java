package dev.breakwater.dataplane.loop;


import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-thread cells: exact sums under concurrent adds; per-thread cursors; row numbers of ended threads reused. */
class LoopCellsTest {

    @Test
    void concurrentAddsFromManyThreadsSumExactly() throws Exception {
        LoopCells cells = new LoopCells(2);
        int threads = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new FastThreadLocalThread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    cells.add(0, 1);
                    cells.add(1, 3);
                }
            });
            th.start();
            all.add(th);
        }
        start.countDown();
        for (Thread th : all) {
            th.join();
        }
        assertThat(cells.sum(0)).isEqualTo(threads * 10_000L);
        assertThat(cells.sums()).containsExactly(threads * 10_000L, threads * 30_000L);
    }

    @Test
    void nextIsAPerThreadCursor() throws Exception {
        LoopCells cursor = new LoopCells(1);
        assertThat(cursor.next(0)).isZero();
        assertThat(cursor.next(0)).isEqualTo(1);
        long[] other = new long[2];
        Thread t = new FastThreadLocalThread(() -> {
            other[0] = cursor.next(0);
            other[1] = cursor.next(0);
        });
        t.start();
        t.join();
        assertThat(other).containsExactly(0, 1); // its own row, not this thread's
        assertThat(cursor.next(0)).isEqualTo(2);
        assertThat(cursor.sum(0)).isEqualTo(5);
    }

    @Test
    void endedNettyThreadsGiveTheirRowsBackSoThreadsComingAndGoingStayWithinTheOwnedRows() throws Exception {
        LoopCells cells = new LoopCells(1);
        for (int i = 0; i < LoopCells.OWN_ROWS * 3; i++) { // more threads in all than rows, never many at once
            Thread t = new FastThreadLocalThread(() -> cells.add(0, 1));
            t.start();
            t.join();
        }
        assertThat(cells.sum(0)).isEqualTo(LoopCells.OWN_ROWS * 3L);
        assertThat(cells.rowsMade()).as("rows reused, none beyond the owned ones").isLessThan(LoopCells.OWN_ROWS);
    }
}
