package dev.breakwater.dataplane.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long the data plane waits before reconnecting to the operator. */
class TableClientBackoffTest {

    @Test
    void backoffDoublesUpToTheCapWithJitterTakingOffAtMostHalf() {
        for (int failures = 0; failures < 40; failures++) {
            long ceiling = Math.min(10_000, 100L << Math.min(failures, 30));
            for (int i = 0; i < 50; i++) {
                assertThat(TableClient.backoffMillis(failures, 100, 10_000)).isBetween(ceiling / 2, ceiling);
            }
        }
        assertThat(TableClient.backoffMillis(0, 1, 1)).isEqualTo(1);
    }
}
