package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * Orders Ingresses oldest first: by {@code metadata.creationTimestamp} (absent or unreadable counts as
 * the newest), then by namespace and name, so that every order is total and deterministic.
 */
final class IngressAge {

    static final Comparator<Ingress> OLDEST_FIRST = Comparator
            .comparing((Ingress i) -> created(i), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(i -> i.getMetadata().getNamespace(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(i -> i.getMetadata().getName(), Comparator.nullsFirst(Comparator.naturalOrder()));

    private IngressAge() {
    }

    private static Instant created(Ingress ingress) {
        String timestamp = ingress.getMetadata().getCreationTimestamp();
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
