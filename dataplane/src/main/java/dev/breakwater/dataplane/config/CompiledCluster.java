package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.lb.Balancer;
import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.lb.Hashing;
import dev.breakwater.dataplane.lb.PickContext;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster of the current table: its endpoints split into tiers by their EndpointSlice conditions, a
 * balancer per tier, and the counters of its retry budget.
 *
 * <p>Tiers: {@code ready} endpoints (ready and not terminating) get requests; endpoints that are serving but
 * terminating get requests only when no ready endpoint is left; the others get none. Within a tier, ejected
 * and unhealthy endpoints are skipped, unless every endpoint of the tier is (then health is ignored rather
 * than failing every request: Envoy's panic mode).
 */
public final class CompiledCluster {

    private final Cluster cluster;
    private final Balancer ready;
    private final Balancer fallback;
    private final Map<String, UpstreamEndpoint> byAffinityId = new HashMap<>();
    private final Map<String, String> affinityIdByKey = new HashMap<>();
    private final ClusterPolicy.OutlierDetection outlier;
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final AtomicInteger activeRetries = new AtomicInteger();
    /** The pool key and the {@code host:port} of each endpoint of the table's cluster, in its order. */
    private final List<String> endpointKeys;
    private final List<String> endpointAuthorities;
    private final List<String> servingKeys;

    CompiledCluster(Cluster cluster, EndpointRegistry registry) {
        this.cluster = cluster;
        String[] keys = new String[cluster.endpoints().size()];
        String[] authorities = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            Endpoint e = cluster.endpoints().get(i);
            keys[i] = UpstreamEndpoint.key(e, cluster);
            authorities[i] = e.authority();
        }
        this.endpointKeys = List.of(keys);
        this.endpointAuthorities = List.of(authorities);
        List<UpstreamEndpoint> r = new ArrayList<>();
        List<UpstreamEndpoint> f = new ArrayList<>();
        for (Endpoint e : cluster.endpoints()) {
            if (e.ready() && !e.terminating()) {
                r.add(new UpstreamEndpoint(e, cluster.protocol(), cluster.tls(), registry));
            } else if (e.serving()) {
                f.add(new UpstreamEndpoint(e, cluster.protocol(), cluster.tls(), registry));
            }
        }
        ClusterPolicy p = cluster.policy();
        this.ready = Balancer.create(p.loadBalancer(), r.toArray(UpstreamEndpoint[]::new), p.slowStartWindowMillis());
        this.fallback = Balancer.create(p.loadBalancer(), f.toArray(UpstreamEndpoint[]::new), null);
        for (Balancer b : List.of(ready, fallback)) {
            for (UpstreamEndpoint e : b.endpoints()) {
                String id = Hashing.id(e.endpoint().authority());
                byAffinityId.put(id, e);
                affinityIdByKey.put(e.key(), id);
            }
        }
        this.outlier = p.outlierDetection() == null ? ClusterPolicy.OutlierDetection.DEFAULTS : p.outlierDetection();
        Balancer tier = ready.size() > 0 ? ready : fallback;
        List<String> serving = new ArrayList<>();
        for (UpstreamEndpoint e : tier.endpoints()) {
            serving.add(e.key());
        }
        this.servingKeys = List.copyOf(serving);
    }

    public String name() {
        return cluster.name();
    }

    public Cluster cluster() {
        return cluster;
    }

    /**
     * The endpoint for the next request, avoiding {@code exclude} where another may serve; null when the
     * cluster has no endpoint that may serve.
     */
    public UpstreamEndpoint pick(PickContext ctx, UpstreamEndpoint exclude) {
        Balancer tier = ready.size() > 0 ? ready : fallback;
        if (tier.size() == 0) {
            return null;
        }
        UpstreamEndpoint e = tier.pick(ctx, exclude, System.nanoTime());
        return e != null ? e : tier.pickIgnoringHealth(exclude);
    }

    /**
     * An endpoint of the serving tier whose key {@code tried} does not name, available ones first; null when it names
     * every one.
     */
    public UpstreamEndpoint untried(java.util.function.Predicate<String> tried) {
        return (ready.size() > 0 ? ready : fallback).scanAvoiding(tried, System.nanoTime());
    }

    /** The endpoint {@code pick} would use for this affinity id, if it may serve now; else null. */
    public UpstreamEndpoint byAffinity(String id) {
        UpstreamEndpoint e = id == null ? null : byAffinityId.get(id);
        if (e == null) {
            return null;
        }
        boolean tierServes = ready.size() > 0 ? isIn(ready, e) : isIn(fallback, e);
        return tierServes && e.state().available(System.nanoTime()) ? e : null;
    }

    /** The affinity id (cookie value) of an endpoint. */
    public String affinityId(UpstreamEndpoint e) {
        return affinityIdByKey.get(e.key());
    }

    private static boolean isIn(Balancer b, UpstreamEndpoint e) {
        for (UpstreamEndpoint x : b.endpoints()) {
            if (x == e) {
                return true;
            }
        }
        return false;
    }

    /** Counts a failed attempt on an endpoint; may eject it, within the cluster's ejection cap. */
    public void failed(UpstreamEndpoint e) {
        long now = System.nanoTime();
        int total = ready.size() + fallback.size();
        int ejected = 0;
        for (Balancer b : List.of(ready, fallback)) {
            for (UpstreamEndpoint x : b.endpoints()) {
                if (x.state().isEjected(now)) {
                    ejected++;
                }
            }
        }
        boolean mayEject = (ejected + 1) * 100 <= outlier.maxEjectionPercent() * total;
        e.state().failed(outlier, now, mayEject);
    }

    public void succeeded(UpstreamEndpoint e) {
        e.state().succeeded();
    }

    /** Every endpoint that may get requests (both tiers). */
    public List<UpstreamEndpoint> endpoints() {
        List<UpstreamEndpoint> all = new ArrayList<>(List.of(ready.endpoints()));
        all.addAll(List.of(fallback.endpoints()));
        return all;
    }

    /**
     * Keys of the endpoints that get new requests now (pooled idle connections to others are closed); made once with
     * the cluster, which a table swap keeps while its content stays.
     */
    public List<String> servingKeys() {
        return servingKeys;
    }

    /** The pool key of each endpoint of the table's cluster, in its order; made once with the cluster. */
    public List<String> endpointKeys() {
        return endpointKeys;
    }

    /** The {@code host:port} of each endpoint of the table's cluster, in its order; made once with the cluster. */
    public List<String> endpointAuthorities() {
        return endpointAuthorities;
    }

    public long drainTimeoutMillis() {
        Long d = cluster.policy().drainTimeoutMillis();
        return d == null ? 30_000 : d;
    }

    // ---- retry budget

    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    public void requestEnded() {
        activeRequests.decrementAndGet();
    }

    /** Takes a retry from the budget if it allows one: true if the retry may go ahead. */
    public boolean tryStartRetry(int budgetPercent, int minConcurrency) {
        while (true) {
            int retries = activeRetries.get();
            int allowed = Math.max(minConcurrency, activeRequests.get() * budgetPercent / 100);
            if (retries >= allowed) {
                return false;
            }
            if (activeRetries.compareAndSet(retries, retries + 1)) {
                return true;
            }
        }
    }

    public void retryEnded() {
        activeRetries.decrementAndGet();
    }

    public int activeRetries() {
        return activeRetries.get();
    }
}
