package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.config.CompiledCluster;
import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.lb.AffinityCookie;
import dev.breakwater.dataplane.lb.PickContext;

/**
 * Which endpoint an upstream call goes to: the route's cluster by weight, then the endpoint the client's affinity
 * cookie names while it may serve, else the balancer's pick (and a new cookie); on a retry, an endpoint not tried
 * yet where one exists, from the newest table's cluster of the same name: during a rolling update the endpoints that
 * replaced the one that failed are there, and the ones that left are not.
 */
final class EndpointChoice {

    /** Endpoints remembered as tried; a call makes at most a few attempts. */
    private static final int TRIED = 4;

    private final CompiledRoute route;
    private final PickContext pick;
    private final boolean https;
    private final TableHolder table;
    private CompiledCluster cluster;
    private UpstreamEndpoint endpoint;
    private String affinityCookie;
    private String[] tried;
    private int triedCount;

    /** @param table the table being served, whose newest cluster a retry picks from (null: the route's own) */
    EndpointChoice(CompiledRoute route, PickContext pick, boolean https, TableHolder table) {
        this.route = route;
        this.pick = pick;
        this.https = https;
        this.table = table;
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

    /**
     * The endpoint for a retry: the balancer's pick of the newest table's cluster, avoiding every endpoint tried
     * where another may serve; false when none may.
     */
    boolean next() {
        UpstreamEndpoint previous = endpoint;
        remember(previous);
        cluster = newest();
        UpstreamEndpoint next = cluster.pick(pick, previous);
        if (next == null) {
            return false;
        }
        if (wasTried(next.key())) {
            UpstreamEndpoint untried = cluster.untried(this::wasTried);
            if (untried != null) {
                next = untried;
            }
        }
        endpoint = next;
        AffinityCookie affinity = route.affinity();
        if (affinity != null && next != previous) {
            affinityCookie = affinity.setCookie(cluster.affinityId(next), https);
        }
        return true;
    }

    /** The cluster of the same name in the table served now (the one picked from, when the table has none). */
    private CompiledCluster newest() {
        Router router = table == null ? null : table.router();
        CompiledCluster now = router == null ? null : router.cluster(cluster.name());
        return now != null ? now : cluster;
    }

    private void remember(UpstreamEndpoint e) {
        if (tried == null) {
            tried = new String[TRIED];
        }
        if (triedCount < TRIED && !wasTried(e.key())) {
            tried[triedCount++] = e.key();
        }
    }

    private boolean wasTried(String key) {
        for (int i = 0; i < triedCount; i++) {
            if (tried[i].equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The cluster picked from last: at the start, the route's (where the call's place in the budget is kept). */
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
