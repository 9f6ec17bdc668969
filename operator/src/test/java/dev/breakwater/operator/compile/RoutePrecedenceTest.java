package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.crd.MatchSpec;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HTTPRoute's precedence, across Routes and Ingresses sharing a host: exact host over wildcard; Exact path,
 * then regular expressions, then the longest prefix; then a method, more header matches, more query matches;
 * then the oldest object.
 */
class RoutePrecedenceTest {

    private static List<String> order(RoutingTable table, String host) {
        return table.virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow()
                .routes().stream().map(Route::name).toList();
    }

    @Test
    void exactThenRegexThenLongestPrefixThenMethodHeadersQueriesThenOldest() {
        dev.breakwater.operator.crd.Route older = Fixtures.route("default", "old").created("2024-01-01T00:00:00Z")
                .hostnames("a.com")
                .rule("plain").prefix("/api").backend("web", 80)
                .rule("long").prefix("/api/v2").backend("web", 80)
                .build();
        dev.breakwater.operator.crd.Route newer = Fixtures.route("default", "new").created("2024-02-01T00:00:00Z")
                .hostnames("a.com")
                .rule("exact").exact("/api").backend("web", 80)
                .rule("regex").regex("/api/[a-z]+").backend("web", 80)
                .rule("header").prefix("/api").header("x-a", "1").backend("web", 80)
                .rule("headers").prefix("/api").header("x-a", "1").header("x-b", "2").backend("web", 80)
                .rule("query").prefix("/api").query("q", "1").backend("web", 80)
                .rule("method").prefix("/api").method(MatchSpec.HttpMethod.GET).backend("web", 80)
                .rule("same").prefix("/api/").backend("web", 80)
                .build();
        Compilation c = Snapshots.with(newer, older).service("default", "web", "10.0.0.1").compile();

        assertThat(order(c.table(), "a.com")).containsExactly(
                "default/new:a.com/api#exact",
                "default/new:a.com/api/[a-z]+#regex",
                "default/old:a.com/api/v2#long",
                "default/new:a.com/api#method",
                "default/new:a.com/api#headers",
                "default/new:a.com/api#header",
                "default/new:a.com/api#query",
                "default/old:a.com/api#plain");
        assertThat(c.diagnosticsOf("Route/default/new")).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("spec.rules[6].matches[0]");
            assertThat(d.reason()).isEqualTo("conflicts with Route/default/old, which is older and serves it");
        });
    }

    @Test
    void routeRulesAndIngressPathsOfOneHostSortTogether() {
        Ingress ingress = Fixtures.ingress("default", "site").created("2024-01-01T00:00:00Z").host("a.com")
                .prefix("/", "web", 80).exact("/login", "web", 80).build();
        dev.breakwater.operator.crd.Route route = Fixtures.route("default", "api").created("2024-03-01T00:00:00Z")
                .hostnames("a.com", "*.a.com")
                .rule().prefix("/api").backend("api", 80)
                .rule().prefix("/").backend("api", 80)
                .build();
        Compilation c = Snapshots.with(ingress).add(route).service("default", "web", "10.0.0.1")
                .service("default", "api", "10.0.0.2").compile();

        assertThat(order(c.table(), "a.com")).containsExactly("default/site:a.com/login",
                "default/api:a.com/api#0", "default/site:a.com/");
        assertThat(c.diagnosticsOf("Route/default/api")).singleElement().satisfies(d -> assertThat(d.reason())
                .isEqualTo("conflicts with Ingress/default/site, which is older and serves it"));
        // exact host over wildcard: the Route's "/" serves only the wildcard host, the Ingress's "/" the exact one
        assertThat(TableLookup.service(c.table(), "a.com", "/x")).isEqualTo("web");
        assertThat(TableLookup.service(c.table(), "b.a.com", "/x")).isEqualTo("api");
        assertThat(TableLookup.service(c.table(), "a.com", "/api/x")).isEqualTo("api");
        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).containsExactly("a.com", "*.a.com");
    }

    @Test
    void anOlderRouteKeepsAMatchANewerIngressClaims() {
        dev.breakwater.operator.crd.Route route = Fixtures.route("default", "api").created("2024-01-01T00:00:00Z")
                .hostnames("a.com").rule().prefix("/api").backend("api", 80).build();
        Ingress ingress = Fixtures.ingress("default", "site").created("2024-02-01T00:00:00Z").host("a.com")
                .prefix("/api/", "web", 80).build();
        Compilation c = Snapshots.with(ingress).add(route).service("default", "web", "10.0.0.1")
                .service("default", "api", "10.0.0.2").compile();

        assertThat(TableLookup.service(c.table(), "a.com", "/api")).isEqualTo("api");
        assertThat(c.diagnosticsOf("Ingress/default/site")).singleElement().satisfies(d -> assertThat(d.reason())
                .isEqualTo("conflicts with Route/default/api, which is older and serves it"));
    }

    @Test
    void theSameObjectsInAnyOrderGiveTheSameTable() {
        List<dev.breakwater.operator.crd.Route> routes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            routes.add(Fixtures.route("ns" + i % 3, "r" + i).hostnames("h" + i % 4 + ".com")
                    .rule().prefix("/p" + i % 5).header("x-n", String.valueOf(i % 2)).backend("web", 80)
                    .rule().exact("/e" + i % 3).backend("web", 80).build());
        }
        Snapshots base = new Snapshots();
        for (int i = 0; i < 3; i++) {
            base.service("ns" + i, "web", "10.0.0." + (i + 1));
        }
        RoutingTable first = null;
        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            List<dev.breakwater.operator.crd.Route> shuffled = new ArrayList<>(routes);
            Collections.shuffle(shuffled, random);
            Compilation c = Compiler.compile(base.build().withRoutes(shuffled), CompilerOptions.local(null));
            if (first == null) {
                first = c.table();
            } else {
                assertThat(c.table()).isEqualTo(first);
            }
        }
    }
}
