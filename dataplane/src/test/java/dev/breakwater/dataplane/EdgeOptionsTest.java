package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.cache.DiskTierConfig;
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
    void theDiskTierIsOffUnlessADirectoryIsGiven() {
        EdgeOptions off = new EdgeOptions();
        assertThat(off.accept("--cache-disk-size", "64Mi")).isTrue();
        assertThat(off.applyTo(DataPlane.builder()).cache.disk()).as("a size alone turns nothing on").isNull();

        EdgeOptions on = new EdgeOptions();
        assertThat(on.accept("--cache-disk-threshold", "256Ki")).isTrue();
        assertThat(on.accept("--cache-disk-dir", "/var/cache/breakwater")).isTrue();
        assertThat(on.applyTo(DataPlane.builder()).cache.disk()).isEqualTo(new DiskTierConfig(
                java.nio.file.Path.of("/var/cache/breakwater"), DiskTierConfig.DEFAULT_MAX_BYTES, 256L << 10));
        assertThatThrownBy(() -> on.accept("--cache-disk-size", "0"))
                .hasMessage("--cache-disk-size: '0' (expected: a size such as 512Ki, 64Mi or 1Gi)");
        assertThatThrownBy(() -> on.accept("--cache-disk-dir", " "))
                .hasMessage("--cache-disk-dir: empty (expected: a directory for the disk tier)");
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

    @Test
    void theAccessLogFormatComesFromTheEnvironmentWhenNoOptionSaysIt() {
        assertThat(EdgeOptions.accessLogFromEnvironment(null)).isEqualTo(AccessLogConfig.DEFAULTS);
        assertThat(EdgeOptions.accessLogFromEnvironment(" ")).isEqualTo(AccessLogConfig.DEFAULTS);
        assertThat(EdgeOptions.accessLogFromEnvironment("off").format()).isEqualTo(AccessLogConfig.Format.OFF);
        assertThat(EdgeOptions.accessLogFromEnvironment("Text").format()).isEqualTo(AccessLogConfig.Format.TEXT);
        assertThatThrownBy(() -> EdgeOptions.accessLogFromEnvironment("loud"))
                .hasMessage("BREAKWATER_ACCESS_LOG: 'loud' (expected: json, text or off)");
    }
}
