package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.loop.LoopCells;

/**
 * Smooth weighted round-robin (nginx's algorithm): the order is computed once per table, interleaving
 * endpoints by weight (weights 5,1,1 give a,a,b,a,c,a,a rather than a,a,a,a,a,b,c), and walked by each event loop
 * with a cursor of its own (as each nginx worker keeps its own round-robin state), so that no pick writes memory
 * another core writes.
 */
final class RoundRobinBalancer extends Balancer {

    private static final int MAX_SEQUENCE = 4096;

    private final int[] sequence;
    private final LoopCells cursors = new LoopCells(1);

    RoundRobinBalancer(UpstreamEndpoint[] endpoints, Long slowStartWindowMillis) {
        super(endpoints, slowStartWindowMillis);
        this.sequence = smoothSequence(endpoints);
    }

    static int[] smoothSequence(UpstreamEndpoint[] endpoints) {
        int n = endpoints.length;
        if (n == 0) {
            return new int[0];
        }
        long total = 0;
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            weights[i] = endpoints[i].endpoint().weight();
            total += weights[i];
        }
        if (total > MAX_SEQUENCE) {
            // scale down, keeping every endpoint at least once
            for (int i = 0; i < n; i++) {
                weights[i] = (int) Math.max(1, weights[i] * MAX_SEQUENCE / total);
            }
            total = 0;
            for (int w : weights) {
                total += w;
            }
        }
        int[] seq = new int[(int) total];
        long[] current = new long[n];
        for (int s = 0; s < seq.length; s++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            seq[s] = best;
        }
        return seq;
    }

    @Override
    public UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude, long nowNanos) {
        int len = sequence.length;
        if (len == 0) {
            return null;
        }
        for (int tries = 0; tries < Math.min(len, 64); tries++) {
            int i = (int) ((cursors.next(0) & Long.MAX_VALUE) % len);
            UpstreamEndpoint e = endpoints[sequence[i]];
            if (usable(e, exclude, nowNanos)) {
                return e;
            }
        }
        return scan(exclude, nowNanos);
    }
}
