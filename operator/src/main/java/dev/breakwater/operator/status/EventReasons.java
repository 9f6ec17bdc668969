package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.Diagnostic;

/**
 * The {@code reason} of the Event a diagnostic becomes: a short CamelCase word telling what kind of field is
 * wrong (the message names the field and says why).
 */
public final class EventReasons {

    private EventReasons() {
    }

    public static String of(Diagnostic diagnostic) {
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

    /** The Event's message: the field, then the reason. */
    public static String message(Diagnostic diagnostic) {
        String text = (diagnostic.field() == null ? "" : diagnostic.field() + ": ") + diagnostic.reason();
        return text.length() <= 1024 ? text : text.substring(0, 1021) + "...";
    }
}
