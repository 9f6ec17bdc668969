package dev.breakwater.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A table swap compiles only the hosts and clusters that changed; the rest keep their compiled form. */
class RouterReuseTest {

    private final RateLimiters limiters = new RateLimiters(1000);
    private final TableHolder holder = new TableHolder(new ProxyMetrics(), null, null, new EndpointRegistry(),
            limiters, ProxyConfig.defaults());

    private static VirtualHost host(int i, RoutePolicy policy) {
        return new VirtualHost("h" + i + ".test", List.of(new Route("h" + i + "/#0", "Ingress/d/h" + i,
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c" + i), policy)));
    }

    private static Cluster cluster(int i, String address) {
        return new Cluster("c" + i, null, List.of(Endpoint.ready(address, 80)));
    }

    private static RoutingTable table(int n, int changedHost, int changedCluster) {
        List<VirtualHost> hosts = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(host(i, i == changedHost ? RoutePolicy.builder().connectTimeoutMillis(1234L).build() : null));
            clusters.add(cluster(i, i == changedCluster ? "10.9.9.9" : "10.0.0." + (i + 1)));
        }
        return RoutingTable.of(hosts, clusters);
    }

    private CompiledRoute route(Router router, int i) {
        return router.route("h" + i + ".test", "/", null, "GET", new DefaultHttpHeaders());
    }

    @Test
    void onlyWhatChangedIsCompiledAgain() {
        Router first = holder.apply(table(5, -1, -1));
        Router second = holder.apply(table(5, 1, 3));

        assertThat(first.hostsKept()).isZero();
        assertThat(second.clustersKept()).isEqualTo(4);
        assertThat(second.hostsKept()).as("h1 changed, h3's cluster changed").isEqualTo(3);
        for (int i : new int[] {0, 2, 4}) {
            assertThat(route(second, i)).as("h%d", i).isSameAs(route(first, i));
        }
        assertThat(route(second, 1)).isNotSameAs(route(first, 1));
        assertThat(route(second, 1).limits().connectTimeoutMillis()).isEqualTo(1234);
        assertThat(route(second, 3)).isNotSameAs(route(first, 3));
        CompiledCluster c3 = second.clusters().stream().filter(c -> c.name().equals("c3")).findFirst().orElseThrow();
        assertThat(c3.cluster().endpoints()).extracting(Endpoint::address).containsExactly("10.9.9.9");
        assertThat(second.clusters()).filteredOn(c -> c.name().equals("c0"))
                .containsExactlyElementsOf(first.clusters().stream().filter(c -> c.name().equals("c0")).toList());
    }

    @Test
    void aKeptRouteKeepsItsRateLimiter() {
        RoutePolicy limited = RoutePolicy.DEFAULTS.withRateLimit(new RateLimit(5, 1000, 5, RateLimit.Key.SOURCE_IP));
        RoutingTable a = RoutingTable.of(List.of(host(0, limited), host(1, null)),
                List.of(cluster(0, "10.0.0.1"), cluster(1, "10.0.0.2")));
        RoutingTable b = RoutingTable.of(List.of(host(0, limited), host(1, null)),
                List.of(cluster(0, "10.0.0.1"), cluster(1, "10.0.0.3")));

        Router first = holder.apply(a);
        // a generation never committed only looks: the limiter the served table holds for that route and limit
        var limiter = limiters.next().limiter("h0/#0", limited.rateLimit());
        Router second = holder.apply(b);
        var afterSecond = limiters.next().limiter("h0/#0", limited.rateLimit());
        Router third = holder.apply(a);

        assertThat(second.hostsKept()).isEqualTo(1);
        assertThat(route(second, 0)).isSameAs(route(first, 0));
        assertThat(third.hostsKept()).isEqualTo(1);
        assertThat(route(third, 0)).isSameAs(route(first, 0));
        assertThat(afterSecond).as("still in use, so not dropped with its buckets").isSameAs(limiter);
        assertThat(limiters.next().limiter("h0/#0", limited.rateLimit())).isSameAs(limiter);
    }
}
