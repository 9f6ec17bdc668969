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
        states.values().removeIf(s -> !keys.contains(s.key()) && s.active() == 0);
    }

    public Iterable<EndpointState> all() {
        return states.values();
    }
}
