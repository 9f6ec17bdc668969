package dev.breakwater.operator.local;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ManifestLoader} read from a folder.
 *
 * @param snapshot     every object that could be read
 * @param fileOfObject the file of each object, by {@code Kind/namespace/name} ({@code Kind/name} for
 *                     cluster-scoped kinds), so that diagnostics can name files; held as given, not copied (at
 *                     10,000 Ingresses a copy on every reload cost more than the rest of reading the folder):
 *                     whoever makes a {@code Manifests} does not change the map afterwards
 * @param errors       documents that could not be used; their objects are missing from the snapshot
 * @param warnings     documents that were skipped on purpose (kinds local mode does not read)
 */
public record Manifests(ClusterSnapshot snapshot, Map<String, Path> fileOfObject, List<ManifestError> errors,
                        List<ManifestError> warnings) {

    public Manifests {
        Objects.requireNonNull(snapshot, "snapshot");
        fileOfObject = java.util.Collections.unmodifiableMap(Objects.requireNonNull(fileOfObject, "fileOfObject"));
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }
}
