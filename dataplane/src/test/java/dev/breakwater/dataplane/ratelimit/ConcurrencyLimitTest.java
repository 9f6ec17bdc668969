package dev.breakwater.dataplane.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Requests in progress per client: counted up to the limit, each client apart, entries gone at zero. */
class ConcurrencyLimitTest {

    @Test
    void aClientGetsUpToTheLimitAndAnotherClientIsCountedApart() {
        ConcurrencyLimit limit = new ConcurrencyLimit(2);

        assertThat(limit.acquire("10.0.0.1")).isTrue();
        assertThat(limit.acquire("10.0.0.1")).isTrue();
        assertThat(limit.acquire("10.0.0.1")).isFalse();
        assertThat(limit.acquire("10.0.0.2")).isTrue();
        assertThat(limit.inProgress("10.0.0.1")).isEqualTo(2);

        limit.release("10.0.0.1");
        assertThat(limit.acquire("10.0.0.1")).isTrue();
        limit.release("10.0.0.1");
        limit.release("10.0.0.1");
        limit.release("10.0.0.1"); // one release too many changes nothing
        assertThat(limit.inProgress("10.0.0.1")).isZero();
        assertThat(limit.acquire("10.0.0.1")).isTrue();
    }

    @Test
    void theLimitIsAtLeastOne() {
        assertThatThrownBy(() -> new ConcurrencyLimit(0)).hasMessage("max: 0 (expected: >= 1)");
    }
}
