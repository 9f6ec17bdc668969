package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.EdgeSettings;
import dev.breakwater.routing.ForwardedHeaders;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutePolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's controller ConfigMap ({@code --configmap}) compiled: its keys are the defaults of every Ingress's
 * routes, its global authentication applies to the Ingresses without their own, a bad value keeps the last good one
 * across compilations, and a missing ConfigMap is a warning.
 */
class ControllerConfigMapCompilerTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static ConfigMap configMap(Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx")
                .withName("ingress-nginx-controller").endMetadata().withData(data).build();
    }

    private static ClusterSnapshot snapshot(Map<String, String> data, Ingress... ingresses) {
        return Snapshots.with(ingresses).service("default", "app", "10.0.0.1").build()
                .withConfigMaps(data == null ? List.of() : List.of(configMap(data)));
    }

    private static Ingress ingress(String name, String host, Map<String, String> annotations) {
        var f = Fixtures.ingress("default", name).host(host).prefix("/", "app", 80);
        annotations.forEach(f::annotation);
        return f.build();
    }

    private static RoutePolicy policy(Compilation c, String host) {
        Route route = TableLookup.find(c.table(), host, "/").orElseThrow();
        return route.policy();
    }

    private static final CompilerOptions OPTIONS = CompilerOptions.local(null).withControllerConfigMap(REF);

    @Test
    void theKeysAreTheDefaultsOfEveryIngressAndAnIngresssOwnAnnotationWins() {
        Compilation c = Compiler.compile(snapshot(Map.of("proxy-body-size", "1m", "proxy-read-timeout", "120",
                        "hsts", "true", "hsts-max-age", "600", "global-auth-url", "http://auth.example:4180/check"),
                ingress("plain", "a.com", Map.of()),
                ingress("own", "b.com", Map.of(NGINX + "proxy-body-size", "5m", NGINX + "auth-url",
                        "http://own.example/check")),
                ingress("opted-out", "c.com", Map.of(NGINX + "enable-global-auth", "false"))), OPTIONS);

        assertThat(c.diagnostics()).isEmpty();
        RoutePolicy plain = policy(c, "a.com");
        assertThat(plain.maxRequestBodyBytes()).isEqualTo(1L << 20);
        assertThat(plain.responseTimeoutMillis()).isEqualTo(120_000L);
        assertThat(plain.hsts()).isEqualTo(new RoutePolicy.Hsts(600, false, false));
        assertThat(plain.externalAuth().url()).isEqualTo("http://auth.example:4180/check");
        RoutePolicy own = policy(c, "b.com");
        assertThat(own.maxRequestBodyBytes()).isEqualTo(5L << 20);
        assertThat(own.responseTimeoutMillis()).isEqualTo(120_000L);
        assertThat(own.externalAuth().url()).isEqualTo("http://own.example/check");
        assertThat(policy(c, "c.com").externalAuth()).isNull();
    }

    @Test
    void customHttpErrorsOfTheConfigMapGoToTheClusterDefaultBackendAndAnIngresssOwnWins() {
        ClusterSnapshot snapshot = Snapshots.with(ingress("plain", "a.com", Map.of()),
                        ingress("own", "b.com", Map.of(NGINX + "custom-http-errors", "418")))
                .service("default", "app", "10.0.0.1").service("default", "errors", "10.0.0.2").build()
                .withConfigMaps(List.of(configMap(Map.of("custom-http-errors", "404,503"))));

        Compilation c = Compiler.compile(snapshot, OPTIONS.withDefaultBackendService("default/errors:80"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(policy(c, "a.com").errorPages().codes()).containsExactly(404, 503);
        assertThat(policy(c, "a.com").errorPages().cluster()).isEqualTo("default/errors:http");
        assertThat(policy(c, "b.com").errorPages().codes()).containsExactly(418);
    }

    @Test
    void withoutTheOptionTheConfigMapIsNotRead() {
        Compilation c = Compiler.compile(snapshot(Map.of("proxy-body-size", "1m"), ingress("plain", "a.com",
                Map.of())), CompilerOptions.local(null));

        assertThat(policy(c, "a.com").maxRequestBodyBytes()).isNull();
    }

    @Test
    void aMissingConfigMapIsAWarningAndBreakwatersDefaultsApply() {
        Compilation c = Compiler.compile(snapshot(null, ingress("plain", "a.com", Map.of())), OPTIONS);

        assertThat(c.diagnosticsOf("ConfigMap/" + REF)).extracting(d -> d.reason())
                .containsExactly("named by --configmap but does not exist; Breakwater's defaults apply");
        assertThat(policy(c, "a.com").maxRequestBodyBytes()).isNull();
    }

    @Test
    void aBadValueIsAnErrorOnTheConfigMapAndTheLastGoodValueKeepsServing() {
        SecretChecks memory = new SecretChecks();
        Ingress plain = ingress("plain", "a.com", Map.of());
        Compilation good = Compiler.compile(snapshot(Map.of("proxy-body-size", "2m"), plain), OPTIONS, null, memory);
        assertThat(policy(good, "a.com").maxRequestBodyBytes()).isEqualTo(2L << 20);

        Compilation bad = Compiler.compile(snapshot(Map.of("proxy-body-size", "2 megabytes"), plain), OPTIONS,
                good.table(), memory);

        assertThat(policy(bad, "a.com").maxRequestBodyBytes()).isEqualTo(2L << 20);
        assertThat(bad.diagnosticsOf("ConfigMap/" + REF)).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("data['proxy-body-size']");
            assertThat(d.reason()).isEqualTo("\"2 megabytes\" is not a size such as 8k, 10m or 1g; the last good "
                    + "value \"2m\" is kept");
        });
        assertThat(bad.diagnosticsOf("Ingress/default/plain")).isEmpty();
    }

    @Test
    void theDataPlaneKeysGoToTheTablesSettings() {
        Compilation c = Compiler.compile(snapshot(Map.of("use-forwarded-headers", "true",
                        "forwarded-for-header", "X-Client-IP", "compute-full-forwarded-for", "true",
                        "proxy-real-ip-cidr", "10.0.0.0/8, 192.168.0.0/16", "keep-alive", "30",
                        "large-client-header-buffers", "4 16k", "upstream-keepalive-connections", "8",
                        "upstream-keepalive-timeout", "20s"),
                ingress("plain", "a.com", Map.of())), OPTIONS);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().settings()).isEqualTo(new EdgeSettings(new ForwardedHeaders(true, "X-Client-IP", true,
                List.of("10.0.0.0/8", "192.168.0.0/16")), 30_000L, 65536, 8, 20_000L));
    }

    @Test
    void theRequestCountsPerConnectionGoToTheTablesSettingsAndAZeroIsAnErrorNamingTheKey() {
        Compilation c = Compiler.compile(snapshot(Map.of("keep-alive-requests", "100",
                "upstream-keepalive-requests", "50"), ingress("plain", "a.com", Map.of())), OPTIONS);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().settings()).isEqualTo(new EdgeSettings(null, null, null, null, null, 100, 50));

        Compilation bad = Compiler.compile(snapshot(Map.of("keep-alive-requests", "0",
                "upstream-keepalive-requests", "many", "keep-alive", "30"), ingress("plain", "a.com", Map.of())),
                OPTIONS);

        assertThat(bad.table().settings()).as("the rest of the keys apply")
                .isEqualTo(new EdgeSettings(null, 30_000L, null, null, null));
        assertThat(bad.diagnosticsOf("ConfigMap/" + REF)).extracting(d -> d.field() + ": " + d.reason())
                .containsExactlyInAnyOrder(
                        "data['keep-alive-requests']: \"0\" is not a number of requests (expected: a whole number "
                                + "from 1); not applied (no earlier value to keep)",
                        "data['upstream-keepalive-requests']: \"many\" is not a number of requests (expected: a "
                                + "whole number from 1); not applied (no earlier value to keep)");
    }

    @Test
    void enableRealIpReadsTheClientWithoutKeepingTheOtherHeadersAndTheDefaultsAreNginxs() {
        Compilation c = Compiler.compile(snapshot(Map.of("enable-real-ip", "true"),
                ingress("plain", "a.com", Map.of())), OPTIONS);

        assertThat(c.table().settings().forwarded()).isEqualTo(new ForwardedHeaders(false, "X-Forwarded-For",
                false, List.of("0.0.0.0/0")));
        assertThat(c.table().settings().clientIdleMillis()).isNull();
    }

    @Test
    void useProxyProtocolPutsTheTrustedPeersOfProxyRealIpCidrInTheTablesSettings() {
        Compilation ranged = Compiler.compile(snapshot(Map.of("use-proxy-protocol", "true", "proxy-real-ip-cidr",
                "10.0.0.0/8, 192.168.0.0/16"), ingress("plain", "a.com", Map.of())), OPTIONS);
        Compilation everyone = Compiler.compile(snapshot(Map.of("use-proxy-protocol", "true"),
                ingress("plain", "a.com", Map.of())), OPTIONS);
        Compilation off = Compiler.compile(snapshot(Map.of("use-proxy-protocol", "false"),
                ingress("plain", "a.com", Map.of())), OPTIONS);
        Compilation bad = Compiler.compile(snapshot(Map.of("use-proxy-protocol", "maybe"),
                ingress("plain", "a.com", Map.of())), OPTIONS);

        assertThat(ranged.table().settings().proxyProtocolFrom()).containsExactly("10.0.0.0/8", "192.168.0.0/16");
        assertThat(ranged.table().settings().forwarded()).as("the forwarded headers are still replaced").isNull();
        assertThat(ranged.diagnostics()).as("proxy-real-ip-cidr has an effect").isEmpty();
        assertThat(everyone.table().settings().proxyProtocolFrom()).as("ingress-nginx's default proxy-real-ip-cidr")
                .containsExactly("0.0.0.0/0");
        assertThat(off.table().settings()).isNull();
        assertThat(off.diagnostics()).isEmpty();
        assertThat(bad.table().settings()).isNull();
        assertThat(bad.diagnostics()).anySatisfy(d -> assertThat(d.toString()).contains("use-proxy-protocol")
                .contains("maybe"));
    }

    @Test
    void theRequestKeysAreReadWithoutAWordWhenTheyAskWhatBreakwaterDoesAndWarnedOtherwise() {
        Compilation same = Compiler.compile(snapshot(Map.of("generate-request-id", "true",
                "proxy-add-original-uri-header", "false", "enable-underscores-in-headers", "true",
                "ignore-invalid-headers", "true", "retry-non-idempotent", "false"),
                ingress("plain", "a.com", Map.of())), OPTIONS);
        Compilation other = Compiler.compile(snapshot(Map.of("generate-request-id", "false",
                "proxy-add-original-uri-header", "true", "enable-underscores-in-headers", "false",
                "ignore-invalid-headers", "false", "retry-non-idempotent", "true",
                "ssl-session-ticket-key", java.util.Base64.getEncoder().encodeToString(new byte[80])),
                ingress("plain", "a.com", Map.of())), OPTIONS);
        Compilation bad = Compiler.compile(snapshot(Map.of("retry-non-idempotent", "sometimes",
                "ssl-session-ticket-key", "c2hvcnQ="), ingress("plain", "a.com", Map.of())), OPTIONS);

        assertThat(same.diagnostics()).isEmpty();
        assertThat(same.table().settings()).as("nothing for the data plane to change").isNull();
        for (String key : List.of("generate-request-id", "proxy-add-original-uri-header",
                "enable-underscores-in-headers", "ignore-invalid-headers", "retry-non-idempotent",
                "ssl-session-ticket-key")) {
            assertThat(other.diagnostics()).as(key).anySatisfy(d -> assertThat(d.toString())
                    .contains("data['" + key + "']").contains("not applied").doesNotContain("not read"));
        }
        assertThat(bad.diagnostics()).anySatisfy(d -> assertThat(d.toString()).contains("retry-non-idempotent")
                .contains("sometimes"));
        assertThat(bad.diagnostics()).anySatisfy(d -> assertThat(d.toString()).contains("ssl-session-ticket-key")
                .contains("48 or 80 byte key"));
    }

    @Test
    void forwardedCompanionsWithoutTrustWarnAndBadValuesAreErrorsAndKeepAliveZeroIsNotApplied() {
        Compilation c = Compiler.compile(snapshot(Map.of("proxy-real-ip-cidr", "10.0.0.0/8",
                        "large-client-header-buffers", "lots", "keep-alive", "0", "upstream-keepalive-connections",
                        "-1"),
                ingress("plain", "a.com", Map.of())), OPTIONS);

        assertThat(c.table().settings()).isNull();
        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.toString()).contains("proxy-real-ip-cidr")
                .contains("no effect without use-forwarded-headers"));
        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.toString()).contains("large-client-header-buffers")
                .contains("is not a number and a size"));
        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.toString()).contains("keep-alive")
                .contains("is not applied"));
        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.toString())
                .contains("upstream-keepalive-connections").contains("not a number of connections"));
    }

    @Test
    void headerKeysAreTheDefaultsOfTheHeaderAnnotationsAndCustomHeadersOfAnIngressWins() {
        ConfigMap responseHeaders = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx")
                .withName("response-headers").endMetadata().withData(Map.of("X-Frame-Options", "DENY",
                        "X-Bad", "$host")).build();
        ConfigMap requestHeaders = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx")
                .withName("request-headers").endMetadata().withData(Map.of("X-Tenant", "blue")).build();
        ConfigMap own = new ConfigMapBuilder().withNewMetadata().withNamespace("default")
                .withName("own-headers").endMetadata().withData(Map.of("X-Own", "yes")).build();
        ClusterSnapshot snapshot = Snapshots.with(ingress("plain", "a.com", Map.of()),
                        ingress("own", "b.com", Map.of(NGINX + "custom-headers", "own-headers")))
                .service("default", "app", "10.0.0.1").build()
                .withConfigMaps(List.of(configMap(Map.of("add-headers", "ingress-nginx/response-headers",
                        "proxy-set-headers", "ingress-nginx/request-headers", "hide-headers",
                        "X-Powered-By, Server")), responseHeaders, requestHeaders, own));

        Compilation c = Compiler.compile(snapshot, OPTIONS);

        Route plain = TableLookup.find(c.table(), "a.com", "/").orElseThrow();
        assertThat(plain.filters()).containsExactly(
                new RouteFilter.ResponseHeaderModifier(List.of(new RouteFilter.Header("X-Frame-Options", "DENY")),
                        null, List.of("x-powered-by", "server")),
                new RouteFilter.RequestHeaderModifier(List.of(new RouteFilter.Header("X-Tenant", "blue")), null,
                        null));
        Route ownRoute = TableLookup.find(c.table(), "b.com", "/").orElseThrow();
        assertThat(ownRoute.filters()).contains(new RouteFilter.ResponseHeaderModifier(
                List.of(new RouteFilter.Header("X-Own", "yes")), null, List.of("x-powered-by", "server")));
        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.toString()).contains("X-Bad")
                .contains("nginx variable"));
    }
}
