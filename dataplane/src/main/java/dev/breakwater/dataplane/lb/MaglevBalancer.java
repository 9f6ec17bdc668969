package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.routing.ClusterPolicy;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of {@value #TABLE_SIZE} entries
 * filled by each endpoint's own permutation, in turns proportional to its weight. O(1) lookups, even spread,
 * and little movement when an endpoint goes away. A key whose endpoint is unavailable probes onwards.
 */
final class MaglevBalancer extends Balancer {

    static final int TABLE_SIZE = 65537;

    private final ClusterPolicy.HashKey hashKey;
    private final int[] table;

    MaglevBalancer(UpstreamEndpoint[] endpoints, ClusterPolicy.HashKey hashKey, Long slowStartWindowMillis) {
        super(endpoints, slowStartWindowMillis);
        this.hashKey = hashKey;
        this.table = build(endpoints);
    }

    private static int[] build(UpstreamEndpoint[] endpoints) {
        int n = endpoints.length;
        int[] table = new int[TABLE_SIZE];
        if (n == 0) {
            return new int[0];
        }
        java.util.Arrays.fill(table, -1);
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        int maxWeight = 1;
        for (int i = 0; i < n; i++) {
            String name = endpoints[i].endpoint().authority();
            offset[i] = Long.remainderUnsigned(Hashing.hash(name + "#offset"), TABLE_SIZE);
            skip[i] = Long.remainderUnsigned(Hashing.hash(name + "#skip"), TABLE_SIZE - 1) + 1;
            maxWeight = Math.max(maxWeight, endpoints[i].endpoint().weight());
        }
        int filled = 0;
        long[] credit = new long[n];
        while (true) {
            for (int i = 0; i < n; i++) {
                credit[i] += endpoints[i].endpoint().weight();
                if (credit[i] < maxWeight) {
                    continue; // lighter endpoints take fewer turns
                }
                credit[i] -= maxWeight;
                int c;
                do {
                    c = (int) ((offset[i] + next[i] * skip[i]) % TABLE_SIZE);
                    next[i]++;
                } while (table[c] >= 0);
                table[c] = i;
                if (++filled == TABLE_SIZE) {
                    return table;
                }
            }
        }
    }

    @Override
    public UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude, long nowNanos) {
        if (table.length == 0) {
            return null;
        }
        String key = HashKeys.value(hashKey, ctx);
        if (key == null) {
            return scan(exclude, nowNanos);
        }
        int slot = (int) Long.remainderUnsigned(Hashing.hash(key), TABLE_SIZE);
        for (int probe = 0; probe < 64; probe++) {
            UpstreamEndpoint e = endpoints[table[(slot + probe * 7919) % TABLE_SIZE]];
            if (usable(e, exclude, nowNanos)) {
                return e;
            }
        }
        return scan(exclude, nowNanos);
    }

    /** The endpoint owning a key, ignoring availability. */
    UpstreamEndpoint owner(String key) {
        return endpoints[table[(int) Long.remainderUnsigned(Hashing.hash(key), TABLE_SIZE)]];
    }
}
