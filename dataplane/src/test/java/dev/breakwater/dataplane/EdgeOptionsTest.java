package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.request.PathPolicy;
import org.junit.jupiter.api.Test;

class EdgeOptionsTest {

    @Test
    void readsTheRequestHeadSettings() {
        EdgeOptions options = new EdgeOptions();
        assertThat(options.accept("--max-request-headers", "64")).isTrue();
        assertThat(options.accept("--path-merge-slashes", "false")).isTrue();
        assertThat(options.accept("--path-escaped-slashes", "Keep")).isTrue();
        assertThat(options.requestPolicy().maxHeaders()).isEqualTo(64);
        assertThat(options.requestPolicy().paths()).isEqualTo(new PathPolicy(false, PathPolicy.EscapedSlashes.KEEP));
        assertThat(new EdgeOptions().requestPolicy().paths()).isEqualTo(PathPolicy.DEFAULT);
    }

    @Test
    void badValuesNameTheOptionAndWhatWasExpected() {
        EdgeOptions options = new EdgeOptions();
        assertThatThrownBy(() -> options.accept("--max-request-headers", "0"))
                .hasMessage("--max-request-headers: '0' (expected: a whole number, at least 1)");
        assertThatThrownBy(() -> options.accept("--metrics-max-routes", "0"))
                .hasMessage("--metrics-max-routes: '0' (expected: a whole number, at least 1)");
        assertThatThrownBy(() -> options.accept("--path-merge-slashes", "maybe"))
                .hasMessage("--path-merge-slashes: 'maybe' (expected: true or false)");
        assertThatThrownBy(() -> options.accept("--path-escaped-slashes", "allow"))
                .hasMessage("--path-escaped-slashes: 'allow' (expected: reject, keep or decode)");
    }
}
