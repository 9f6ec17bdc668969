package dev.breakwater.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "A-b_c.9", "0123456789abcdef0123456789abcdef"})
    void aSaneIncomingIdIsKept(String id) {
        assertThat(RequestIds.keepOrCreate(id)).isSameAs(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a\r\nx-injected: 1", "<script>", "\u00e9"})
    void anythingElseIsReplacedByARandomOne(String id) {
        assertThat(RequestIds.keepOrCreate(id)).matches("[0-9a-f]{32}");
    }

    @Test
    void tooLongOrMissingIdsAreReplacedAndNewOnesDiffer() {
        assertThat(RequestIds.keepOrCreate("x".repeat(129))).matches("[0-9a-f]{32}");
        assertThat(RequestIds.keepOrCreate("x".repeat(128))).hasSize(128);
        assertThat(RequestIds.keepOrCreate(null)).isNotEqualTo(RequestIds.keepOrCreate(null));
    }
}
