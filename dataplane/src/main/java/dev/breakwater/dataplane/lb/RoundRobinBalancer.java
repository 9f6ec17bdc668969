package dev.breakwater.dataplane.lb;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round-robin over a cluster's ready endpoints. Endpoints that are serving but terminating are used only
 * when no ready endpoint is left; endpoints that are neither get no requests.
 */
public final class RoundRobinBalancer {

    private final UpstreamEndpoint[] ready;
    private final UpstreamEndpoint[] fallback;
    private final AtomicInteger next = new AtomicInteger();

    public RoundRobinBalancer(Cluster cluster) {
        List<Endpoint> endpoints = cluster.endpoints();
        List<UpstreamEndpoint> r = new ArrayList<>();
        List<UpstreamEndpoint> f = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (e.ready() && !e.terminating()) {
                r.add(new UpstreamEndpoint(e, cluster.protocol(), cluster.tls()));
            } else if (e.serving()) {
                f.add(new UpstreamEndpoint(e, cluster.protocol(), cluster.tls()));
            }
        }
        this.ready = r.toArray(UpstreamEndpoint[]::new);
        this.fallback = f.toArray(UpstreamEndpoint[]::new);
    }

    /**
     * The next endpoint, avoiding {@code exclude} when another one exists; null when the cluster has no
     * endpoint that may serve.
     */
    public UpstreamEndpoint pick(UpstreamEndpoint exclude) {
        UpstreamEndpoint[] candidates = ready.length > 0 ? ready : fallback;
        int n = candidates.length;
        if (n == 0) {
            return null;
        }
        int start = next.getAndIncrement() & Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            UpstreamEndpoint e = candidates[(start + i) % n];
            if (exclude == null || !e.key().equals(exclude.key())) {
                return e;
            }
        }
        return candidates[start % n];
    }

    /** Number of endpoints that may get new requests. */
    public int available() {
        return ready.length > 0 ? ready.length : fallback.length;
    }
}
