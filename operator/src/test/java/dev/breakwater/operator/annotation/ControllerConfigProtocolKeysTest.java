package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller ConfigMap's keys checked against what the data plane does ({@code use-http2},
 * {@code http-redirect-code}, {@code client-body-timeout}, {@code ssl-session-*}, {@code brotli-*}) and
 * {@code block-cidrs}, key by key: ingress-nginx's defaults are read without a word, other values warned, values that
 * do not parse are errors.
 */
class ControllerConfigProtocolKeysTest {

    private static final String CM = "ConfigMap/ingress-nginx/ingress-nginx-controller";
    private static final String NGINX = AnnotationTable.NGINX;

    private final List<Diagnostic> diagnostics = new ArrayList<>();

    private ControllerConfig read(Map<String, String> data) {
        return ControllerConfig.read(CM, data, Map.of(), diagnostics);
    }

    private List<String> messages() {
        return diagnostics.stream().map(Diagnostic::toString).toList();
    }

    @Test
    void ingressNginxsDefaultsAreWhatBreakwaterDoesAndAreReadWithoutAWord() {
        ControllerConfig c = read(Map.of("use-http2", "true", "http-redirect-code", "308", "ssl-session-cache",
                "true", "ssl-session-tickets", "false", "ssl-session-timeout", "1h", "client-header-timeout", "60"));

        assertThat(messages()).isEmpty();
        assertThat(c.good()).containsOnlyKeys("use-http2", "http-redirect-code", "ssl-session-cache",
                "ssl-session-tickets", "ssl-session-timeout", "client-header-timeout");
        assertThat(c.defaults()).isEmpty();
    }

    @Test
    void otherValuesAreWarningsThatNameTheDifference() {
        read(Map.of("use-http2", "false", "http-redirect-code", "301", "ssl-session-cache", "false",
                "ssl-session-tickets", "true", "ssl-session-timeout", "10m", "ssl-session-cache-size", "10m",
                "client-body-timeout", "30"));

        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['use-http2']: \"false\" is not applied: Breakwater offers HTTP/2 (ALPN h2) on every "
                        + "HTTPS connection, beside HTTP/1.1",
                CM + " data['http-redirect-code']: \"301\" is not applied: Breakwater redirects HTTP to HTTPS "
                        + "(ssl-redirect, force-ssl-redirect) with 308",
                CM + " data['ssl-session-cache']: \"false\" is not applied: Breakwater caches TLS sessions (each "
                        + "data plane its own, per certificate)",
                CM + " data['ssl-session-tickets']: \"true\" is not applied: Breakwater sets no session ticket keys "
                        + "of its own; sessions resume from each data plane's session cache",
                CM + " data['ssl-session-timeout']: \"10m\" is not applied: Breakwater's TLS session cache keeps a "
                        + "session 1h",
                CM + " data['ssl-session-cache-size']: \"10m\" is not applied: Breakwater's TLS session cache holds "
                        + "20000 sessions per certificate, whatever the size (nginx's 1m holds about 4000)",
                CM + " data['client-body-timeout']: \"30\" is not applied: Breakwater has no timeout of its own "
                        + "between two reads of a request body; the route's proxy-read-timeout bounds the endpoint's "
                        + "wait for the rest of it");
    }

    @Test
    void valuesThatDoNotParseAreErrors() {
        ControllerConfig c = read(Map.of("use-http2", "yes", "http-redirect-code", "303", "ssl-session-cache-size",
                "big", "ssl-session-timeout", "soon", "brotli-level", "12"));

        assertThat(c.good()).isEmpty();
        assertThat(messages()).hasSize(5).allMatch(m -> m.endsWith("; not applied (no earlier value to keep)"))
                .anyMatch(m -> m.startsWith(CM + " data['use-http2']: \"yes\" is not true or false"))
                .anyMatch(m -> m.startsWith(CM + " data['http-redirect-code']: \"303\" is not one of 301, 302, 307, "
                        + "308"))
                .anyMatch(m -> m.startsWith(CM + " data['ssl-session-cache-size']: \"big\" is not a size such as "
                        + "10m"))
                .anyMatch(m -> m.startsWith(CM + " data['ssl-session-timeout']: "))
                .anyMatch(m -> m.startsWith(CM + " data['brotli-level']: \"12\" is not a brotli level (expected: 1 "
                        + "to 11)"));
    }

    @Test
    void brotliKeysThatAskForOtherThanTheGzipKeysGiveAreWarnedAndNeedEnableBrotli() {
        read(Map.of("enable-brotli", "true", "use-gzip", "true", "brotli-level", "6", "brotli-min-length", "20",
                "gzip-types", "application/json", "brotli-types", "application/json text/css"));

        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['brotli-level']: \"6\" is not applied: Breakwater compresses at brotli quality 4 for "
                        + "every route",
                CM + " data['brotli-min-length']: \"20\" is not applied: Breakwater answers brotli from the length "
                        + "gzip-min-length gives (256 bytes)",
                CM + " data['brotli-types']: \"application/json text/css\" is not applied: Breakwater answers brotli "
                        + "for the types gzip-types gives (text/html application/json)");

        diagnostics.clear();
        read(Map.of("enable-brotli", "true", "use-gzip", "true", "gzip-min-length", "20", "brotli-min-length", "20",
                "gzip-types", "application/json", "brotli-types", "application/json"));
        assertThat(messages()).isEmpty();

        diagnostics.clear();
        read(Map.of("use-gzip", "true", "brotli-level", "4"));
        assertThat(messages()).contains(CM + " data['brotli-level']: has no effect without enable-brotli: \"true\" "
                + "(as in ingress-nginx)");
    }

    @Test
    void blockCidrsDenyOnIngressesWithoutAccessRulesOfTheirOwnAsNginxsHttpLevelDeny() {
        ControllerConfig c = read(Map.of("block-cidrs", "192.0.2.0/24, 2001:db8::/32"));

        assertThat(messages()).isEmpty();
        assertThat(c.applyTo(Map.of())).containsEntry(NGINX + "denylist-source-range", "192.0.2.0/24, 2001:db8::/32");
        assertThat(c.applyTo(Map.of(NGINX + "whitelist-source-range", "10.0.0.0/8")))
                .doesNotContainKey(NGINX + "denylist-source-range");
        assertThat(c.applyTo(Map.of("breakwater.dev/allowlist-source-range", "10.0.0.0/8")))
                .doesNotContainKey(NGINX + "denylist-source-range");
        assertThat(c.applyTo(Map.of(NGINX + "denylist-source-range", "198.51.100.7")))
                .containsEntry(NGINX + "denylist-source-range", "198.51.100.7");

        ControllerConfig withAllowlist = read(Map.of("block-cidrs", "192.0.2.0/24", "whitelist-source-range",
                "10.0.0.0/8"));
        assertThat(withAllowlist.applyTo(Map.of())).doesNotContainKey(NGINX + "denylist-source-range");
    }

    @Test
    void blockCidrsThatDoNotParseAreAnError() {
        ControllerConfig c = read(Map.of("block-cidrs", "192.0.2.0/33"));

        assertThat(c.applyTo(Map.of())).isEmpty();
        assertThat(messages()).hasSize(1).allMatch(m -> m.startsWith(CM + " data['block-cidrs']: ")
                && m.endsWith("; not applied (no earlier value to keep)"));
    }
}
