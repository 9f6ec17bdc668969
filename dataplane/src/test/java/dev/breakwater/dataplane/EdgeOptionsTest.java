package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.cache.DiskTierConfig;
import dev.breakwater.dataplane.request.PathPolicy;
import dev.breakwater.dataplane.trace.TracingConfig;
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
        assertThatThrownBy(() -> options.accept("--metrics-max-endpoints", "0"))
                .hasMessage("--metrics-max-endpoints: '0' (expected: a whole number, at least 1)");
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

    @Test
    void tracingIsOffUntilAnEndpointIsGivenAndEveryTracingOptionIsRead() {
        assertThat(new EdgeOptions().applyTo(DataPlane.builder()).tracing).isEqualTo(TracingConfig.OFF);
        assertThat(TracingConfig.OFF.on()).isFalse();

        EdgeOptions o = new EdgeOptions();
        for (String[] kv : new String[][] {{"--otlp-endpoint", "http://otel-collector:4318"},
            {"--trace-sample-ratio", "0.25"}, {"--trace-trust-incoming", "false"}, {"--trace-routes", "opted-in"},
            {"--trace-service-name", "edge-eu"}, {"--otlp-batch", "4096"}, {"--otlp-queue", "8192"},
            {"--otlp-export-delay", "500ms"}, {"--otlp-export-timeout", "3s"}}) {
            assertThat(o.accept(kv[0], kv[1])).as(kv[0]).isTrue();
        }
        TracingConfig t = o.applyTo(DataPlane.builder()).tracing;
        assertThat(t).isEqualTo(new TracingConfig(java.net.URI.create("http://otel-collector:4318"), 0.25, false,
                false, "edge-eu", 8192, 4096, 500, 3000));
        assertThat(t.tracesUrl()).as("the OTLP/HTTP traces path added").isEqualTo(
                "http://otel-collector:4318/v1/traces");
        assertThat(t.withEndpoint(java.net.URI.create("https://c.example/otlp/v1/traces")).tracesUrl())
                .isEqualTo("https://c.example/otlp/v1/traces");
        assertThat(t.withQueueSpans(100).effectiveBatchSpans()).as("bounded by the queue").isEqualTo(100);
    }

    @Test
    void theAccessLogFlushIntervalIsRead() {
        EdgeOptions o = new EdgeOptions();
        assertThat(o.accept("--access-log-flush-interval", "250ms")).isTrue();
        assertThat(o.applyTo(DataPlane.builder()).accessLog.flushMillis()).isEqualTo(250);
        assertThat(AccessLogConfig.DEFAULTS.flushMillis()).isEqualTo(100);
        assertThatThrownBy(() -> o.accept("--access-log-flush-interval", "0ms"))
                .hasMessage("--access-log-flush-interval: 0ms (expected: more than 0)");
    }

    @Test
    void badTracingValuesNameTheOption() {
        EdgeOptions o = new EdgeOptions();
        assertThatThrownBy(() -> o.accept("--otlp-endpoint", "collector:4318"))
                .hasMessage("--otlp-endpoint: 'collector:4318' (expected: an http or https URL such as "
                        + "http://otel-collector:4318)");
        assertThatThrownBy(() -> o.accept("--trace-sample-ratio", "2"))
                .hasMessage("--trace-sample-ratio: '2' (expected: a number from 0 to 1, such as 0.1)");
        assertThatThrownBy(() -> o.accept("--trace-trust-incoming", "sometimes"))
                .hasMessage("--trace-trust-incoming: 'sometimes' (expected: true or false)");
        assertThatThrownBy(() -> o.accept("--trace-routes", "some"))
                .hasMessage("--trace-routes: 'some' (expected: all or opted-in)");
        assertThatThrownBy(() -> o.accept("--trace-service-name", " "))
                .hasMessage("--trace-service-name: empty (expected: a name such as breakwater)");
        assertThatThrownBy(() -> o.accept("--otlp-queue", "0"))
                .hasMessage("--otlp-queue: '0' (expected: a whole number, at least 1)");
        assertThatThrownBy(() -> o.accept("--otlp-export-delay", "0s"))
                .hasMessage("--otlp-export-delay: 0ms (expected: more than 0)");
    }
}
