package dev.breakwater.operator.status;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.compile.IngressClassFilter;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the status of each Ingress should say, as data collected from the leader's compilations and the address
 * source; read by the status writer. Updates return the Ingresses whose facts changed, so that only those are
 * looked at again.
 */
public final class StatusBook {

    /**
     * The facts about one Ingress.
     *
     * @param served      it belongs to one of our classes, so the table serves it
     * @param diagnostics what the compiler found wrong with it
     */
    public record IngressFacts(boolean served, List<Diagnostic> diagnostics) {
        public IngressFacts {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    private final CompilerOptions options;
    // guarded by this; replaced, never changed
    private Map<String, IngressFacts> facts = Map.of();
    private boolean compiled;
    private List<LoadBalancerAddress> addresses = List.of();
    private boolean addressesKnown;

    /** @param options the compiler's options (which IngressClasses are ours) */
    public StatusBook(CompilerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Records a full compilation of {@code snapshot}.
     *
     * @return the Ingresses ({@code Kind/namespace/name}) whose facts changed; all of them the first time
     */
    public Set<String> compiled(ClusterSnapshot snapshot, Compilation compilation) {
        IngressClassFilter classes = new IngressClassFilter(snapshot.ingressClasses(), options);
        Map<String, List<Diagnostic>> byObject = new HashMap<>();
        for (Diagnostic d : compilation.diagnostics()) {
            byObject.computeIfAbsent(d.object(), k -> new ArrayList<>()).add(d);
        }
        Map<String, IngressFacts> next = new HashMap<>();
        for (Ingress ingress : snapshot.ingresses()) {
            if (ingress.getMetadata() == null || ingress.getMetadata().getName() == null) {
                continue;
            }
            String object = objectName(ingress);
            next.put(object, new IngressFacts(classes.isOurs(ingress), byObject.getOrDefault(object, List.of())));
        }
        synchronized (this) {
            Set<String> changed = new HashSet<>();
            for (Map.Entry<String, IngressFacts> e : next.entrySet()) {
                if (!compiled || !e.getValue().equals(facts.get(e.getKey()))) {
                    changed.add(e.getKey());
                }
            }
            for (String gone : facts.keySet()) {
                if (!next.containsKey(gone)) {
                    changed.add(gone);
                }
            }
            facts = Map.copyOf(next);
            compiled = true;
            return changed;
        }
    }

    /**
     * Records the addresses Ingresses should carry now.
     *
     * @return the Ingresses to look at again: every known one when the addresses changed, else none
     */
    public synchronized Set<String> addresses(List<LoadBalancerAddress> now) {
        List<LoadBalancerAddress> sorted = now.stream().sorted().distinct().toList();
        if (addressesKnown && sorted.equals(addresses)) {
            return Set.of();
        }
        addresses = sorted;
        addressesKnown = true;
        return Set.copyOf(facts.keySet());
    }

    /** Forgets the compilations (a new term of leadership starts from its own first compilation). */
    public synchronized void reset() {
        facts = Map.of();
        compiled = false;
    }

    /** The facts of {@code object} ({@code Ingress/namespace/name}); null before the first compilation or when unknown. */
    public synchronized IngressFacts facts(String object) {
        return compiled ? facts.get(object) : null;
    }

    /** The addresses to write; null while no address source has reported (status is then left alone). */
    public synchronized List<LoadBalancerAddress> addresses() {
        return addressesKnown ? addresses : null;
    }

    /** Every Ingress the last compilation saw. */
    public synchronized Set<String> ingresses() {
        return Set.copyOf(facts.keySet());
    }

    /** {@code Ingress/namespace/name}, as diagnostics name it. */
    public static String objectName(Ingress ingress) {
        String namespace = ingress.getMetadata().getNamespace();
        return "Ingress/" + (namespace == null || namespace.isEmpty() ? "default" : namespace) + "/"
                + ingress.getMetadata().getName();
    }
}
