package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.lb.AffinityCookie;
import dev.breakwater.dataplane.lb.PickContext;

/**
 * Which endpoint an upstream call goes to: the route's cluster by weight, then the endpoint the client's affinity
 * cookie names while it may serve, else the balancer's pick (and a new cookie); on a retry, another endpoint where
 * one exists.
 */
final class EndpointChoice {

    private final CompiledRoute route;
    private final PickContext pick;
    private final boolean https;
    private CompiledCluster cluster;
    private UpstreamEndpoint endpoint;
    private String affinityCookie;

    EndpointChoice(CompiledRoute route, PickContext pick, boolean https) {
        this.route = route;
        this.pick = pick;
        this.https = https;
    }

    /** The first choice; false when the route has no endpoint that may serve. */
    boolean first() {
        cluster = route.pickCluster();
        if (cluster == null) {
            return false;
        }
        AffinityCookie affinity = route.affinity();
        endpoint = affinity == null ? null : cluster.byAffinity(affinity.requested(pick));
        if (endpoint == null) {
            endpoint = cluster.pick(pick, null);
            if (endpoint != null && affinity != null) {
                affinityCookie = affinity.setCookie(cluster.affinityId(endpoint), https);
            }
        }
        return endpoint != null;
    }

    /** The endpoint for a retry, avoiding the last one where another may serve; false when none may. */
    boolean next() {
        UpstreamEndpoint previous = endpoint;
        UpstreamEndpoint next = cluster.pick(pick, previous);
        if (next == null) {
            return false;
        }
        endpoint = next;
        AffinityCookie affinity = route.affinity();
        if (affinity != null && next != previous) {
            affinityCookie = affinity.setCookie(cluster.affinityId(next), https);
        }
        return true;
    }

    CompiledCluster cluster() {
        return cluster;
    }

    UpstreamEndpoint endpoint() {
        return endpoint;
    }

    /** The {@code Set-Cookie} pinning the client to the endpoint chosen, or null. */
    String affinityCookie() {
        return affinityCookie;
    }
}
