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
        Instant utc = utcSeconds(timestamp);
        if (utc != null) {
            return utc;
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ssZ}, the form the API server writes every timestamp in, read without a
     * {@link java.time.format.DateTimeFormatter} (the formatter took most of a sort of 10,000 Ingresses); null for any
     * other text, which {@link OffsetDateTime#parse} then reads or refuses.
     */
    static Instant utcSeconds(String t) {
        if (t.length() != 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':' || t.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second);
    }

    /** The number written by the {@code count} decimal digits at {@code from}, or -1. */
    private static int digits(String t, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
