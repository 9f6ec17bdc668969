package dev.breakwater.operator.compile;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What each object read in one compilation touched, for {@link IncrementalCompiler}: the hosts whose routes,
 * fallbacks, client certificates or server certificates it claimed or looked at (whether or not it won them), the
 * Services and Secrets it looked up (found or not), and whether it took part in choosing the cluster default
 * backend. The processors report while {@link Compiler} reads one object ({@link #enter}); what they look at
 * between objects (in {@link Processor#finish}) is nobody's and is not recorded.
 */
final class CompileTrace {

    /** An object's share of a compilation. */
    static final class Touched {
        final Set<String> hosts = new HashSet<>();
        final Set<String> services = new HashSet<>();
        final Set<String> secrets = new HashSet<>();
        boolean clusterDefault;
    }

    private final Map<String, Touched> byObject = new HashMap<>();
    private Touched current;
    private boolean canaries;

    /** The object {@code name} ({@code Kind/namespace/name}) is being read from now on. */
    void enter(String name) {
        current = byObject.computeIfAbsent(name, n -> new Touched());
    }

    /** No object is being read. */
    void leave() {
        current = null;
    }

    void host(String host) {
        if (current != null) {
            current.hosts.add(host);
        }
    }

    void hosts(Collection<String> hosts) {
        if (current != null) {
            current.hosts.addAll(hosts);
        }
    }

    /** Service {@code namespace/name} (its EndpointSlices included). */
    void service(String key) {
        if (current != null) {
            current.services.add(key);
        }
    }

    /** Secret {@code namespace/name}. */
    void secret(String ref) {
        if (current != null) {
            current.secrets.add(ref);
        }
    }

    /**
     * The object being read asked for or set the cluster default backend, which serves the catch-all host (and
     * every host without a default backend of its own).
     */
    void clusterDefault() {
        if (current != null) {
            current.clusterDefault = true;
            current.hosts.add(dev.breakwater.routing.VirtualHost.CATCH_ALL);
        }
    }

    /** The compilation held canary Ingresses (whose attachment spans hosts). */
    void canaries() {
        canaries = true;
    }

    boolean hadCanaries() {
        return canaries;
    }

    /** What each object read touched, by {@code Kind/namespace/name}. */
    Map<String, Touched> byObject() {
        return byObject;
    }
}
