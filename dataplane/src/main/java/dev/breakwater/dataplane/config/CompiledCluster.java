package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.lb.RoundRobinBalancer;
import dev.breakwater.routing.Cluster;

/** A cluster of the current table with its balancer. */
public final class CompiledCluster {

    private final Cluster cluster;
    private final RoundRobinBalancer balancer;

    CompiledCluster(Cluster cluster) {
        this.cluster = cluster;
        this.balancer = new RoundRobinBalancer(cluster);
    }

    public String name() {
        return cluster.name();
    }

    public Cluster cluster() {
        return cluster;
    }

    /** The endpoint for the next request, avoiding {@code exclude} where possible; null when none may serve. */
    public UpstreamEndpoint pick(UpstreamEndpoint exclude) {
        return balancer.pick(exclude);
    }
}
