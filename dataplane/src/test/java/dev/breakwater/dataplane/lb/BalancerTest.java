package dev.breakwater.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.backend.EndpointState;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.ClusterPolicy.LoadBalancer.Type;
import dev.breakwater.routing.Endpoint;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Distribution of each balancer over many picks, and the stability of the consistent hashes. */
class BalancerTest {

    private final EndpointRegistry registry = new EndpointRegistry();

    private UpstreamEndpoint[] endpoints(int... weights) {
        UpstreamEndpoint[] eps = new UpstreamEndpoint[weights.length];
        for (int i = 0; i < weights.length; i++) {
            eps[i] = new UpstreamEndpoint(new Endpoint("10.0.0." + (i + 1), 8080, weights[i], null, true, true, false),
                    Cluster.Protocol.HTTP1, null, registry);
        }
        return eps;
    }

    private static PickContext key(String value) {
        return new PickContext() {
            @Override
            public String header(String name) {
                return value;
            }

            @Override
            public String cookie(String name) {
                return value;
            }

            @Override
            public String sourceIp() {
                return value;
            }
        };
    }

    private static ClusterPolicy.LoadBalancer lb(Type type) {
        return type == Type.RING_HASH || type == Type.MAGLEV
                ? new ClusterPolicy.LoadBalancer(type, new ClusterPolicy.HashKey(ClusterPolicy.HashKey.Source.HEADER, "x-user"))
                : ClusterPolicy.LoadBalancer.of(type);
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    void honoursWeightsWithinTolerance(Type type) {
        UpstreamEndpoint[] eps = endpoints(1, 2, 5);
        Balancer b = Balancer.create(lb(type), eps, null);
        Map<String, Integer> counts = new HashMap<>();
        int n = 80_000;
        for (int i = 0; i < n; i++) {
            // hashing balancers spread distinct keys; the others ignore the key
            counts.merge(b.pick(key("user-" + i), null, System.nanoTime()).key(), 1, Integer::sum);
        }
        double[] expected = {1 / 8.0, 2 / 8.0, 5 / 8.0};
        for (int i = 0; i < eps.length; i++) {
            double share = counts.getOrDefault(eps[i].key(), 0) / (double) n;
            assertThat(share).as(type + " share of weight " + eps[i].endpoint().weight())
                    .isCloseTo(expected[i], within(type == Type.ROUND_ROBIN ? 0.001 : 0.03));
        }
    }

    @Test
    void roundRobinInterleavesSmoothly() {
        UpstreamEndpoint[] eps = endpoints(5, 1, 1);
        Balancer b = Balancer.create(null, eps, null);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            order.append((char) ('a' + java.util.Arrays.asList(eps).indexOf(b.pick(PickContext.NONE, null, 0))));
        }
        assertThat(order.toString()).isEqualTo("aabacaa");
    }

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"RING_HASH", "MAGLEV"})
    void onlyTheKeysOfARemovedEndpointMove(Type type) {
        UpstreamEndpoint[] ten = endpoints(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        UpstreamEndpoint[] nine = java.util.Arrays.copyOf(ten, 9);
        Balancer before = Balancer.create(lb(type), ten, null);
        Balancer after = Balancer.create(lb(type), nine, null);
        int moved = 0;
        int movedFromOthers = 0;
        int keys = 20_000;
        for (int i = 0; i < keys; i++) {
            PickContext k = key("session-" + i);
            String was = before.pick(k, null, 0).key();
            String now = after.pick(k, null, 0).key();
            if (!was.equals(now)) {
                moved++;
                if (!was.equals(ten[9].key())) {
                    movedFromOthers++;
                }
            }
        }
        assertThat(movedFromOthers).as(type + ": keys of remaining endpoints that moved")
                .isLessThanOrEqualTo(type == Type.RING_HASH ? 0 : keys / 100);
        assertThat(moved / (double) keys).as("share that moved").isCloseTo(0.1, within(0.03));
    }

    @Test
    void hashingIsStableForAKeyAndSkipsUnavailableEndpoints() {
        UpstreamEndpoint[] eps = endpoints(1, 1, 1, 1);
        Balancer b = Balancer.create(lb(Type.RING_HASH), eps, null);
        UpstreamEndpoint first = b.pick(key("alice"), null, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(b.pick(key("alice"), null, 0)).isSameAs(first);
        }
        UpstreamEndpoint other = b.pick(key("alice"), first, 0);
        assertThat(other).isNotSameAs(first);
    }

    @Test
    void leastRequestPrefersTheIdleEndpoint() {
        UpstreamEndpoint[] eps = endpoints(1, 1);
        for (int i = 0; i < 10; i++) {
            eps[0].state().requestStarted();
        }
        Balancer b = Balancer.create(ClusterPolicy.LoadBalancer.of(Type.LEAST_REQUEST), eps, null);
        int idle = 0;
        for (int i = 0; i < 1000; i++) {
            if (b.pick(PickContext.NONE, null, 0) == eps[1]) {
                idle++;
            }
        }
        // two draws: the busy one only wins when both draws are the busy one (1 in 4)
        assertThat(idle).isGreaterThan(650);
    }

    @Test
    void slowStartRampsANewEndpointUp() {
        registry.state("http1://10.0.0.1:8080", System.nanoTime() - 100_000_000_000L); // an old endpoint
        UpstreamEndpoint[] eps = endpoints(1, 1);
        Balancer b = Balancer.create(null, eps, 60_000L);
        long start = eps[1].state().firstSeenNanos();
        int early = 0;
        for (int i = 0; i < 2000; i++) {
            if (b.pick(PickContext.NONE, null, start + 1_000_000_000L) == eps[1]) {
                early++;
            }
        }
        int late = 0;
        for (int i = 0; i < 2000; i++) {
            if (b.pick(PickContext.NONE, null, start + 61_000_000_000L) == eps[1]) {
                late++;
            }
        }
        assertThat(early).isLessThan(300);
        assertThat(late).isBetween(900, 1100);
    }

    @Test
    void ejectsAfterConsecutiveFailuresForAGrowingTimeWithinTheCap() {
        UpstreamEndpoint[] eps = endpoints(1, 1, 1, 1);
        ClusterPolicy.OutlierDetection od = new ClusterPolicy.OutlierDetection(3, 100, 1000, 50);
        EndpointState s = eps[0].state();
        long now = 0;
        assertThat(s.failed(od, now, true)).isFalse();
        assertThat(s.failed(od, now, true)).isFalse();
        assertThat(s.failed(od, now, true)).isTrue();
        assertThat(s.available(now + 50_000_000L)).isFalse();
        assertThat(s.available(now + 100_000_000L)).isTrue();
        for (int i = 0; i < 3; i++) {
            s.failed(od, now + 200_000_000L, true);
        }
        assertThat(s.available(now + 350_000_000L)).as("second ejection lasts 200 ms").isFalse();
        assertThat(s.available(now + 400_000_000L)).isTrue();
        EndpointState capped = eps[1].state();
        for (int i = 0; i < 10; i++) {
            capped.failed(od, now, false);
        }
        assertThat(capped.available(now)).as("not ejected over the cap").isTrue();
    }
}
