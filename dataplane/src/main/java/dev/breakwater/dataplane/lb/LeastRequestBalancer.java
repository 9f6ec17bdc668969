package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Least request by the power of two choices: of two endpoints drawn at random (by weight), the one with
 * fewer requests in flight per unit of weight. Near-optimal balance without a global scan or lock.
 */
final class LeastRequestBalancer extends Balancer {

    LeastRequestBalancer(UpstreamEndpoint[] endpoints, Long slowStartWindowMillis) {
        super(endpoints, slowStartWindowMillis);
    }

    @Override
    public UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude, long nowNanos) {
        int n = endpoints.length;
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return usable(endpoints[0], exclude, nowNanos) ? endpoints[0] : null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int tries = 0; tries < 8; tries++) {
            UpstreamEndpoint a = drawByWeight(rnd);
            UpstreamEndpoint b = drawByWeight(rnd);
            boolean ua = usable(a, exclude, nowNanos);
            boolean ub = b != a && usable(b, exclude, nowNanos);
            if (ua && ub) {
                return load(a) <= load(b) ? a : b;
            }
            if (ua) {
                return a;
            }
            if (ub) {
                return b;
            }
        }
        return scan(exclude, nowNanos);
    }

    private static double load(UpstreamEndpoint e) {
        return (double) e.state().active() / e.endpoint().weight();
    }
}
