package dev.breakwater.operator.annotation;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The annotations of one Ingress while its settings are read: which name of a key is set, its value parsed by the
 * key's parser, and the warnings, each naming the annotation ({@code metadata.annotations['...']}).
 */
final class AnnotationReader {

    private final String object;
    private final String namespace;
    private final Map<String, String> annotations;
    private final List<Diagnostic> diagnostics;
    private final java.util.function.Function<String, Map<String, String>> configMaps;

    AnnotationReader(String object, String namespace, Map<String, String> annotations, List<Diagnostic> diagnostics) {
        this(object, namespace, annotations, ref -> null, diagnostics);
    }

    /** @param configMaps the data of a ConfigMap by {@code namespace/name}, or null when there is none */
    AnnotationReader(String object, String namespace, Map<String, String> annotations,
                     java.util.function.Function<String, Map<String, String>> configMaps,
                     List<Diagnostic> diagnostics) {
        this.object = object;
        this.namespace = namespace;
        this.annotations = annotations;
        this.configMaps = configMaps;
        this.diagnostics = diagnostics;
    }

    /** The data of the ConfigMap {@code ref} ({@code namespace/name}; empty data for none), or null when missing. */
    Map<String, String> configMap(String ref) {
        return configMaps.apply(ref);
    }

    String object() {
        return object;
    }

    /** The annotations' names, sorted. */
    TreeSet<String> names() {
        return new TreeSet<>(annotations.keySet());
    }

    /** The name of {@code key} that is set, ours first; ours when neither is (or the one name it has). */
    String name(AnnotationKey<?> key) {
        if (key.nginx() == null) {
            return key.oursName();
        }
        if (key.ours() == null) {
            return key.nginxName();
        }
        return annotations.containsKey(key.oursName()) || !annotations.containsKey(key.nginxName()) ? key.oursName()
                : key.nginxName();
    }

    /** True when the annotation {@code name} is there, even blank. */
    boolean has(String name) {
        return annotations.containsKey(name);
    }

    /** The value of annotation {@code name}, trimmed; null when absent or blank. */
    String value(String name) {
        String v = annotations.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The value of {@code key} as written (trimmed); null when absent or blank. */
    String value(AnnotationKey<?> key) {
        return value(name(key));
    }

    /** The value of {@code key} parsed; null when absent, blank or unusable (warned). */
    <T> T get(AnnotationKey<T> key) {
        String name = name(key);
        String v = value(name);
        return v == null ? null : key.parser().parse(v, reason -> warn(name, reason));
    }

    /** The value of {@code key} parsed; {@code dflt} when absent, blank or unusable (warned). */
    <T> T get(AnnotationKey<T> key, T dflt) {
        T value = get(key);
        return value == null ? dflt : value;
    }

    /** The Secret {@code key} names, as {@code namespace/name} (the Ingress's namespace when it names none). */
    String secret(AnnotationKey<String> key) {
        String ref = get(key);
        return ref == null || ref.contains("/") ? ref : namespace + "/" + ref;
    }

    void warn(String name, String reason) {
        diagnostics.add(Diagnostic.warning(object, field(name), reason));
    }

    void error(String name, String reason) {
        diagnostics.add(Diagnostic.error(object, field(name), reason));
    }

    private static String field(String name) {
        return "metadata.annotations['" + name + "']";
    }
}
