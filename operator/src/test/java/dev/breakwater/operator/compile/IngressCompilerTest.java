package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressCompilerTest {

    @Test
    void virtualHostsAreSortedExactThenWildcardThenCatchAll() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web")
                .anyHost().prefix("/", "app", 80)
                .host("*.b.com").prefix("/", "app", 80)
                .host("z.com").prefix("/", "app", 80)
                .host("a.com").prefix("/", "app", 80)
                .host("*.a.com").prefix("/", "app", 80)
                .build()).service("default", "app", "10.0.0.1").compile();

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname)
                .containsExactly("a.com", "z.com", "*.a.com", "*.b.com", "*");
    }

    @Test
    void rulesForOneHostFromSeveralIngressesMergeExactFirstThenLongestThenOldest() {
        Ingress older = Fixtures.ingress("default", "b-old").created("2024-01-01T00:00:00Z")
                .host("a.com").prefix("/", "root", 80).prefix("/api", "api", 80).build();
        Ingress newer = Fixtures.ingress("default", "a-new").created("2024-02-01T00:00:00Z")
                .host("a.com").exact("/api", "exact", 80).prefix("/api/v1", "v1", 80).prefix("/web", "web", 80)
                .build();
        Compilation c = Snapshots.with(newer, older).service("default", "root", "10.0.0.1")
                .service("default", "api", "10.0.0.2").service("default", "exact", "10.0.0.3")
                .service("default", "v1", "10.0.0.4").service("default", "web", "10.0.0.5").compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().virtualHosts()).hasSize(1);
        // HTTPRoute's order (Exact, then the longest prefix) routes as Ingress v1's (longest, Exact first on a tie):
        // an Exact path and a longer prefix never accept the same request
        assertThat(c.table().virtualHosts().get(0).routes()).extracting(Route::name).containsExactly(
                "default/a-new:a.com/api", "default/a-new:a.com/api/v1", "default/b-old:a.com/api",
                "default/a-new:a.com/web", "default/b-old:a.com/");
        assertThat(c.table().virtualHosts().get(0).routes()).extracting(Route::source).containsExactly(
                "Ingress/default/a-new", "Ingress/default/a-new", "Ingress/default/b-old",
                "Ingress/default/a-new", "Ingress/default/b-old");
        assertThat(TableLookup.service(c.table(), "a.com", "/api")).isEqualTo("exact");
        assertThat(TableLookup.service(c.table(), "a.com", "/api/v1/x")).isEqualTo("v1");
        assertThat(TableLookup.service(c.table(), "a.com", "/api/x")).isEqualTo("api");
    }

    @Test
    void samePathWithBothTypesGetsAnExactSuffixInItsName() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").host("a.com")
                .prefix("/foo", "app", 80).exact("/foo", "app", 80).build())
                .service("default", "app", "10.0.0.1").compile();

        assertThat(c.table().virtualHosts().get(0).routes()).extracting(Route::name)
                .containsExactly("default/web:a.com/foo#exact", "default/web:a.com/foo");
    }

    @Test
    void hostLessRulesAreNamedWithTheCatchAllHost() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").prefix("/api", "app", 80).build())
                .service("default", "app", "10.0.0.1").compile();

        assertThat(c.table().virtualHosts()).singleElement().satisfies(v -> {
            assertThat(v.hostname()).isEqualTo("*");
            assertThat(v.routes()).extracting(Route::name).containsExactly("default/web:*/api");
        });
    }

    @Test
    void clusterDefaultIsTheLastRouteOfEveryHostUnlessTheHostHasItsOwn() {
        Ingress cluster = Fixtures.ingress("default", "global").created("2024-01-01T00:00:00Z")
                .defaultBackend("fallback", 80).host("a.com").prefix("/api", "api", 80).build();
        Ingress own = Fixtures.ingress("default", "own").created("2024-03-01T00:00:00Z")
                .defaultBackend("own-default", 80).host("b.com").prefix("/", "b-root", 80).host("c.com").build();
        Compilation c = Snapshots.with(own, cluster).service("default", "fallback", "10.0.0.1")
                .service("default", "api", "10.0.0.2").service("default", "own-default", "10.0.0.3")
                .service("default", "b-root", "10.0.0.4").compile();
        RoutingTable table = c.table();

        assertThat(table.virtualHosts()).extracting(VirtualHost::hostname).containsExactly("a.com", "b.com", "c.com", "*");
        assertThat(TableLookup.service(table, "a.com", "/api/x")).isEqualTo("api");
        assertThat(TableLookup.service(table, "a.com", "/other")).isEqualTo("fallback");
        assertThat(TableLookup.service(table, "b.com", "/other")).isEqualTo("b-root");
        assertThat(TableLookup.service(table, "c.com", "/other")).isEqualTo("own-default");
        assertThat(TableLookup.service(table, "unknown.com", "/other")).isEqualTo("fallback");
        assertThat(last(table, "b.com").name()).isEqualTo("default/own:b.com#default-backend");
        assertThat(last(table, "a.com").name()).isEqualTo("default/global:a.com#default-backend");
        assertThat(last(table, "*").source()).isEqualTo("Ingress/default/global");
        assertThat(c.diagnostics()).extracting(Diagnostic::reason)
                .containsExactly("ignored as the cluster default, Ingress/default/global is older");
    }

    @Test
    void withoutDefaultBackendUnmatchedRequestsAreNotRouted() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").host("a.com").prefix("/api", "app", 80)
                .build()).service("default", "app", "10.0.0.1").compile();

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).containsExactly("a.com");
        assertThat(TableLookup.status(c.table(), "a.com", "/")).isEqualTo(404);
        assertThat(TableLookup.status(c.table(), "b.com", "/api")).isEqualTo(404);
    }

    @Test
    void endpointsKeepTheirConditionsAreDeduplicatedAndSorted() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").prefix("/", "app", 80).build())
                .add(Fixtures.service("default", "app").port("http", 80, 8080).port("metrics", 9090, 9090).build())
                .add(Fixtures.endpointSlice("default", "app-b", "app").port("metrics", 9090).port("http", 8080)
                        .endpoint(false, null, null, "zone-b", "10.0.0.9")
                        .endpoint(false, true, true, null, "10.0.0.5")
                        .build())
                .add(Fixtures.endpointSlice("default", "app-a", "app").port("http", 8080).port("metrics", 9090)
                        .endpoint("10.0.0.7", "10.0.0.5").build())
                .add(Fixtures.endpointSlice("default", "other-a", "other").port("http", 8080).endpoint("10.9.9.9")
                        .build())
                .compile();

        assertThat(c.table().clusters()).singleElement().satisfies(cluster -> {
            assertThat(cluster.name()).isEqualTo("default/app:http");
            assertThat(cluster.endpoints()).containsExactly(
                    new Endpoint("10.0.0.5", 8080, 1, null, true, true, false),
                    new Endpoint("10.0.0.7", 8080, 1, null, true, true, false),
                    new Endpoint("10.0.0.9", 8080, 1, "zone-b", false, false, false));
        });
    }

    @Test
    void unnamedServicePortIsReachedByNumberAndNamedByIt() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").prefix("/", "app", 80).build())
                .add(Fixtures.service("default", "app").port(null, 80, 8080).build())
                .add(Fixtures.endpointSlice("default", "app-a", "app").port("", 8080).endpoint("10.0.0.1").build())
                .compile();

        assertThat(c.table().clusters()).containsExactly(new Cluster("default/app:80", Cluster.Protocol.HTTP1,
                List.of(Endpoint.ready("10.0.0.1", 8080))));
    }

    @Test
    void portNameAndNumberReferencesShareOneCluster() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").host("a.com")
                .prefix("/a", "app", 80).prefix("/b", "app", "http").build())
                .service("default", "app", "10.0.0.1").compile();

        assertThat(c.table().clusters()).extracting(Cluster::name).containsExactly("default/app:http");
        assertThat(TableLookup.route(c.table(), "a.com", "/a")).isEqualTo(TableLookup.route(c.table(), "a.com", "/b"));
    }

    @Test
    void externalNameServiceIsOneEndpointResolvedByTheDataPlane() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").prefix("/", "ext", 443).build())
                .add(Fixtures.service("default", "ext").externalName("api.example.org").port("https", 443, 443)
                        .build())
                .compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().cluster("default/ext:https").endpoints())
                .containsExactly(Endpoint.ready("api.example.org", 443));
    }

    @Test
    void onlyReferencedClustersAreEmittedSortedByName() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").host("a.com")
                .prefix("/z", "zeta", 80).prefix("/a", "alpha", 80).prefix("/a2", "alpha", 80).build())
                .service("default", "zeta", "10.0.0.1").service("default", "alpha", "10.0.0.2")
                .service("default", "unused", "10.0.0.3").compile();

        assertThat(c.table().clusters()).extracting(Cluster::name)
                .containsExactly("default/alpha:http", "default/zeta:http");
    }

    @Test
    void ingressesOfOtherControllersAreIgnoredSilently() {
        ClusterSnapshot snapshot = new ClusterSnapshot(
                List.of(Fixtures.ingress("default", "web").className("nginx").prefix("/", "app", 80).build(),
                        Fixtures.ingress("default", "classless").prefix("/", "app", 80).build()),
                List.of(Fixtures.ingressClass("nginx", "k8s.io/ingress-nginx", true)), List.of(), List.of(),
                List.of());

        Compilation c = Compiler.compile(snapshot, CompilerOptions.defaults());

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().virtualHosts()).isEmpty();
    }

    @Test
    void withoutAnyIngressClassNothingIsOursInClusterMode() {
        ClusterSnapshot snapshot = Snapshots.with(Fixtures.ingress("default", "web").prefix("/", "app", 80).build())
                .service("default", "app", "10.0.0.1").build();

        assertThat(Compiler.compile(snapshot, CompilerOptions.defaults()).table().virtualHosts()).isEmpty();
        assertThat(Compiler.compile(snapshot, CompilerOptions.local()).table().virtualHosts()).hasSize(1);
    }

    @Test
    void implementationSpecificIsTreatedAsPrefix() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").host("a.com")
                .implementationSpecific("/api", "app", 80).build()).service("default", "app", "10.0.0.1").compile();

        assertThat(TableLookup.service(c.table(), "a.com", "/api/v1")).isEqualTo("app");
        assertThat(TableLookup.service(c.table(), "a.com", "/apiv1")).isNull();
    }

    @Test
    void hostPortIsIgnoredWhenLookingUp() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80)
                .build()).service("default", "app", "10.0.0.1").compile();

        assertThat(TableLookup.service(c.table(), "A.com:8080", "/")).isEqualTo("app");
        assertThat(c.table().virtualHosts().get(0).routes().get(0).action())
                .isEqualTo(RouteAction.Forward.to("default/app:http"));
    }

    private static Route last(RoutingTable table, String host) {
        VirtualHost v = table.virtualHosts().stream().filter(h -> h.hostname().equals(host)).findFirst().orElseThrow();
        return v.routes().get(v.routes().size() - 1);
    }
}
