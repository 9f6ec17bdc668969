package dev.breakwater.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DebouncerTest {

    private final ManualScheduler clock = new ManualScheduler();
    private final List<Long> runs = new ArrayList<>();
    private Runnable during = () -> { };
    private final Debouncer debouncer = new Debouncer(Duration.ofMillis(50), Duration.ofMillis(500), () -> {
        runs.add(TimeUnit.NANOSECONDS.toMillis(clock.now()));
        during.run();
    }, clock, clock::now);

    private long start() {
        return TimeUnit.NANOSECONDS.toMillis(clock.now());
    }

    @Test
    void runsOnceAfterTheQuietPeriodOfTheLastPoke() {
        debouncer.enable();
        long t0 = start();
        debouncer.poke();
        clock.advanceMillis(30);
        debouncer.poke();
        clock.advanceMillis(30);
        debouncer.poke();
        clock.advanceMillis(49);
        assertThat(runs).isEmpty();
        clock.advanceMillis(1);
        assertThat(runs).containsExactly(t0 + 110);
        clock.advanceMillis(1000);
        assertThat(runs).hasSize(1);
    }

    @Test
    void aPokeWithAShorterQuietRunsSooner_butNeverBeforeARunAlreadyPlanned() {
        debouncer.enable();
        long t0 = start();
        debouncer.poke(Duration.ofMillis(10));
        clock.advanceMillis(9);
        assertThat(runs).isEmpty();
        clock.advanceMillis(1);
        assertThat(runs).containsExactly(t0 + 10);

        // a long poke, then a short one 5 ms later: the run still waits for the long one's quiet period
        long t1 = start();
        debouncer.poke();
        clock.advanceMillis(5);
        debouncer.poke(Duration.ofMillis(10));
        clock.advanceMillis(44);
        assertThat(runs).hasSize(1);
        clock.advanceMillis(1);
        assertThat(runs).containsExactly(t0 + 10, t1 + 50);

        // a short poke, then a long one: the long one pushes the run back to its own quiet period
        long t2 = start();
        debouncer.poke(Duration.ofMillis(10));
        clock.advanceMillis(5);
        debouncer.poke();
        clock.advanceMillis(49);
        assertThat(runs).hasSize(2);
        clock.advanceMillis(1);
        assertThat(runs).containsExactly(t0 + 10, t1 + 50, t2 + 55);
        assertThatThrownBy(() -> debouncer.poke(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSteadyStreamOfPokesStillRunsAtTheMaximumWait() {
        debouncer.enable();
        long t0 = start();
        for (int i = 0; i < 60; i++) {
            debouncer.poke();
            clock.advanceMillis(20);
        }
        // pokes every 20 ms for 1.2 s (the 26th right after the first run): never quiet for 50 ms, so a run comes
        // 500 ms after each burst's first poke
        assertThat(runs).containsExactly(t0 + 500, t0 + 1000);
    }

    @Test
    void nothingRunsWhileDisabledAndPokesAreKeptUntilEnabled() {
        long t0 = start();
        debouncer.poke();
        clock.advanceMillis(1000);
        assertThat(runs).isEmpty();
        assertThat(debouncer.pending()).isTrue();
        debouncer.enable();
        clock.runDue();
        assertThat(runs).containsExactly(t0 + 1000); // the burst's maximum wait is long past
        assertThat(debouncer.pending()).isFalse();
    }

    @Test
    void disablingStopsAScheduledRun() {
        debouncer.enable();
        debouncer.poke();
        debouncer.disable();
        clock.advanceMillis(1000);
        assertThat(runs).isEmpty();
        debouncer.enable();
        clock.advanceMillis(1000);
        assertThat(runs).hasSize(1);
    }

    @Test
    void pokeNowRunsAtOnce() {
        debouncer.enable();
        long t0 = start();
        debouncer.poke();
        debouncer.pokeNow();
        clock.runDue();
        assertThat(runs).containsExactly(t0);
        clock.advanceMillis(1000);
        assertThat(runs).hasSize(1);
    }

    @Test
    void aPokeDuringARunStartsANewBurstAfterIt() {
        debouncer.enable();
        long t0 = start();
        during = () -> {
            during = () -> { };
            debouncer.poke(); // e.g. a change that arrived while compiling
        };
        debouncer.poke();
        clock.advanceMillis(50);
        assertThat(runs).containsExactly(t0 + 50);
        clock.advanceMillis(50);
        assertThat(runs).containsExactly(t0 + 50, t0 + 100);
    }

    @Test
    void aFailingTaskDoesNotStopLaterRuns() {
        debouncer.enable();
        during = () -> {
            throw new IllegalStateException("boom");
        };
        debouncer.poke();
        clock.advanceMillis(100);
        during = () -> { };
        debouncer.poke();
        clock.advanceMillis(100);
        assertThat(runs).hasSize(2);
    }

    @Test
    void maxWaitShorterThanQuietIsRefused() {
        assertThatThrownBy(() -> new Debouncer(Duration.ofMillis(100), Duration.ofMillis(50), () -> { }, clock,
                clock::now)).hasMessageContaining("quiet");
    }
}
