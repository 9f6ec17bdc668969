package dev.breakwater.operator.policy;

import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.SessionAffinity;
import java.util.Locale;
import java.util.function.Consumer;

/** How requests are spread over a cluster's endpoints: the balancer and its hash key, and cookie affinity. */
public final class BalancingPolicies {

    private BalancingPolicies() {
    }

    /** True when {@code type} picks endpoints by hashing a key of the request (ring hash, Maglev). */
    public static boolean hashes(ClusterPolicy.LoadBalancer.Type type) {
        return type == ClusterPolicy.LoadBalancer.Type.RING_HASH || type == ClusterPolicy.LoadBalancer.Type.MAGLEV;
    }

    /** {@code ring-hash}, {@code least-request}: the name of {@code type} as annotations write it. */
    public static String name(ClusterPolicy.LoadBalancer.Type type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Balancing of {@code type} on {@code key} (null for none); null, with {@code needsKey} told, when {@code type}
     * hashes and there is no key to hash (round-robin then applies).
     */
    public static ClusterPolicy.LoadBalancer loadBalancer(ClusterPolicy.LoadBalancer.Type type,
                                                          ClusterPolicy.HashKey key, Runnable needsKey) {
        if (hashes(type) && key == null) {
            needsKey.run();
            return null;
        }
        return new ClusterPolicy.LoadBalancer(type, key);
    }

    /**
     * Cookie affinity with the cookie {@code name}; null when it cannot be a cookie name (the reason, "...; no
     * affinity", goes to {@code problem}).
     *
     * @param maxAgeSeconds the cookie's Max-Age, null for a session cookie
     * @param path          the cookie's Path, null for {@code /}
     */
    public static SessionAffinity affinity(String name, Long maxAgeSeconds, String path, Consumer<String> problem) {
        try {
            return new SessionAffinity(name, maxAgeSeconds, path);
        } catch (IllegalArgumentException e) {
            problem.accept(e.getMessage() + "; no affinity");
            return null;
        }
    }
}
