package dev.breakwater.operator.publish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link Debouncer.Scheduler} and ticker on a clock the test moves; tasks run on the test's thread. */
final class ManualScheduler implements Debouncer.Scheduler {

    private record Task(long due, long order, Runnable task) {
    }

    private final List<Task> tasks = new ArrayList<>();
    private long now = 1_000_000_000L;
    private long order;

    @Override
    public void schedule(Runnable task, long delayNanos) {
        tasks.add(new Task(now + delayNanos, order++, task));
    }

    long now() {
        return now;
    }

    /** Moves the clock by {@code millis}, running every task that falls due, in order. */
    void advanceMillis(long millis) {
        long until = now + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            Task next = tasks.stream().filter(t -> t.due() <= until)
                    .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::order)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.due());
            next.task().run();
        }
        now = until;
    }

    /** Runs what is due now. */
    void runDue() {
        advanceMillis(0);
    }
}
