package dev.breakwater.operator.compile;

import java.util.Objects;

/**
 * What the compiler found about one Route, for its {@code status}: the facts, not the write (the operator's
 * status writer adds {@code lastTransitionTime} and patches the object; {@code Programmed} comes from the data
 * planes' acknowledgements, not from the compiler).
 *
 * @param namespace    the Route's namespace
 * @param name         the Route's name
 * @param generation   its {@code metadata.generation} (null when unset, as in local mode), to write as
 *                     {@code observedGeneration}
 * @param accepted     {@code Accepted}: True when at least part of the Route is served
 * @param resolvedRefs {@code ResolvedRefs}: True when every Service, port and Secret it names was found and usable
 */
public record RouteStatusReport(String namespace, String name, Long generation, Condition accepted,
                                Condition resolvedRefs) {

    public static final String ACCEPTED = "Accepted";
    public static final String RESOLVED_REFS = "ResolvedRefs";

    public RouteStatusReport {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(resolvedRefs, "resolvedRefs");
    }

    /** {@code Route/namespace/name}, as diagnostics name it. */
    public String object() {
        return "Route/" + namespace + "/" + name;
    }

    /**
     * A condition as {@code metav1.Condition} has it, less the time.
     *
     * @param type    {@value #ACCEPTED} or {@value #RESOLVED_REFS}
     * @param status  True or False
     * @param reason  CamelCase, e.g. {@code Accepted}, {@code Invalid}, {@code ResolvedRefs}, {@code BackendNotFound},
     *                {@code InvalidCertificateRef}
     * @param message for humans: the problems, each with its field
     */
    public record Condition(String type, boolean status, String reason, String message) {
        public Condition {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
