package dev.breakwater.operator.compile;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What reading a {@code kubernetes.io/tls} Secret found, kept by content: parsing its chain and key and proving that
 * they belong together (a signature made and verified) costs about a millisecond, and a wildcard Secret may be named
 * by thousands of Ingresses. A compilation checks each Secret once; kept across compilations (the pipelines hold
 * one), a Secret whose content did not change is not checked again.
 *
 * <p>Bounded by the Secrets in use: {@link #sweep} drops whatever the last compilation did not ask for. Not
 * thread-safe beyond its own lock; one compilation at a time uses it.
 */
public final class SecretChecks {

    /** How {@link #check} proves a Secret's content; throws with the reason it is unusable. */
    interface Prover {
        Checked prove(String ref, String chain, String key);
    }

    /**
     * A chain and key that parse and belong together.
     *
     * @param dnsNames  the names the leaf serves (SAN DNS names, or its CN without SAN)
     * @param notBefore the leaf's validity
     * @param notAfter  the leaf's validity
     */
    record Checked(String chain, String key, List<String> dnsNames, Instant notBefore, Instant notAfter) {

        /** Throws, naming Secret {@code ref}, when the leaf is not valid at {@code now} (null: no check). */
        void checkValidAt(Instant now, String ref) {
            if (now == null) {
                return;
            }
            // X509Certificate.checkValidity's rule: valid from notBefore to notAfter, both included
            if (now.isAfter(notAfter)) {
                throw new IllegalArgumentException("Secret " + ref + ": the certificate expired on " + notAfter);
            }
            if (now.isBefore(notBefore)) {
                throw new IllegalArgumentException("Secret " + ref + ": the certificate is not valid before "
                        + notBefore);
            }
        }
    }

    private record Key(String ref, String chain, String key) {
    }

    /** A check's outcome: the content, or the reason it is unusable. */
    private record Outcome(Checked checked, String problem) {
    }

    private final Map<Key, Outcome> outcomes = new HashMap<>();
    private final Map<Key, Outcome> used = new HashMap<>();
    private long proofs;

    /** Checks the content of Secret {@code ref}, or returns what checking that content found before. */
    synchronized Checked check(String ref, String chain, String key, Prover prover) {
        Key k = new Key(ref, chain, key);
        Outcome outcome = used.get(k);
        if (outcome == null) {
            outcome = outcomes.get(k);
        }
        if (outcome == null) {
            proofs++;
            try {
                outcome = new Outcome(prover.prove(ref, chain, key), null);
            } catch (IllegalArgumentException e) {
                outcome = new Outcome(null, Objects.requireNonNull(e.getMessage(), "message"));
            }
        }
        used.put(k, outcome);
        if (outcome.problem() != null) {
            throw new IllegalArgumentException(outcome.problem());
        }
        return outcome.checked();
    }

    /** Forgets every content that no check asked for since the last sweep. */
    synchronized void sweep() {
        outcomes.clear();
        outcomes.putAll(used);
        used.clear();
    }

    /**
     * True when a content held would be judged otherwise at {@code to} than at {@code from} (it became valid or
     * expired in between), so that a compilation that reuses what one at {@code from} found would be wrong.
     */
    synchronized boolean validityChanged(Instant from, Instant to) {
        if (Objects.equals(from, to)) {
            return false;
        }
        if (from == null || to == null) {
            return true;
        }
        for (Map<Key, Outcome> map : List.of(outcomes, used)) {
            for (Outcome o : map.values()) {
                Checked c = o.checked();
                if (c != null && valid(c, from) != valid(c, to)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean valid(Checked c, Instant at) {
        return !at.isAfter(c.notAfter()) && !at.isBefore(c.notBefore());
    }

    /** How many contents were parsed and proved so far, for tests. */
    synchronized long proofs() {
        return proofs;
    }

    /** Contents held, for tests. */
    synchronized int size() {
        Map<Key, Outcome> all = new HashMap<>(outcomes);
        all.putAll(used);
        return all.size();
    }

    private Map<String, String> controllerConfigGood = Map.of();

    /**
     * The values of the controller ConfigMap's keys the last compilation used (the other thing compilations
     * remember): a key whose new value is bad keeps its last good one.
     */
    synchronized Map<String, String> controllerConfigGood() {
        return controllerConfigGood;
    }

    synchronized void controllerConfigGood(Map<String, String> values) {
        controllerConfigGood = Map.copyOf(values);
    }
}
