package dev.breakwater.operator.diagnostic;

import java.util.Objects;

/**
 * A problem the compiler found in one object, written for the user who owns it.
 *
 * @param severity {@link Severity#ERROR} when part of the object was not applied as written,
 *                 {@link Severity#WARNING} when it was applied but probably not as meant
 * @param object   the object, as {@code Kind/namespace/name}
 * @param field    the field path inside the object, e.g. {@code spec.rules[0].http.paths[1].backend.service.port.name},
 *                 or null when the whole object is concerned
 * @param reason   what is wrong, in one sentence
 */
public record Diagnostic(Severity severity, String object, String field, String reason) {

    /** How serious a diagnostic is. */
    public enum Severity { ERROR, WARNING }

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(reason, "reason");
    }

    public static Diagnostic error(String object, String field, String reason) {
        return new Diagnostic(Severity.ERROR, object, field, reason);
    }

    public static Diagnostic warning(String object, String field, String reason) {
        return new Diagnostic(Severity.WARNING, object, field, reason);
    }

    /** {@code Ingress/default/web spec.rules[0].host: reason}. */
    @Override
    public String toString() {
        return field == null ? object + ": " + reason : object + " " + field + ": " + reason;
    }
}
