package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ingress-nginx's controller ConfigMap read key by key: defaults, global authentication, checks, bad values. */
class ControllerConfigTest {

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
    void everyKeyThatSetsAnAnnotationsDefaultIsTakenAsThatAnnotation() {
        Map<String, String> data = new HashMap<>();
        data.put("proxy-body-size", "10m");
        data.put("proxy-connect-timeout", "3");
        data.put("proxy-read-timeout", "120");
        data.put("proxy-send-timeout", "30s");
        data.put("proxy-next-upstream", "error timeout http_502");
        data.put("proxy-next-upstream-tries", "2");
        data.put("ssl-redirect", "false");
        data.put("force-ssl-redirect", "true");
        data.put("hsts", "true");
        data.put("hsts-max-age", "600");
        data.put("hsts-include-subdomains", "true");
        data.put("hsts-preload", "true");
        data.put("load-balance", "ewma");
        data.put("enable-opentelemetry", "true");
        data.put("opentelemetry-trust-incoming-span", "false");
        ControllerConfig c = read(data);

        assertThat(diagnostics).isEmpty();
        assertThat(c.defaults()).containsEntry(NGINX + "proxy-body-size", "10m")
                .containsEntry(NGINX + "proxy-connect-timeout", "3")
                .containsEntry(NGINX + "proxy-read-timeout", "120")
                .containsEntry(NGINX + "proxy-send-timeout", "30s")
                .containsEntry(NGINX + "proxy-next-upstream", "error timeout http_502")
                .containsEntry(NGINX + "proxy-next-upstream-tries", "2")
                .containsEntry(NGINX + "ssl-redirect", "false")
                .containsEntry(NGINX + "force-ssl-redirect", "true")
                .containsEntry("breakwater.dev/hsts", "true")
                .containsEntry("breakwater.dev/hsts-max-age", "600")
                .containsEntry("breakwater.dev/hsts-include-subdomains", "true")
                .containsEntry("breakwater.dev/hsts-preload", "true")
                .containsEntry(NGINX + "load-balance", "ewma")
                .containsEntry(NGINX + "enable-opentelemetry", "true")
                .containsEntry(NGINX + "opentelemetry-trust-incoming-span", "false")
                .hasSize(15);
        assertThat(c.globalAuth()).isEmpty();
        assertThat(c.good()).isEqualTo(data);
    }

    @Test
    void anIngresssOwnAnnotationWinsUnderEitherPrefixAndACanaryTakesNothing() {
        ControllerConfig c = read(Map.of("proxy-body-size", "10m", "proxy-read-timeout", "120"));

        assertThat(c.applyTo(Map.of(NGINX + "proxy-body-size", "1m"))).containsEntry(NGINX + "proxy-body-size", "1m")
                .containsEntry(NGINX + "proxy-read-timeout", "120");
        assertThat(c.applyTo(Map.of("breakwater.dev/response-timeout", "5s")))
                .doesNotContainKey(NGINX + "proxy-read-timeout").containsEntry(NGINX + "proxy-body-size", "10m");
        assertThat(c.applyTo(null)).hasSize(2);
        Map<String, String> canary = Map.of(NGINX + "canary", "true", NGINX + "canary-weight", "10");
        assertThat(c.applyTo(canary)).isEqualTo(canary);
    }

    @Test
    void globalAuthAppliesToIngressesWithoutTheirOwnUnlessTheyOptOut() {
        ControllerConfig c = read(Map.of("global-auth-url", "http://auth.auth.svc:4180/oauth2/auth",
                "global-auth-signin", "https://login.example.com/start", "global-auth-response-headers",
                "X-Auth-Request-User", "global-auth-method", "POST", "global-auth-cache-key", "$cookie_session",
                "global-auth-cache-duration", "200 1m", "global-auth-always-set-cookie", "true",
                "global-auth-request-redirect", "/back", "global-auth-signin-redirect-param", "next"));

        assertThat(diagnostics).isEmpty();
        Map<String, String> plain = c.applyTo(Map.of());
        assertThat(plain).containsEntry(NGINX + "auth-url", "http://auth.auth.svc:4180/oauth2/auth")
                .containsEntry(NGINX + "auth-signin", "https://login.example.com/start")
                .containsEntry(NGINX + "auth-response-headers", "X-Auth-Request-User")
                .containsEntry(NGINX + "auth-method", "POST")
                .containsEntry(NGINX + "auth-cache-key", "$cookie_session")
                .containsEntry(NGINX + "auth-cache-duration", "200 1m")
                .containsEntry(NGINX + "auth-always-set-cookie", "true")
                .containsEntry(NGINX + "auth-request-redirect", "/back")
                .containsEntry(NGINX + "auth-signin-redirect-param", "next");
        assertThat(c.applyTo(Map.of(NGINX + "enable-global-auth", "false"))).doesNotContainKey(NGINX + "auth-url");
        Map<String, String> own = c.applyTo(Map.of(NGINX + "auth-url", "http://own/check"));
        assertThat(own).containsEntry(NGINX + "auth-url", "http://own/check").doesNotContainKey(NGINX + "auth-signin");
    }

