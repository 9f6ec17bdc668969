package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller ConfigMap's compression keys ({@code use-gzip}, {@code enable-brotli}, {@code gzip-*}), its source
 * ranges ({@code whitelist-source-range}, {@code denylist-source-range}), {@code limit-req-status-code} and its
 * buffering keys, key by key.
 */
class ControllerConfigCompressionAndRangesTest {

    private static final String CM = "ConfigMap/ingress-nginx/ingress-nginx-controller";
    private static final String NGINX = AnnotationTable.NGINX;
    private static final String OURS = "breakwater.dev/";

    private final List<Diagnostic> diagnostics = new ArrayList<>();

    private ControllerConfig read(Map<String, String> data) {
        return ControllerConfig.read(CM, data, Map.of(), diagnostics);
    }

    private List<String> messages() {
        return diagnostics.stream().map(Diagnostic::toString).toList();
    }

    @Test
    void useGzipTurnsCompressionOnWithIngressNginxsLengthAndTypesAndSaysBrotliIsAnsweredToo() {
        ControllerConfig c = read(Map.of("use-gzip", "true"));

        assertThat(c.defaults()).containsEntry(OURS + "compression", "true")
                .containsEntry(OURS + "compression-min-size", "256");
        assertThat(List.of(c.defaults().get(OURS + "compression-types").split(","))).startsWith("text/html")
                .contains("application/json", "text/css", "text/javascript", "image/svg+xml", "text/plain")
                .hasSize(18);
        assertThat(messages()).containsExactly(CM + " data['use-gzip']: Breakwater answers brotli (br) to a client "
                + "that prefers it to gzip, where ingress-nginx answers brotli only with enable-brotli: \"true\"");
    }

