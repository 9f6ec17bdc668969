package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.crd.CacheSpec;
import dev.breakwater.operator.crd.CompressionSpec;
import dev.breakwater.operator.crd.HealthCheckSpec;
import dev.breakwater.operator.crd.HstsSpec;
import dev.breakwater.operator.crd.LoadBalancerSpec;
import dev.breakwater.operator.crd.MatchSpec;
import dev.breakwater.operator.crd.OutlierDetectionSpec;
import dev.breakwater.operator.crd.RequestKeySpec;
import dev.breakwater.operator.crd.RetriesSpec;
import dev.breakwater.operator.crd.SessionAffinitySpec;
import dev.breakwater.operator.crd.StringMatchType;
import dev.breakwater.operator.crd.TimeoutsSpec;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Compression;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.QueryParamMatch;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.SessionAffinity;
import dev.breakwater.routing.StringMatch;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each field of a Route mapped onto the routing table. */
class RouteCompilerTest {

    private static final String SHOP = "Route/default/shop";

    private static VirtualHost host(RoutingTable table, String name) {
        return table.virtualHosts().stream().filter(v -> v.hostname().equals(name)).findFirst().orElseThrow();
    }

    private static Route only(Compilation c) {
        assertThat(c.table().virtualHosts()).hasSize(1);
        assertThat(c.table().virtualHosts().get(0).routes()).hasSize(1);
        return c.table().virtualHosts().get(0).routes().get(0);
    }

