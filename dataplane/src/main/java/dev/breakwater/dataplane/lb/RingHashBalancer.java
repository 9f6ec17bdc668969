package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.routing.ClusterPolicy;
import java.util.Arrays;

/**
 * Consistent hashing on a ring: each endpoint owns {@value #VNODES_PER_WEIGHT} points per unit of weight,
 * placed by hashing its address, so removing one endpoint moves only the keys it owned. A request whose key
 * is missing is placed at random; a key whose owner is unavailable goes to the next owner on the ring.
 */
final class RingHashBalancer extends Balancer {

    static final int VNODES_PER_WEIGHT = 100;
    private static final int MAX_POINTS = 100_000;

    private final ClusterPolicy.HashKey hashKey;
    private final long[] points;
    private final int[] owners;

    RingHashBalancer(UpstreamEndpoint[] endpoints, ClusterPolicy.HashKey hashKey, Long slowStartWindowMillis) {
        super(endpoints, slowStartWindowMillis);
        this.hashKey = hashKey;
        long totalWeight = 0;
        for (UpstreamEndpoint e : endpoints) {
            totalWeight += e.endpoint().weight();
        }
        long perWeight = totalWeight == 0 ? 0 : Math.max(1, Math.min(VNODES_PER_WEIGHT, MAX_POINTS / totalWeight));
        int count = (int) (perWeight * totalWeight);
        long[] packed = new long[count];
        long[] hashes = new long[count];
        int k = 0;
        for (int i = 0; i < endpoints.length; i++) {
            String base = endpoints[i].endpoint().authority();
            long vnodes = perWeight * endpoints[i].endpoint().weight();
            for (int v = 0; v < vnodes; v++) {
                hashes[k] = Hashing.hash(base + "#" + v);
                packed[k] = i;
                k++;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(hashes[a], hashes[b]));
        points = new long[count];
        owners = new int[count];
        for (int i = 0; i < count; i++) {
            points[i] = hashes[order[i]];
            owners[i] = (int) packed[order[i]];
        }
    }

    @Override
    public UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude, long nowNanos) {
        if (points.length == 0) {
            return null;
        }
        String key = HashKeys.value(hashKey, ctx);
        if (key == null) {
            return scan(exclude, nowNanos);
        }
        long h = Hashing.hash(key);
        int i = lowerBound(h);
        int seen = 0;
        for (int step = 0; step < points.length && seen < endpoints.length * 4; step++) {
            UpstreamEndpoint e = endpoints[owners[(i + step) % points.length]];
            if (usable(e, exclude, nowNanos)) {
                return e;
            }
            seen++;
        }
        return scan(exclude, nowNanos);
    }

    /** The owner of a key, ignoring availability (for tests of key movement). */
    UpstreamEndpoint owner(String key) {
        return endpoints[owners[lowerBound(Hashing.hash(key)) % points.length]];
    }

    private int lowerBound(long h) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }
}
