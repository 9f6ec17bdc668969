package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import java.util.concurrent.ThreadLocalRandom;

/** Weighted random choice. */
final class RandomBalancer extends Balancer {

    RandomBalancer(UpstreamEndpoint[] endpoints, Long slowStartWindowMillis) {
        super(endpoints, slowStartWindowMillis);
    }

    @Override
    public UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude, long nowNanos) {
        if (endpoints.length == 0) {
            return null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int tries = 0; tries < 8; tries++) {
            UpstreamEndpoint e = drawByWeight(rnd);
            if (usable(e, exclude, nowNanos)) {
                return e;
            }
        }
        return scan(exclude, nowNanos);
    }
}
