package dev.breakwater.operator.local;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A manifest that could not be used (or, among warnings, a document that was skipped).
 *
 * @param file     the file holding it
 * @param document 1-based position of the YAML document in the file
 * @param object   the object as {@code Kind/namespace/name} ({@code Kind/name} for cluster-scoped kinds),
 *                 or null when it could not be told
 * @param reason   what is wrong
 */
public record ManifestError(Path file, int document, String object, String reason) {

    public ManifestError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code ingress.yaml (document 2) Ingress/default/web: reason}. */
    @Override
    public String toString() {
        return file + " (document " + document + ")" + (object == null ? "" : " " + object) + ": " + reason;
    }
}
