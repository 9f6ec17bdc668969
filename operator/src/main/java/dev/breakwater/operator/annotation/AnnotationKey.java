package dev.breakwater.operator.annotation;

import java.util.Objects;

/**
 * One annotation key, declared once: its name under {@value AnnotationTable#BREAKWATER} and under ingress-nginx's
 * {@value AnnotationTable#NGINX} (either may be absent; ours wins when both are set), the parser of its value,
 * whether a canary Ingress applies it itself, and its row in docs/ingress-nginx-annotations.md (ingress-nginx keys).
 * The lists of known keys, the warnings for unknown ones and the documentation table are derived from these
 * declarations ({@link AnnotationTable}).
 *
 * <p>Both full names are made once, with the key: an Ingress's settings read every key's names (some 150 keys for
 * each of 10,000 Ingresses).
 *
 * @param <T> the type of its value
 */
public final class AnnotationKey<T> {

    private final String ours;
    private final String nginx;
    private final Parser<T> parser;
    private final boolean canary;
    private final Doc doc;
    private final String oursName;
    private final String nginxName;

    /**
     * @param ours   the name under {@code breakwater.dev/}, without the prefix, or null
     * @param nginx  the name under {@code nginx.ingress.kubernetes.io/}, without the prefix, or null
     * @param parser reads a value (trimmed, not blank) into its type, reporting why it cannot
     * @param canary a canary Ingress applies it itself (its canary settings and those of its own backends); on a
     *               canary every other key is ignored with a warning, as ingress-nginx ignores it
     * @param doc    the documentation row of the ingress-nginx key, or null (a key of ours only)
     */
    public AnnotationKey(String ours, String nginx, Parser<T> parser, boolean canary, Doc doc) {
        if (ours == null && nginx == null) {
            throw new IllegalArgumentException("a key needs a name under one prefix at least");
        }
        Objects.requireNonNull(parser, "parser");
        if (doc != null && nginx == null) {
            throw new IllegalArgumentException(ours + ": only ingress-nginx keys have a documentation row");
        }
        this.ours = ours;
        this.nginx = nginx;
        this.parser = parser;
        this.canary = canary;
        this.doc = doc;
        this.oursName = ours == null ? null : AnnotationTable.BREAKWATER + ours;
        this.nginxName = nginx == null ? null : AnnotationTable.NGINX + nginx;
    }

    /** The name under {@code breakwater.dev/}, without the prefix, or null. */
    public String ours() {
        return ours;
    }

    /** The name under {@code nginx.ingress.kubernetes.io/}, without the prefix, or null. */
    public String nginx() {
        return nginx;
    }

    /** Reads a value (trimmed, not blank) into its type, reporting why it cannot. */
    public Parser<T> parser() {
        return parser;
    }

    /** A canary Ingress applies it itself. */
    public boolean canary() {
        return canary;
    }

    /** The documentation row of the ingress-nginx key, or null. */
    public Doc doc() {
        return doc;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnnotationKey<?> k && Objects.equals(ours, k.ours) && Objects.equals(nginx, k.nginx)
                && parser.equals(k.parser) && canary == k.canary && Objects.equals(doc, k.doc);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ours, nginx, parser, canary, doc);
    }

    @Override
    public String toString() {
        return "AnnotationKey[ours=" + ours + ", nginx=" + nginx + ", canary=" + canary + "]";
    }

    /**
     * A row of the documentation table: what values it takes, what Breakwater does with it, and how that differs
     * from ingress-nginx (may be empty).
     */
    public record Doc(String values, String breakwater, String deviations) {
        public Doc {
            Objects.requireNonNull(values, "values");
            Objects.requireNonNull(breakwater, "breakwater");
            Objects.requireNonNull(deviations, "deviations");
        }
    }

    /** A key with the same name under both prefixes. */
    static <T> AnnotationKey<T> both(String name, Parser<T> parser) {
        return new AnnotationKey<>(name, name, parser, false, null);
    }

    /** A key whose names differ: {@code breakwater.dev/ours} and {@code nginx.ingress.kubernetes.io/nginx}. */
    static <T> AnnotationKey<T> named(String ours, String nginx, Parser<T> parser) {
        return new AnnotationKey<>(ours, nginx, parser, false, null);
    }

    /** A key of ours only. */
    static <T> AnnotationKey<T> ours(String name, Parser<T> parser) {
        return new AnnotationKey<>(name, null, parser, false, null);
    }

    /** An ingress-nginx key with no name of ours. */
    static <T> AnnotationKey<T> nginx(String name, Parser<T> parser) {
        return new AnnotationKey<>(null, name, parser, false, null);
    }

    /** This key, applied by a canary Ingress itself. */
    AnnotationKey<T> canaryOwn() {
        return new AnnotationKey<>(ours, nginx, parser, true, doc);
    }

    /** This key with its documentation row. */
    AnnotationKey<T> doc(String values, String breakwater, String deviations) {
        return new AnnotationKey<>(ours, nginx, parser, canary, new Doc(values, breakwater, deviations));
    }

    /** The full name under our prefix, or null. */
    String oursName() {
        return oursName;
    }

    /** The full name under ingress-nginx's prefix, or null. */
    String nginxName() {
        return nginxName;
    }
}