    @Test
    void gzipTypesAndLengthReplaceTheDefaultsAndBadEntriesAreWarned() {
        ControllerConfig c = read(Map.of("use-gzip", "true", "enable-brotli", "true", "gzip-min-length", "1000",
                "gzip-types", "application/json  text/css,* application/javascript", "gzip-level", "5"));

        assertThat(c.defaults()).containsEntry(OURS + "compression", "true")
                .containsEntry(OURS + "compression-min-size", "1000")
                .containsEntry(OURS + "compression-types", "text/html,application/json,text/css,application/javascript");
        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['gzip-level']: \"5\" is not applied: Breakwater compresses at gzip level 6 (brotli "
                        + "quality 4) for every route",
                CM + " data['gzip-types']: \"*\" is not a media type such as text/css, text/* or application/*+json; "
                        + "left out");
    }

    @Test
    void withoutUseGzipTheOtherKeysHaveNoEffectAndBadValuesAreErrors() {
        ControllerConfig c = read(Map.of("use-gzip", "false", "gzip-min-length", "1k", "gzip-types", "text/css",
                "gzip-level", "6"));

        assertThat(c.defaults()).isEmpty();
        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['gzip-min-length']: \"1k\" is not a number of bytes; not applied (no earlier value to "
                        + "keep)",
                CM + " data['gzip-types']: has no effect without use-gzip: \"true\" (as in ingress-nginx)",
                CM + " data['gzip-level']: has no effect without use-gzip: \"true\" (as in ingress-nginx)");

        diagnostics.clear();
        ControllerConfig brotli = read(Map.of("enable-brotli", "true", "gzip-level", "0"));
        assertThat(brotli.defaults()).containsEntry(OURS + "compression", "true");
        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['gzip-level']: \"0\" is not a gzip level (expected: 1 to 9); not applied (no earlier "
                        + "value to keep)",
                CM + " data['enable-brotli']: Breakwater answers gzip to a client that accepts gzip but not brotli, "
                        + "where ingress-nginx compresses with gzip only with use-gzip: \"true\"");
    }

    @Test
    void anIngressWithCompressionOfItsOwnKeepsItsOwnSettings() {
        ControllerConfig c = read(Map.of("use-gzip", "true", "enable-brotli", "true"));

        Map<String, String> merged = c.applyTo(Map.of(OURS + "compression", "false"));
        assertThat(merged).containsEntry(OURS + "compression", "false");
        Map<String, String> types = c.applyTo(Map.of(OURS + "compression-types", "application/json"));
        assertThat(types).containsEntry(OURS + "compression", "true")
                .containsEntry(OURS + "compression-types", "application/json");
    }

    @Test
    void sourceRangesAreTheDefaultsOfTheAnnotationsAndABadRangeIsAnErrorOnTheConfigMap() {
        ControllerConfig c = read(Map.of("whitelist-source-range", "10.0.0.0/8, 192.168.1.7",
                "denylist-source-range", "10.1.0.0/16"));

        assertThat(diagnostics).isEmpty();
        assertThat(c.defaults()).containsEntry(NGINX + "whitelist-source-range", "10.0.0.0/8, 192.168.1.7")
                .containsEntry(NGINX + "denylist-source-range", "10.1.0.0/16");
        assertThat(c.applyTo(Map.of(NGINX + "whitelist-source-range", "127.0.0.1")))
                .containsEntry(NGINX + "whitelist-source-range", "127.0.0.1");

        ControllerConfig bad = ControllerConfig.read(CM, Map.of("whitelist-source-range", "10.0.0.0/33"),
                Map.of("whitelist-source-range", "10.0.0.0/8"), diagnostics);
        assertThat(bad.defaults()).containsEntry(NGINX + "whitelist-source-range", "10.0.0.0/8");
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m)
                .startsWith(CM + " data['whitelist-source-range']: ").contains("10.0.0.0/33")
                .endsWith("the last good value \"10.0.0.0/8\" is kept"));
    }

    @Test
    void limitReqStatusCodeIsTheDefaultOfTheRateLimitsStatus() {
        ControllerConfig c = read(Map.of("limit-req-status-code", "503", "limit-conn-status-code", "503"));

        assertThat(c.defaults()).containsEntry(OURS + "rate-limit-status", "503");
        assertThat(messages()).containsExactly(CM + " data['limit-conn-status-code']: this ingress-nginx ConfigMap "
                + "key is not read by Breakwater and is ignored (see "
                + "docs/ingress-nginx-annotations.md#the-controller-configmap)");

        diagnostics.clear();
        assertThat(read(Map.of("limit-req-status-code", "302")).defaults()).isEmpty();
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m)
                .startsWith(CM + " data['limit-req-status-code']: ").contains("302"));
    }

    @Test
    void theBufferingKeysAreCheckedOnceOnTheConfigMapAndSetNoDefault() {
        ControllerConfig c = read(Map.of("proxy-buffering", "off", "proxy-request-buffering", "off",
                "proxy-buffer-size", "4k", "client-body-buffer-size", "16k"));
        assertThat(c.defaults()).isEmpty();
        assertThat(messages()).containsExactly(CM + " data['client-body-buffer-size']: Breakwater streams request "
                + "bodies to the endpoint as they arrive and never writes them to disk; nothing to size (the limit is "
                + "proxy-body-size)");

        diagnostics.clear();
        read(Map.of("proxy-buffering", "on", "proxy-request-buffering", "on", "proxy-buffer-size", "16k"));
        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['proxy-buffer-size']: the largest response head Breakwater reads is the data plane's "
                        + "header limit (16 KiB), for every route; this value is not applied per Ingress",
                CM + " data['proxy-buffering']: Breakwater does not buffer responses: they stream to the client as "
                        + "the endpoint sends them, read no faster than the client takes them (as proxy-buffering off)",
                CM + " data['proxy-request-buffering']: Breakwater does not buffer request bodies: they stream to the "
                        + "endpoint as they arrive, read no faster than the endpoint takes them (as "
                        + "proxy-request-buffering off)");

        diagnostics.clear();
        read(Map.of("proxy-request-buffering", "sometimes"));
        assertThat(messages()).containsExactly(CM + " data['proxy-request-buffering']: \"sometimes\" is not on or "
                + "off; not applied (no earlier value to keep)");
    }
}