    @Test
    void hstsOptionsWithoutHstsTurnItOnAsIngressNginxsDefaultDoes() {
        ControllerConfig c = read(Map.of("hsts-max-age", "600"));

        assertThat(diagnostics).isEmpty();
        assertThat(c.defaults()).containsEntry("breakwater.dev/hsts", "true")
                .containsEntry("breakwater.dev/hsts-max-age", "600");
        assertThat(read(Map.of("hsts", "false", "hsts-max-age", "600")).defaults())
                .containsEntry("breakwater.dev/hsts", "false");
    }

    @Test
    void globalAuthCompanionsWithoutTheUrlAreWarnings() {
        ControllerConfig c = read(Map.of("global-auth-signin", "https://login.example.com/start"));

        assertThat(c.globalAuth()).isEmpty();
        assertThat(messages()).containsExactly(CM + " data['global-auth-signin']: has no effect without "
                + "global-auth-url");
    }

    @Test
    void badValuesAreErrorsNamingTheConfigMapTheKeyAndTheReason() {
        ControllerConfig c = read(Map.of("proxy-body-size", "ten megs", "proxy-read-timeout", "soon",
                "hsts", "yes please", "global-auth-url", "https://$host/oauth2/auth", "ssl-protocols", "TLSv9",
                "proxy-next-upstream-tries", "0"));

        assertThat(c.defaults()).isEmpty();
        assertThat(c.globalAuth()).isEmpty();
        assertThat(diagnostics).allMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
        assertThat(messages()).contains(
                CM + " data['proxy-body-size']: \"ten megs\" is not a size such as 8k, 10m or 1g; not applied (no "
                        + "earlier value to keep)",
                CM + " data['hsts']: \"yes please\" is not true or false; not applied (no earlier value to keep)",
                CM + " data['global-auth-url']: \"https://$host/oauth2/auth\" holds an nginx variable, which "
                        + "Breakwater does not expand; not applied (no earlier value to keep)",
                CM + " data['ssl-protocols']: \"TLSv9\" is not a protocol (expected: TLSv1.2, TLSv1.3); not applied "
                        + "(no earlier value to keep)");
        assertThat(messages()).anyMatch(m -> m.startsWith(CM + " data['proxy-read-timeout']: "));
        assertThat(messages()).anyMatch(m -> m.startsWith(CM + " data['proxy-next-upstream-tries']: "));
    }

    @Test
    void aBadValueKeepsTheLastGoodOne() {
        ControllerConfig c = ControllerConfig.read(CM, Map.of("proxy-body-size", "10x", "hsts", "true"),
                Map.of("proxy-body-size", "10m", "hsts", "false"), diagnostics);

        assertThat(c.defaults()).containsEntry(NGINX + "proxy-body-size", "10m")
                .containsEntry("breakwater.dev/hsts", "true");
        assertThat(c.good()).containsEntry("proxy-body-size", "10m");
        assertThat(messages()).containsExactly(CM + " data['proxy-body-size']: \"10x\" is not a size such as 8k, "
                + "10m or 1g; the last good value \"10m\" is kept");
    }

