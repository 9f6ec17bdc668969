package dev.breakwater.operator.status;

import dev.breakwater.operator.diagnostic.Diagnostic;

/**
 * The {@code reason} of the Event a diagnostic becomes: a short CamelCase word telling what kind of field is
 * wrong (the message names the field and says why).
 */
public final class EventReasons {

    private EventReasons() {
    }

    public static String of(Diagnostic diagnostic) {
        if (diagnostic.object().startsWith("Route/")) {
            return ofRoute(diagnostic);
        }
        String field = diagnostic.field();
        if (field == null) {
            return "InvalidIngress";
        }
        if (field.startsWith("metadata.annotations")) {
            return "InvalidAnnotation";
        }
        if (field.startsWith("spec.tls")) {
            return "InvalidTLS";
        }
        if (field.contains("backend") || field.contains("Backend")) {
            return "BackendNotResolved";
        }
        if (field.endsWith(".host")) {
            return "InvalidHost";
        }
        if (field.endsWith(".path") || field.endsWith(".pathType")) {
            return "InvalidPath";
        }
        if (field.matches("spec\\.rules\\[\\d+]\\.http\\.paths\\[\\d+]")) {
            return "PathConflict";
        }
        return "InvalidIngress";
    }

    /**
     * A Route's: {@code InvalidTLS}, {@code BackendNotResolved} (a Service or port that cannot be used),
     * {@code InvalidHost}, {@code PathConflict} (a match an older object serves), {@code InvalidMatch},
     * {@code InvalidFilter}, {@code NotSupported} ({@code rateLimit}), else {@code InvalidRoute}.
     */
    private static String ofRoute(Diagnostic diagnostic) {
        String field = diagnostic.field();
        if (field == null) {
            return "InvalidRoute";
        }
        if (field.startsWith("spec.tls")) {
            return "InvalidTLS";
        }
        if (field.contains(".backends")) {
            return "BackendNotResolved";
        }
        if (field.startsWith("spec.hostnames")) {
            return "InvalidHost";
        }
        if (field.contains(".matches[")) {
            return diagnostic.reason().startsWith("conflicts with") || diagnostic.reason().startsWith("duplicates")
                    ? "PathConflict" : "InvalidMatch";
        }
        if (field.contains(".filters")) {
            return "InvalidFilter";
        }
        if (field.endsWith(".rateLimit")) {
            return "NotSupported";
        }
        return "InvalidRoute";
    }

    /** The Event's message: the field, then the reason. */
    public static String message(Diagnostic diagnostic) {
        String text = (diagnostic.field() == null ? "" : diagnostic.field() + ": ") + diagnostic.reason();
        return text.length() <= 1024 ? text : text.substring(0, 1021) + "...";
    }
}
