package dev.breakwater.operator.annotation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every annotation key Breakwater reads, from the topic files where each is declared once, and what is derived from
 * them: the names known under each prefix (any other name under our prefix is a typo, under ingress-nginx's a
 * setting Breakwater does not apply; both are warned), the lookup by name, and the table of
 * docs/ingress-nginx-annotations.md.
 */
public final class AnnotationTable {

    public static final String BREAKWATER = "breakwater.dev/";
    public static final String NGINX = "nginx.ingress.kubernetes.io/";

    /** Every key, in the order of the documentation table. */
    static final List<AnnotationKey<?>> ALL = Stream.of(TlsAnnotations.KEYS, TimeoutAnnotations.KEYS,
            BalancingAnnotations.KEYS, RetryAnnotations.KEYS, CacheAnnotations.KEYS, PathAnnotations.KEYS,
            AccessAnnotations.KEYS, CanaryAnnotations.KEYS, AuthAnnotations.KEYS, RateLimitAnnotations.KEYS,
            L4Annotations.KEYS, TelemetryAnnotations.KEYS, HostAnnotations.KEYS, HeaderAnnotations.KEYS,
            MirrorAnnotations.KEYS)
            .flatMap(List::stream).toList();

    /** Every key read under {@value #BREAKWATER} (without the prefix). */
    public static final Set<String> KEYS = names(ALL.stream().map(AnnotationKey::ours));

    /**
     * Every key read under {@value #NGINX} (without the prefix), each listed in docs/ingress-nginx-annotations.md.
     * {@code *-snippet} keys are refused with a warning of their own.
     */
    public static final Set<String> NGINX_KEYS = names(ALL.stream().map(AnnotationKey::nginx));

    /** The keys (under either prefix, without it) a canary Ingress applies itself. */
    public static final Set<String> CANARY_OWN_KEYS = names(ALL.stream().filter(AnnotationKey::canary)
            .flatMap(k -> Stream.of(k.ours(), k.nginx())));

    private static final Map<String, AnnotationKey<?>> BY_NAME = byName();

    private AnnotationTable() {
    }

    /** The key annotation {@code name} (with its prefix) is a name of, or null. */
    static AnnotationKey<?> key(String name) {
        return BY_NAME.get(name);
    }

    /**
     * What Breakwater does with one ingress-nginx annotation it reads.
     *
     * @param breakwater what it does
     * @param deviations how that differs from ingress-nginx (empty: served as is)
     * @param notApplied the value is read and checked but has no effect (a warning says so)
     */
    public record Row(String breakwater, String deviations, boolean notApplied) {

        /**
         * How an Ingress that sets the annotation is served differently: its deviations, unless they only tell how
         * the defaults differ (they begin "ingress-nginx's default is"), which a value set makes moot.
         */
        public String whenSet() {
            return deviations.startsWith("ingress-nginx's default is") ? "" : deviations;
        }
    }

    /** What Breakwater does with {@code nginx.ingress.kubernetes.io/name}, or null when it does not read it. */
    public static Row row(String name) {
        AnnotationKey<?> key = BY_NAME.get(NGINX + name);
        if (key == null) {
            return null;
        }
        AnnotationKey.Doc doc = key.doc();
        if (doc == null) {
            return new Row("", "", false);
        }
        return new Row(doc.breakwater(), doc.deviations(), doc.breakwater().startsWith("not applied")
                || doc.breakwater().startsWith("not supported"));
    }

    /** The rows of the documentation table, one per ingress-nginx key, in order. */
    public static List<String> docRows() {
        List<String> rows = new ArrayList<>();
        for (AnnotationKey<?> key : ALL) {
            AnnotationKey.Doc doc = key.doc();
            if (doc != null) {
                rows.add("| `" + key.nginx() + "` | " + doc.values() + " | " + doc.breakwater() + " |"
                        + (doc.deviations().isEmpty() ? "" : " " + doc.deviations()) + " |");
            }
        }
        return rows;
    }

    private static Set<String> names(Stream<String> names) {
        return names.filter(n -> n != null).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.toUnmodifiableSet());
    }

    private static Map<String, AnnotationKey<?>> byName() {
        Map<String, AnnotationKey<?>> map = new HashMap<>();
        for (AnnotationKey<?> key : ALL) {
            for (String name : new String[] {key.oursName(), key.nginxName()}) {
                if (name != null && map.put(name, key) != null) {
                    throw new IllegalStateException("annotation declared twice: " + name);
                }
            }
        }
        return Map.copyOf(map);
    }
}
