package dev.breakwater.dataplane.loop;


import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-thread cells: exact sums under concurrent adds, threads beyond the owned rows included; per-thread cursors. */
class LoopCellsTest {

    @Test
    void concurrentAddsFromMoreThreadsThanOwnRowsSumExactly() throws Exception {
        LoopCells cells = new LoopCells(2);
        int threads = LoopCells.OWN_ROWS + 20; // some of them share the last row
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
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
        Thread t = new Thread(() -> {
            other[0] = cursor.next(0);
            other[1] = cursor.next(0);
        });
        t.start();
        t.join();
        assertThat(other).containsExactly(0, 1); // its own row, not this thread's
        assertThat(cursor.next(0)).isEqualTo(2);
        assertThat(cursor.sum(0)).isEqualTo(5);
    }
}
