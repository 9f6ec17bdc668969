package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic.Severity;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.junit.jupiter.api.Test;

class IngressCompilerDiagnosticsTest {

    private static final String WEB = "Ingress/default/web";

    private static Snapshots withHealthyApp(Ingress ingress) {
        return Snapshots.with(ingress).service("default", "app", "10.0.0.1");
    }

    @Test
    void missingServiceIsAnErrorAndItsPathAnswers503() {
        Compilation c = withHealthyApp(Fixtures.ingress("default", "web").host("a.com")
                .prefix("/api", "api", 80).prefix("/", "app", 80).build()).compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, WEB,
                "spec.rules[0].http.paths[0].backend.service.name", "Service default/api does not exist"));
        assertThat(TableLookup.status(c.table(), "a.com", "/api/x")).isEqualTo(503);
        assertThat(TableLookup.service(c.table(), "a.com", "/other")).isEqualTo("app");
        assertThat(c.table().clusters()).extracting(cl -> cl.name()).containsExactly("default/app:http");
    }

    @Test
    void unknownPortNameIsAnError() {
        Compilation c = withHealthyApp(Fixtures.ingress("default", "web").host("a.com")
                .prefix("/grpc", "app", "grpc").prefix("/", "app", "http").build()).compile();

        Diagnostic expected = new Diagnostic(Severity.ERROR, WEB, "spec.rules[0].http.paths[0].backend.service.port.name",
                "Service default/app has no port named \"grpc\"");
        assertThat(c.diagnostics()).containsExactly(expected);
        assertThat(expected.toString()).isEqualTo("Ingress/default/web spec.rules[0].http.paths[0].backend.service"
                + ".port.name: Service default/app has no port named \"grpc\"");
        assertThat(TableLookup.status(c.table(), "a.com", "/grpc")).isEqualTo(503);
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void unknownPortNumberIsAnError() {
        Compilation c = withHealthyApp(Fixtures.ingress("default", "web").host("a.com")
                .prefix("/tls", "app", 8443).prefix("/", "app", 80).build()).compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, WEB,
                "spec.rules[0].http.paths[0].backend.service.port.number", "Service default/app has no port 8443"));
        assertThat(TableLookup.status(c.table(), "a.com", "/tls")).isEqualTo(503);
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void pathNotStartingWithSlashIsAnErrorAndSkipped() {
        Compilation c = withHealthyApp(Fixtures.ingress("default", "web").host("a.com")
                .prefix("api", "app", 80).exact("/ok", "app", 80).build()).compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, WEB,
                "spec.rules[0].http.paths[0].path", "path \"api\" must start with \"/\""));
        assertThat(c.table().virtualHosts().get(0).routes()).hasSize(1);
        assertThat(TableLookup.service(c.table(), "a.com", "/ok")).isEqualTo("app");
    }

    @Test
    void missingPathTypeIsAnErrorAndSkipped() {
        Compilation c = withHealthyApp(Fixtures.ingress("default", "web").host("a.com")
                .prefix("/", "app", 80).path(null, "/api", Fixtures.backend("app", 80)).build()).compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, WEB,
                "spec.rules[0].http.paths[1].pathType", "pathType is required: Exact, Prefix or ImplementationSpecific"));
        assertThat(c.table().virtualHosts().get(0).routes()).extracting(r -> r.name())
                .containsExactly("default/web:a.com/");
    }

    @Test
    void invalidHostsAreErrorsAndTheirRulesSkipped() {
        Compilation c = withHealthyApp(Fixtures.ingress("default", "web")
                .host("Upper.com").prefix("/", "app", 80)
                .host("foo.*.com").prefix("/", "app", 80)
                .host("under_score.com").prefix("/", "app", 80)
                .host("ok.com").prefix("/", "app", 80)
                .build()).compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::severity, Diagnostic::object, Diagnostic::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Severity.ERROR, WEB, "spec.rules[0].host"),
                        org.assertj.core.groups.Tuple.tuple(Severity.ERROR, WEB, "spec.rules[1].host"),
                        org.assertj.core.groups.Tuple.tuple(Severity.ERROR, WEB, "spec.rules[2].host"));
        assertThat(c.diagnostics().get(0).reason()).isEqualTo("host \"Upper.com\" must be lower case");
        assertThat(c.diagnostics().get(1).reason()).contains("wildcard is allowed only as the whole first label");
        assertThat(c.diagnostics().get(2).reason()).contains("is not a valid DNS name");
        assertThat(c.table().virtualHosts()).extracting(v -> v.hostname()).containsExactly("ok.com");
    }

    @Test
    void duplicatePathOfANewerIngressIsDroppedWithAWarningNamingTheOlder() {
        Ingress older = Fixtures.ingress("team-a", "first").created("2024-01-01T00:00:00Z")
                .host("a.com").prefix("/api/", "a", 80).build();
        Ingress newer = Fixtures.ingress("team-b", "second").created("2024-06-01T00:00:00Z")
                .host("a.com").prefix("/api", "b", 80).prefix("/b", "b", 80).build();
        Compilation c = Snapshots.with(newer, older).service("team-a", "a", "10.0.0.1")
                .service("team-b", "b", "10.0.0.2").compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.WARNING, "Ingress/team-b/second",
                "spec.rules[0].http.paths[0]", "conflicts with Ingress/team-a/first, which is older and serves it"));
        RoutingTable table = c.table();
        assertThat(TableLookup.service(table, "a.com", "/api")).isEqualTo("a");
        assertThat(TableLookup.service(table, "a.com", "/b")).isEqualTo("b");
        assertThat(table.virtualHosts().get(0).routes()).extracting(r -> r.name())
                .containsExactly("team-a/first:a.com/api/", "team-b/second:a.com/b");
    }

    @Test
    void resourceBackendIsUnsupported() {
        Compilation c = withHealthyApp(Fixtures.ingress("default", "web").host("a.com")
                .path("Prefix", "/static", Fixtures.resourceBackend("k8s.example.com", "StorageBucket", "assets"))
                .prefix("/", "app", 80).build()).compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, WEB,
                "spec.rules[0].http.paths[0].backend.resource",
                "resource backends (StorageBucket assets) are not supported; use a Service backend"));
        assertThat(TableLookup.status(c.table(), "a.com", "/static/x.css")).isEqualTo(503);
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void serviceWithoutEndpointSliceIsAWarningAndAnEmptyCluster() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80).build())
                .add(Fixtures.service("default", "app").port("http", 80, 8080).build()).compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.WARNING, WEB,
                "spec.rules[0].http.paths[0].backend.service.name",
                "Service default/app has no EndpointSlice, so it has no endpoints yet"));
        assertThat(c.table().cluster("default/app:http").endpoints()).isEmpty();
        assertThat(TableLookup.route(c.table(), "a.com", "/")).isEqualTo("default/app:http");
    }

    @Test
    void newerDefaultBackendIsIgnoredAsClusterDefaultWithAWarning() {
        Ingress older = Fixtures.ingress("default", "old").created("2024-01-01T00:00:00Z")
                .defaultBackend("app", 80).build();
        Ingress newer = Fixtures.ingress("default", "new").created("2025-01-01T00:00:00Z")
                .defaultBackend("other", 80).build();
        Compilation c = Snapshots.with(newer, older).service("default", "app", "10.0.0.1")
                .service("default", "other", "10.0.0.2").compile();

        assertThat(c.diagnostics()).containsExactly(new Diagnostic(Severity.WARNING, "Ingress/default/new",
                "spec.defaultBackend", "ignored as the cluster default, Ingress/default/old is older"));
        assertThat(TableLookup.service(c.table(), "anything", "/x")).isEqualTo("app");
        assertThat(c.table().clusters()).extracting(cl -> cl.name()).containsExactly("default/app:http");
    }
}
