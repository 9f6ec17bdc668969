package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import java.util.concurrent.ThreadLocalRandom;

/** Weighted random choice. */
final class RandomBalancer extends Balancer {

    private final long[] cumulative;

    RandomBalancer(UpstreamEndpoint[] endpoints, Long slowStartWindowMillis) {
        super(endpoints, slowStartWindowMillis);
        cumulative = new long[endpoints.length];
        long sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            sum += endpoints[i].endpoint().weight();
            cumulative[i] = sum;
        }
    }

    @Override
    public UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude, long nowNanos) {
        int n = endpoints.length;
        if (n == 0) {
            return null;
        }
        for (int tries = 0; tries < 8; tries++) {
            long r = ThreadLocalRandom.current().nextLong(cumulative[n - 1]);
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > r) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            if (usable(endpoints[lo], exclude, nowNanos)) {
                return endpoints[lo];
            }
        }
        return scan(exclude, nowNanos);
    }
}
