package dev.breakwater.operator.compile;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * From Ingress or Route to what it touched when last compiled ({@link CompileTrace}), and back: the objects of
 * each host, Service and Secret, and those taking part in the cluster default backend, for
 * {@link IncrementalCompiler}.
 */
final class DependencyIndex {

    private final Map<String, CompileTrace.Touched> byObject = new HashMap<>();
    private final Map<String, Set<String>> byHost = new HashMap<>();
    private final Map<String, Set<String>> byService = new HashMap<>();
    private final Map<String, Set<String>> bySecret = new HashMap<>();
    private final Set<String> globals = new HashSet<>();
    private final boolean canaries;

    /** The index of a full compilation. */
    DependencyIndex(CompileTrace trace) {
        trace.byObject().forEach(this::add);
        this.canaries = trace.hadCanaries();
    }

    boolean canaries() {
        return canaries;
    }

    Set<String> hostsOf(String object) {
        CompileTrace.Touched t = byObject.get(object);
        return t == null ? Set.of() : t.hosts;
    }

    Set<String> usersOfHost(String host) {
        return byHost.getOrDefault(host, Set.of());
    }

    Set<String> usersOfService(String service) {
        return byService.getOrDefault(service, Set.of());
    }

    Set<String> usersOfSecret(String secret) {
        return bySecret.getOrDefault(secret, Set.of());
    }

    boolean global(String object) {
        return globals.contains(object);
    }

    Set<String> globals() {
        return globals;
    }

    /** Forgets {@code removed} and what {@code compiled} touched before; records what they touched in {@code trace}. */
    void replace(Set<String> removed, Set<String> compiled, CompileTrace trace) {
        removed.forEach(this::remove);
        compiled.forEach(this::remove);
        for (String name : compiled) {
            CompileTrace.Touched t = trace.byObject().get(name);
            if (t != null) {
                add(name, t);
            }
        }
    }

    private void add(String name, CompileTrace.Touched t) {
        byObject.put(name, t);
        t.hosts.forEach(h -> byHost.computeIfAbsent(h, k -> new HashSet<>()).add(name));
        t.services.forEach(s -> byService.computeIfAbsent(s, k -> new HashSet<>()).add(name));
        t.secrets.forEach(s -> bySecret.computeIfAbsent(s, k -> new HashSet<>()).add(name));
        if (t.clusterDefault) {
            globals.add(name);
        }
    }

    private void remove(String name) {
        CompileTrace.Touched t = byObject.remove(name);
        if (t == null) {
            return;
        }
        t.hosts.forEach(h -> drop(byHost, h, name));
        t.services.forEach(s -> drop(byService, s, name));
        t.secrets.forEach(s -> drop(bySecret, s, name));
        globals.remove(name);
    }

    private static void drop(Map<String, Set<String>> index, String key, String name) {
        Set<String> set = index.get(key);
        if (set != null && set.remove(name) && set.isEmpty()) {
            index.remove(key);
        }
    }
}