    @Test
    void hostnamesBecomeVirtualHostsAndEachRuleARouteOnEveryOne() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop")
                        .hostnames("shop.example.com", "*.shop.example.com")
                        .rule().prefix("/api").backend("api", 80)
                        .rule("web").backend("web", 80).build())
                .service("default", "api", "10.0.0.1").service("default", "web", "10.0.0.2").compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname)
                .containsExactly("shop.example.com", "*.shop.example.com");
        assertThat(host(c.table(), "shop.example.com").routes()).extracting(Route::name).containsExactly(
                "default/shop:shop.example.com/api#0", "default/shop:shop.example.com/#web");
        assertThat(host(c.table(), "*.shop.example.com").routes()).extracting(Route::source)
                .containsOnly(SHOP);
        Route api = host(c.table(), "shop.example.com").routes().get(0);
        assertThat(api.match()).isEqualTo(RouteMatch.path(PathMatch.prefix("/api")));
        assertThat(api.action()).isEqualTo(RouteAction.Forward.to("default/api:http"));
        assertThat(c.table().clusters()).extracting(Cluster::name).containsExactly("default/api:http",
                "default/web:http");
        assertThat(c.table().cluster("default/api:http").endpoints()).containsExactly(Endpoint.ready("10.0.0.1", 8080));
    }

    @Test
    void aRouteWithoutHostnamesServesEveryHostNoOtherObjectNames() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80).build())
                .service("default", "web", "10.0.0.2").compile();

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::hostname).containsExactly(VirtualHost.CATCH_ALL);
        assertThat(only(c).match()).isEqualTo(RouteMatch.path(PathMatch.prefix("/")));
    }

    @Test
    void everyKindOfMatchIsMapped() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").hostnames("shop.example.com")
                        .rule()
                        .exact("/login").method(MatchSpec.HttpMethod.POST)
                        .regex("/items/[0-9]+").header("X-Tenant", "acme")
                        .header(StringMatchType.REGULAR_EXPRESSION, "user-agent", ".*Firefox.*")
                        .prefix("/search").query("q", "shoes").query(StringMatchType.REGULAR_EXPRESSION, "page", "[0-9]+")
                        .anyPath().header(StringMatchType.EXACT, "x-canary", "1")
                        .backend("web", 80).build())
                .service("default", "web", "10.0.0.2").compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(host(c.table(), "shop.example.com").routes()).extracting(Route::match).containsExactly(
                new RouteMatch(PathMatch.exact("/login"), List.of(), List.of(), "POST"),
                new RouteMatch(new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "/items/[0-9]+"),
                        List.of(new HeaderMatch("x-tenant", StringMatch.EXACT, "acme"),
                                new HeaderMatch("user-agent", StringMatch.REGULAR_EXPRESSION, ".*Firefox.*")),
                        List.of(), null),
                new RouteMatch(PathMatch.prefix("/search"), List.of(), List.of(
                        new QueryParamMatch("q", StringMatch.EXACT, "shoes"),
                        new QueryParamMatch("page", StringMatch.REGULAR_EXPRESSION, "[0-9]+")), null),
                new RouteMatch(PathMatch.prefix("/"), List.of(new HeaderMatch("x-canary", StringMatch.EXACT, "1")),
                        List.of(), null));
    }

    @Test
    void weightedBackendsSplitTheRuleByWeightByPortNameOrNumber() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule()
                        .backend("stable", "http", 80).backend("canary", new io.fabric8.kubernetes.api.model.IntOrString(80),
                                20).backend("dark", "http", 0).build())
                .service("default", "stable", "10.0.0.1").service("default", "canary", "10.0.0.2")
                .service("default", "dark", "10.0.0.3").compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(only(c).action()).isEqualTo(new RouteAction.Forward(List.of(
                new RouteAction.BackendRef("default/stable:http", 80),
                new RouteAction.BackendRef("default/canary:http", 20),
                new RouteAction.BackendRef("default/dark:http", 0))));
    }

    @Test
    void timeoutsBodySizeRetriesAffinityCacheAndCompressionGoToTheRoutePolicy() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
            rule.timeouts = new TimeoutsSpec();
            rule.timeouts.connect = "250ms";
            rule.timeouts.response = "1m30s";
            rule.timeouts.webSocketIdle = "2h";
            rule.maxRequestBodySize = new Quantity("10Mi");
            rule.retries = new RetriesSpec();
            rule.retries.attempts = 4;
            rule.retries.perTryTimeout = "2s";
            rule.retries.on = List.of(RetriesSpec.RetryOn.FIVE_XX, RetriesSpec.RetryOn.RESET);
            rule.retries.budgetPercent = 30;
            rule.retries.minRetryConcurrency = 5;
            rule.sessionAffinity = new SessionAffinitySpec();
            rule.sessionAffinity.cookieName = "SHOP";
            rule.sessionAffinity.maxAge = "1h";
            rule.sessionAffinity.path = "/cart";
            rule.cache = new CacheSpec();
            rule.cache.defaultTTL = "60s";
            rule.cache.maxObjectSize = new Quantity("1Mi");
            rule.cache.staleWhileRevalidate = "30s";
            rule.cache.staleIfError = "5m";
            rule.cache.storeWithSetCookie = true;
            rule.cache.purgeGeneration = 7L;
            rule.compression = new CompressionSpec();
            rule.compression.minSize = new Quantity("1Ki");
            rule.compression.contentTypes = List.of("text/html", "application/json");
        }).build()).service("default", "web", "10.0.0.2").compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(only(c).policy()).isEqualTo(RoutePolicy.builder().connectTimeoutMillis(250L)
                .responseTimeoutMillis(90_000L).maxRequestBodyBytes(10L << 20).webSocketIdleTimeoutMillis(7_200_000L)
                .retries(new Retries(4, true, true, 2_000L, 30, 5)).affinity(new SessionAffinity("SHOP", 3_600L, "/cart"))
                .cache(new CachePolicy(60L, 1L << 20, 30L, 300L, true, 7)).compression(new Compression(1024L,
                        List.of("text/html", "application/json"))).build());
        assertThat(c.table().clusters()).extracting(Cluster::name).containsExactly("default/web:http");
    }

    @Test
    void theCachesHeuristicCapAndTargetedFieldsGoToTheRoutePolicy() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
            rule.cache = new CacheSpec();
            rule.cache.heuristicMax = "10m";
            rule.cache.targetedCacheControl = true;
        }).build()).service("default", "web", "10.0.0.2").compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(only(c).policy().cache()).isEqualTo(new CachePolicy(null, null, null, null, false, 0, 600L, true));
    }

    @Test
    void partialSettingsGetTheSameDefaultsAsAnnotations() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
            rule.retries = new RetriesSpec();
            rule.retries.on = List.of(RetriesSpec.RetryOn.FIVE_XX);
            rule.cache = new CacheSpec();
            rule.compression = new CompressionSpec();
            rule.healthCheck = new HealthCheckSpec();
            rule.healthCheck.path = "/healthz";
            rule.outlierDetection = new OutlierDetectionSpec();
            rule.outlierDetection.consecutiveFailures = 3;
        }).build()).service("default", "web", "10.0.0.2").compile();

        Route route = only(c);
        assertThat(route.policy().retries()).isEqualTo(new Retries(3, true, false, null, 20, 3));
        assertThat(route.policy().cache()).isEqualTo(CachePolicy.DEFAULTS);
        assertThat(route.policy().compression()).isEqualTo(Compression.DEFAULTS);
        Cluster cluster = c.table().clusters().get(0);
        assertThat(cluster.policy().healthCheck()).isEqualTo(new ClusterPolicy.HealthCheck("/healthz", 5_000, 1_000,
                2, 3));
        assertThat(cluster.policy().outlierDetection()).isEqualTo(new ClusterPolicy.OutlierDetection(3, 30_000,
                300_000, 50));
    }

    @Test
    void compressionCanBeTurnedOffExplicitly() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
            rule.compression = new CompressionSpec();
            rule.compression.enabled = false;
        }).build()).service("default", "web", "10.0.0.2").compile();

        assertThat(only(c).policy().compression()).isNull();
    }

    @Test
    void balancingHealthOutlierDrainAndSlowStartGoToTheClusterPolicy() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
            rule.loadBalancer = new LoadBalancerSpec();
            rule.loadBalancer.type = LoadBalancerSpec.Type.RING_HASH;
            rule.loadBalancer.hashOn = new RequestKeySpec();
            rule.loadBalancer.hashOn.header = "x-user";
            rule.healthCheck = new HealthCheckSpec();
            rule.healthCheck.path = "/healthz";
            rule.healthCheck.interval = "2s";
            rule.healthCheck.timeout = "500ms";
            rule.healthCheck.healthyThreshold = 3;
            rule.healthCheck.unhealthyThreshold = 4;
            rule.outlierDetection = new OutlierDetectionSpec();
            rule.outlierDetection.consecutiveFailures = 7;
            rule.outlierDetection.baseEjectionTime = "10s";
            rule.outlierDetection.maxEjectionTime = "1m";
            rule.outlierDetection.maxEjectionPercent = 30;
            rule.drainTimeout = "45s";
            rule.slowStart = "20s";
        }).build()).service("default", "web", "10.0.0.2").compile();

        assertThat(c.diagnostics()).isEmpty();
        ClusterPolicy expected = new ClusterPolicy(new ClusterPolicy.LoadBalancer(
                ClusterPolicy.LoadBalancer.Type.RING_HASH, new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.HEADER,
                "x-user")), new ClusterPolicy.HealthCheck("/healthz", 2_000, 500, 3, 4),
                new ClusterPolicy.OutlierDetection(7, 10_000, 60_000, 30), 45_000L, 20_000L);
        assertThat(c.table().clusters()).singleElement().satisfies(cl -> {
            assertThat(cl.policy()).isEqualTo(expected);
            assertThat(cl.name()).startsWith("default/web:http|");
        });
        assertThat(((RouteAction.Forward) only(c).action()).backends().get(0).cluster())
                .isEqualTo(c.table().clusters().get(0).name());
    }

    @Test
    void eachBalancerAndHashKeyIsMapped() {
        record Case(LoadBalancerSpec.Type type, RequestKeySpec key, ClusterPolicy.LoadBalancer expected) {
        }
        RequestKeySpec cookie = new RequestKeySpec();
        cookie.cookie = "session";
        RequestKeySpec source = new RequestKeySpec();
        source.sourceIP = true;
        for (Case k : List.of(
                new Case(LoadBalancerSpec.Type.ROUND_ROBIN, null,
                        ClusterPolicy.LoadBalancer.of(ClusterPolicy.LoadBalancer.Type.ROUND_ROBIN)),
                new Case(LoadBalancerSpec.Type.LEAST_REQUEST, null,
                        ClusterPolicy.LoadBalancer.of(ClusterPolicy.LoadBalancer.Type.LEAST_REQUEST)),
                new Case(LoadBalancerSpec.Type.RANDOM, null,
                        ClusterPolicy.LoadBalancer.of(ClusterPolicy.LoadBalancer.Type.RANDOM)),
                new Case(LoadBalancerSpec.Type.MAGLEV, cookie, new ClusterPolicy.LoadBalancer(
                        ClusterPolicy.LoadBalancer.Type.MAGLEV, new ClusterPolicy.HashKey(
                        ClusterPolicy.HashKey.Source.COOKIE, "session"))),
                new Case(LoadBalancerSpec.Type.RING_HASH, source, new ClusterPolicy.LoadBalancer(
                        ClusterPolicy.LoadBalancer.Type.RING_HASH, new ClusterPolicy.HashKey(
                        ClusterPolicy.HashKey.Source.SOURCE_IP, null))))) {
            Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("web", 80).with(rule -> {
                rule.loadBalancer = new LoadBalancerSpec();
                rule.loadBalancer.type = k.type();
                rule.loadBalancer.hashOn = k.key();
            }).build()).service("default", "web", "10.0.0.2").compile();

            assertThat(c.diagnostics()).as(k.toString()).isEmpty();
            assertThat(c.table().clusters().get(0).policy().loadBalancer()).as(k.toString()).isEqualTo(k.expected());
        }
    }

    @Test
    void tlsServesTheSecretsCertificateRedirectsAndAddsHsts() {
        TestPki.Issued cert = TestPki.create("Route test CA").server("shop.example.com");
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").hostnames("shop.example.com")
                        .tls("shop-tls", tls -> {
                            tls.hsts = new HstsSpec();
                            tls.hsts.maxAgeSeconds = 600L;
                            tls.hsts.includeSubDomains = true;
                        })
                        .rule().backend("web", 80).build())
                .service("default", "web", "10.0.0.2")
                .secret("default", "shop-tls", "kubernetes.io/tls", "tls.crt", cert.chainPem(), "tls.key", cert.keyPem())
                .compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().certificates()).singleElement().satisfies(crt -> {
            assertThat(crt.name()).isEqualTo("default/shop-tls");
            assertThat(crt.hosts()).containsExactly("shop.example.com");
        });
        assertThat(only(c).policy().redirectsToHttps()).isTrue();
        assertThat(only(c).policy().hsts()).isEqualTo(new RoutePolicy.Hsts(600, true, false));
    }

    @Test
    void tlsWithoutRedirectAndHstsDefaults() {
        TestPki.Issued cert = TestPki.create("Route test CA").server("shop.example.com");
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").hostnames("shop.example.com")
                        .tls("shop-tls", tls -> {
                            tls.redirectHttp = false;
                            tls.hsts = new HstsSpec();
                        })
                        .rule().backend("web", 80).build())
                .service("default", "web", "10.0.0.2")
                .secret("default", "shop-tls", "kubernetes.io/tls", "tls.crt", cert.chainPem(), "tls.key", cert.keyPem())
                .compile();

        assertThat(only(c).policy().redirectsToHttps()).isFalse();
        assertThat(only(c).policy().hsts()).isEqualTo(new RoutePolicy.Hsts(31_536_000, false, false));
    }

    @Test
    void aGoodRouteIsAcceptedWithItsReferencesResolved() {
        io.fabric8.kubernetes.api.model.ObjectMeta meta;
        dev.breakwater.operator.crd.Route route = Fixtures.route("default", "shop").rule().backend("web", 80).build();
        meta = route.getMetadata();
        meta.setGeneration(3L);
        Compilation c = Snapshots.with(route).service("default", "web", "10.0.0.2").compile();

        assertThat(c.routeStatus("default", "shop")).hasValueSatisfying(s -> {
            assertThat(s.object()).isEqualTo(SHOP);
            assertThat(s.generation()).isEqualTo(3L);
            assertThat(s.accepted()).isEqualTo(new RouteStatusReport.Condition("Accepted", true, "Accepted", "served"));
            assertThat(s.resolvedRefs().status()).isTrue();
            assertThat(s.resolvedRefs().reason()).isEqualTo("ResolvedRefs");
        });
    }
}
