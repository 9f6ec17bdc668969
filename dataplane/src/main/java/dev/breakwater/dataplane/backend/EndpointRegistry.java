package dev.breakwater.dataplane.backend;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link EndpointState} of every endpoint the current table knows, by pool key. */
public final class EndpointRegistry {

    private final ConcurrentHashMap<String, EndpointState> states = new ConcurrentHashMap<>();

    /** The state of an endpoint, created the first time it is seen. */
    public EndpointState state(String key) {
        return state(key, System.nanoTime());
    }

    /** The state of an endpoint; if new, first seen at {@code nowNanos}. */
    public EndpointState state(String key, long nowNanos) {
        return states.computeIfAbsent(key, k -> new EndpointState(k, nowNanos));
    }

    /** Forgets endpoints that are gone, unless requests are still in flight on them. */
    public void retainOnly(Set<String> keys) {
        retainOnly(keys::contains);
    }

    /** Forgets endpoints not kept by {@code keep}, unless requests are still in flight on them. */
    public void retainOnly(java.util.function.Predicate<String> keep) {
        states.values().removeIf(s -> !keep.test(s.key()) && s.active() == 0);
    }

    /** The number of endpoints whose state is held. */
    public long size() {
        return states.mappingCount();
    }

    /**
     * Forgets one endpoint that is gone, unless requests are still in flight on it.
     *
     * @return true when it is forgotten (or was not known), false while requests are in flight on it
     */
    public boolean forget(String key) {
        EndpointState left = states.computeIfPresent(key, (k, s) -> s.active() == 0 ? null : s);
        return left == null;
    }

    public Iterable<EndpointState> all() {
        return states.values();
    }
}
