package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders objects (Ingresses and Routes together) oldest first: by {@code metadata.creationTimestamp} (absent or
 * unreadable counts as the newest), then by namespace and name, then by kind, so that every order is total and
 * deterministic. Where two objects claim the same thing, the older one keeps it.
 */
final class ObjectAge {

    /** Namespace, name, kind: the order of objects created at the same time. */
    private static final Comparator<HasMetadata> BY_NAME = Comparator
            .comparing((HasMetadata o) -> o.getMetadata().getNamespace(),
                    Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(o -> o.getMetadata().getName(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(HasMetadata::getKind, Comparator.nullsFirst(Comparator.naturalOrder()));

    static final Comparator<HasMetadata> OLDEST_FIRST = Comparator
            .comparing((HasMetadata o) -> created(o), Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(BY_NAME);

    private ObjectAge() {
    }

    /** An object with its creation time read once. */
    private record Aged(Instant created, HasMetadata object) {
    }

    private static final Comparator<Aged> AGED = Comparator
            .comparing(Aged::created, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(Aged::object, BY_NAME);

    /**
     * Sorts {@code objects} in {@link #OLDEST_FIRST} order, parsing each timestamp once rather than at every
     * comparison (10,000 Ingresses made some 280,000 parses).
     */
    static <T extends HasMetadata> void sort(List<T> objects) {
        List<Aged> aged = new ArrayList<>(objects.size());
        for (T o : objects) {
            aged.add(new Aged(created(o), o));
        }
        aged.sort(AGED);
        for (int i = 0; i < aged.size(); i++) {
            @SuppressWarnings("unchecked")
            T o = (T) aged.get(i).object();
            objects.set(i, o);
        }
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
