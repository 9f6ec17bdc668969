package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * Orders objects (Ingresses and Routes together) oldest first: by {@code metadata.creationTimestamp} (absent or
 * unreadable counts as the newest), then by namespace and name, then by kind, so that every order is total and
 * deterministic. Where two objects claim the same thing, the older one keeps it.
 */
final class ObjectAge {

    static final Comparator<HasMetadata> OLDEST_FIRST = Comparator
            .comparing((HasMetadata o) -> created(o), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(o -> o.getMetadata().getNamespace(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(o -> o.getMetadata().getName(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(HasMetadata::getKind, Comparator.nullsFirst(Comparator.naturalOrder()));

    private ObjectAge() {
    }

    private static Instant created(HasMetadata object) {
        String timestamp = object.getMetadata().getCreationTimestamp();
        if (timestamp == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