    @Test
    void checkedKeysWarnWhereBreakwaterDiffers() {
        read(Map.of("allow-snippet-annotations", "true", "server-tokens", "true", "ssl-protocols", "TLSv1.2",
                "global-auth-snippet", "proxy_set_header X-A b;"));

        assertThat(diagnostics).allMatch(d -> d.severity() == Diagnostic.Severity.WARNING);
        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['allow-snippet-annotations']: \"true\" is not applied: Breakwater never uses a snippet as "
                        + "configuration text (allow-snippet-annotations is always false)",
                CM + " data['server-tokens']: \"true\" is not applied: Breakwater sends no Server header of its own",
                CM + " data['ssl-protocols']: \"TLSv1.2\" differs: Breakwater serves TLSv1.2 and TLSv1.3, never "
                        + "older protocols, and always both",
                CM + " data['global-auth-snippet']: snippets are not supported: no value is ever used as "
                        + "configuration text; ignored (the rest of the global authentication applies)");
    }

    @Test
    void whatBreakwaterAlreadyDoesIsSilent() {
        read(Map.of("allow-snippet-annotations", "false", "server-tokens", "false", "ssl-protocols",
                "TLSv1.2 TLSv1.3"));

        assertThat(diagnostics).isEmpty();
    }

    @Test
    void theReasonsOfKeysNotReadNameKeysIngressNginxHasAndBreakwaterDoesNotRead() {
        assertThat(ControllerConfigKeys.NOT_READ_BECAUSE.keySet()).doesNotContainAnyElementsOf(
                ControllerConfigKeys.names());
    }

    @Test
    void everyKeyNotReadIsAWarningNamingIt() {
        ControllerConfig c = read(Map.of("use-geoip2", "true", "main-snippet", "worker_processes 2;",
                "log-format-stream", "$remote_addr", "proxy-body-size", "", "proxy-buffers-number", "8"));

        assertThat(c.defaults()).isEmpty();
        assertThat(messages()).containsExactlyInAnyOrder(
                CM + " data['log-format-stream']: this ingress-nginx ConfigMap key is not read by Breakwater and is "
                        + "ignored: the L4 listeners write no access log",
                CM + " data['use-geoip2']: this ingress-nginx ConfigMap key is not read by Breakwater and is ignored "
                        + "(see docs/ingress-nginx-annotations.md#the-controller-configmap)",
                CM + " data['main-snippet']: snippets are not supported: no value is ever used as configuration "
                        + "text; ignored",
                CM + " data['proxy-buffers-number']: this ingress-nginx ConfigMap key is not read by Breakwater "
                        + "and is ignored (see docs/ingress-nginx-annotations.md#the-controller-configmap)");
    }

    @Test
    void sslCiphersBecomeTheTls12SuitesServedAndWhatIsNotServedIsAWarningNamingIt() {
        // ingress-nginx's default string: its DHE suites are not served
        ControllerConfig c = read(Map.of("ssl-ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
                + "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384"));

        assertThat(c.edge().tls12Ciphers()).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(messages()).containsExactly(CM + " data['ssl-ciphers']: ciphers DHE-RSA-AES128-GCM-SHA256, "
                + "DHE-RSA-AES256-GCM-SHA384 are not served by Breakwater and left out (TLS 1.2 suites served: ECDHE "
                + "or RSA key exchange with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA)");
    }

    @Test
    void aCipherStringThatLeavesNoSuiteServedIsAnErrorAndTheLastGoodValueIsKept() {
        ControllerConfig c = ControllerConfig.read(CM, Map.of("ssl-ciphers", "DHE-RSA-AES128-GCM-SHA256:!ECDHE"),
                Map.of("ssl-ciphers", "ECDHE-RSA-AES128-GCM-SHA256"), diagnostics);

        assertThat(c.edge().tls12Ciphers()).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(messages()).anySatisfy(m -> assertThat(m).contains("data['ssl-ciphers']")
                .contains("leaves no TLS 1.2 cipher suite that Breakwater serves")
                .contains("the last good value \"ECDHE-RSA-AES128-GCM-SHA256\" is kept"));
    }

    @Test
    void logFormatUpstreamMapsNginxVariablesAndWarnsOfThoseWithoutAnEquivalent() {
        // ingress-nginx's default log-format-upstream
        ControllerConfig c = read(Map.of("log-format-upstream", "$remote_addr - $remote_user [$time_local] "
                + "\"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length "
                + "$request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr "
                + "$upstream_response_length $upstream_response_time $upstream_status $req_id",
                "log-format-escape-json", "true"));

        var format = c.edge().accessLogFormat();
        assertThat(format.escape()).isEqualTo(dev.breakwater.routing.AccessLogFormat.Escape.JSON);
        assertThat(format.parts()).first().isEqualTo(dev.breakwater.routing.AccessLogFormat.Part.field(
                dev.breakwater.routing.AccessLogFormat.Field.CLIENT_ADDRESS));
        assertThat(format.parts()).contains(dev.breakwater.routing.AccessLogFormat.Part.text(" - - ["));
        assertThat(messages()).containsExactly(
                CM + " data['log-format-upstream']: $proxy_upstream_name is written as the route's name "
                        + "(ingress-nginx writes namespace-service-port)",
                CM + " data['log-format-upstream']: $remote_user, $request_length, $proxy_alternative_upstream_name, "
                        + "$upstream_response_length, $upstream_response_time have no equivalent in Breakwater's "
                        + "access log and are written as \"-\"");
    }

    @Test
    void theEscapeKeysWithoutAFormatAreWarnedAndNoneWinsOverJson() {
        read(Map.of("log-format-escape-json", "true"));
        assertThat(messages()).containsExactly(CM + " data['log-format-escape-json']: has no effect without "
                + "log-format-upstream: Breakwater's own formats (--access-log json|text) escape as they do");

        ControllerConfig both = read(Map.of("log-format-upstream", "${status} ${uri}", "log-format-escape-json",
                "true", "log-format-escape-none", "true"));
        assertThat(both.edge().accessLogFormat().escape()).isEqualTo(dev.breakwater.routing.AccessLogFormat.Escape.NONE);
        assertThat(both.edge().accessLogFormat().parts()).hasSize(3);
    }
}
