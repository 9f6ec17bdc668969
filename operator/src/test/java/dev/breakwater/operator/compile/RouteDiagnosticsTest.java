package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic.Severity;
import dev.breakwater.operator.crd.LoadBalancerSpec;
import dev.breakwater.operator.crd.PathMatchSpec;
import dev.breakwater.operator.crd.StringMatchType;
import dev.breakwater.operator.crd.TimeoutsSpec;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a Route that does not make sense gets: a diagnostic naming the object, the field and the reason; the
 * rest of it, and every other object, served; status facts that say so.
 */
class RouteDiagnosticsTest {

    private static final String SHOP = "Route/default/shop";

    private static Snapshots withWeb(dev.breakwater.operator.crd.Route... routes) {
        return Snapshots.with(routes).service("default", "web", "10.0.0.1");
    }

    @Test
    void aBadRegexLeavesOutItsMatchOnlyAndNamesTheField() {
        Compilation c = withWeb(Fixtures.route("default", "shop").hostnames("a.com")
                .rule().prefix("/ok").backend("web", 80)
                .rule().regex("/items/[0-9+").prefix("/also-ok").backend("web", 80)
                .build()).compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Severity.ERROR);
            assertThat(d.object()).isEqualTo(SHOP);
            assertThat(d.field()).isEqualTo("spec.rules[1].matches[0].path.value");
            assertThat(d.reason()).startsWith("\"/items/[0-9+\" is not a valid regular expression: ");
        });
        assertThat(TableLookup.service(c.table(), "a.com", "/ok")).isEqualTo("web");
        assertThat(TableLookup.service(c.table(), "a.com", "/also-ok")).isEqualTo("web");
        assertThat(c.routeStatus("default", "shop")).hasValueSatisfying(s -> {
            assertThat(s.accepted().status()).isTrue();
            assertThat(s.accepted().message()).isEqualTo("served in part; left out: spec.rules[1].matches[0].path.value: "
                    + c.diagnostics().get(0).reason());
            assertThat(s.resolvedRefs().status()).isTrue();
        });
    }

    @Test
    void badHeaderAndQueryRegexesAndNamesAreReported() {
        Compilation c = withWeb(Fixtures.route("default", "shop")
                .rule().prefix("/").header(StringMatchType.REGULAR_EXPRESSION, "x-a", "(")
                .query(StringMatchType.REGULAR_EXPRESSION, "q", "*")
                .header("bad name", "1")
                .backend("web", 80).build()).compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::field).containsExactly(
                "spec.rules[0].matches[0].headers[0].value", "spec.rules[0].matches[0].headers[1].name",
                "spec.rules[0].matches[0].queryParams[0].value");
        assertThat(c.table().virtualHosts()).isEmpty();
        assertThat(c.routeStatus("default", "shop")).hasValueSatisfying(s -> {
            assertThat(s.accepted().status()).isFalse();
            assertThat(s.accepted().reason()).isEqualTo("Invalid");
            assertThat(s.accepted().message()).contains("spec.rules[0].matches[0].headers[1].name");
        });
    }

    @Test
    void pathsMustStartWithASlashAndExactOrPrefixPathsHoldNoPattern() {
        Compilation c = withWeb(Fixtures.route("default", "shop")
                .rule().path(PathMatchSpec.Type.PATH_PREFIX, "api").exact("/api/.*").prefix("/a//b")
                .path(null, "/x").exact("/fine").backend("web", 80).build()).compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                SHOP + " spec.rules[0].matches[0].path.value: path \"api\" must start with \"/\"",
                SHOP + " spec.rules[0].matches[1].path.value: path \"/api/.*\" holds regular-expression characters "
                        + "or '//'; use type RegularExpression for a pattern",
                SHOP + " spec.rules[0].matches[2].path.value: path \"/a//b\" holds regular-expression characters "
                        + "or '//'; use type RegularExpression for a pattern",
                SHOP + " spec.rules[0].matches[3].path.type: type is required: Exact, PathPrefix or RegularExpression");
        assertThat(c.table().virtualHosts().get(0).routes()).extracting(r -> r.match().path().value())
                .containsExactly("/fine");
    }

    @Test
    void anUnknownServiceAnswers503ForItsRuleAndFailsResolvedRefs() {
        Compilation c = withWeb(Fixtures.route("default", "shop").hostnames("a.com")
                .rule().prefix("/missing").backend("nope", 80)
                .rule().prefix("/port").backend("web", "grpc", null)
                .rule().prefix("/").backend("web", 80)
                .build()).compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                SHOP + " spec.rules[0].backends[0].name: Service default/nope does not exist",
                SHOP + " spec.rules[1].backends[0].port: Service default/web has no port named \"grpc\"");
        assertThat(TableLookup.status(c.table(), "a.com", "/missing")).isEqualTo(503);
        assertThat(TableLookup.status(c.table(), "a.com", "/port")).isEqualTo(503);
        assertThat(TableLookup.service(c.table(), "a.com", "/other")).isEqualTo("web");
        assertThat(c.routeStatus("default", "shop")).hasValueSatisfying(s -> {
            assertThat(s.accepted().status()).isTrue();
            assertThat(s.resolvedRefs().status()).isFalse();
            assertThat(s.resolvedRefs().reason()).isEqualTo("BackendNotFound");
            assertThat(s.resolvedRefs().message()).isEqualTo("spec.rules[0].backends[0].name: Service default/nope "
                    + "does not exist; spec.rules[1].backends[0].port: Service default/web has no port named \"grpc\"");
        });
    }

    @Test
    void anUnresolvedCanaryKeepsItsShareWhichFails() {
        Compilation c = withWeb(Fixtures.route("default", "shop").rule()
                .backend("web", "http", 80).backend("canary", "http", 20).build()).compile();

        Route route = c.table().virtualHosts().get(0).routes().get(0);
        assertThat(route.action()).isEqualTo(new RouteAction.Forward(List.of(
                new RouteAction.BackendRef("default/web:http", 80),
                new RouteAction.BackendRef("default/canary:http|unresolved", 20))));
        assertThat(c.table().cluster("default/canary:http|unresolved").endpoints()).isEmpty();
        assertThat(c.diagnostics()).extracting(Diagnostic::field).containsExactly("spec.rules[0].backends[1].name");
    }

    @Test
    void badDurationsAndQuantitiesAreReportedAndTheirDefaultsApply() {
        Compilation c = withWeb(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
            rule.timeouts = new TimeoutsSpec();
            rule.timeouts.connect = "5 seconds";
            rule.timeouts.response = "0s";
            rule.maxRequestBodySize = new Quantity("lots");
            rule.drainTimeout = "1.5s";
        }).build()).compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                SHOP + " spec.rules[0].drainTimeout: \"1.5s\" is not a duration such as 500ms, 30s, 5m or a number of "
                        + "seconds; the default applies",
                SHOP + " spec.rules[0].timeouts.connect: \"5 seconds\" is not a duration such as 500ms, 30s, 5m or a "
                        + "number of seconds; the default applies",
                SHOP + " spec.rules[0].timeouts.response: \"0s\" must be more than zero; the default applies",
                SHOP + " spec.rules[0].maxRequestBodySize: \"lots\" is not a quantity such as 512Ki, 1Mi or 1000; the "
                        + "default applies");
        Route route = c.table().virtualHosts().get(0).routes().get(0);
        assertThat(route.policy().connectTimeoutMillis()).isNull();
        assertThat(route.policy().responseTimeoutMillis()).isNull();
        assertThat(route.policy().maxRequestBodyBytes()).isNull();
        assertThat(c.table().clusters()).extracting(Cluster::name).containsExactly("default/web:http");
    }

    @Test
    void aHashingBalancerWithoutAKeyFallsBackToRoundRobin() {
        Compilation c = withWeb(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
            rule.loadBalancer = new LoadBalancerSpec();
            rule.loadBalancer.type = LoadBalancerSpec.Type.MAGLEV;
        }).build()).compile();

        assertThat(c.diagnostics()).containsExactly(Diagnostic.error(SHOP, "spec.rules[0].loadBalancer.hashOn",
                "Maglev needs hashOn (header, cookie or sourceIP); using round-robin"));
        assertThat(c.table().clusters().get(0).policy().loadBalancer()).isNull();
    }

    @Test
    void badHostnamesAreLeftOutAndARouteWithNoneLeftIsNotAccepted() {
        Compilation c = withWeb(
                Fixtures.route("default", "shop").hostnames("Shop.example.com", "ok.example.com")
                        .rule().backend("web", 80).build(),
                Fixtures.route("default", "none").hostnames("*.*.example.com").rule().backend("web", 80).build())
                .compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                "Route/default/none spec.hostnames[0]: host \"*.*.example.com\": a wildcard is allowed only as the "
                        + "whole first label (\"*.example.com\")",
                SHOP + " spec.hostnames[0]: host \"Shop.example.com\" must be lower case");
        assertThat(c.table().virtualHosts()).extracting(v -> v.hostname()).containsExactly("ok.example.com");
        assertThat(c.routeStatus("default", "none").orElseThrow().accepted().status()).isFalse();
        assertThat(c.routeStatus("default", "shop").orElseThrow().accepted().status()).isTrue();
    }

    @Test
    void aRouteWithoutSpecOrRulesIsReportedAndOthersServe() {
        dev.breakwater.operator.crd.Route empty = Fixtures.route("default", "empty").build();
        empty.setSpec(null);
        Compilation c = withWeb(empty, Fixtures.route("default", "norules").build(),
                Fixtures.route("default", "shop").rule().backend("web", 80).build()).compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                "Route/default/empty spec: spec is required",
                "Route/default/norules spec.rules: at least one rule (or listener) is required");
        assertThat(c.table().virtualHosts()).hasSize(1);
        assertThat(c.routeStatuses()).extracting(RouteStatusReport::name).containsExactly("empty", "norules", "shop");
    }

    @Test
    void aMissingTlsSecretFailsResolvedRefsAndTheHostStillServes() {
        Compilation c = withWeb(Fixtures.route("default", "shop").hostnames("a.com").tls("gone", tls -> {
        }).rule().backend("web", 80).build()).compile();

        assertThat(c.diagnostics()).containsExactly(Diagnostic.error(SHOP, "spec.tls.secretName",
                "Secret default/gone does not exist; [a.com] get the default certificate"));
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("web");
        assertThat(c.routeStatus("default", "shop").orElseThrow().resolvedRefs()).isEqualTo(
                new RouteStatusReport.Condition("ResolvedRefs", false, "InvalidCertificateRef",
                        "spec.tls.secretName: Secret default/gone does not exist; [a.com] get the default certificate"));
    }
}
