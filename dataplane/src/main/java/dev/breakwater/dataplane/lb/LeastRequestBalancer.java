package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Least request by the power of two choices: of two endpoints drawn at random (by weight), the one with
 * fewer requests in flight per unit of weight. Near-optimal balance without a global scan or lock.
 */
final class LeastRequestBalancer extends Balancer {

    private final long[] cumulative;

    LeastRequestBalancer(UpstreamEndpoint[] endpoints, Long slowStartWindowMillis) {
        super(endpoints, slowStartWindowMillis);
        cumulative = new long[endpoints.length];
        long sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            sum += endpoints[i].endpoint().weight();
            cumulative[i] = sum;
        }
    }

    /** An endpoint drawn with probability proportional to its weight. */
    private UpstreamEndpoint draw(ThreadLocalRandom rnd) {
        long r = rnd.nextLong(cumulative[cumulative.length - 1]);
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return endpoints[lo];
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
            UpstreamEndpoint a = draw(rnd);
            UpstreamEndpoint b = draw(rnd);
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
