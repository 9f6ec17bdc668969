package dev.breakwater.operator.migrate;

import dev.breakwater.operator.annotation.AnnotationTable;
import dev.breakwater.operator.annotation.ControllerConfig;
import dev.breakwater.operator.annotation.ControllerConfigKeys;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.diagnostic.Diagnostic;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Breakwater does with a cluster's ingress-nginx configuration: per Ingress, every ingress-nginx (and
 * Breakwater) annotation, and per controller ConfigMap every key, each served as is, served with a difference (which)
 * or not supported, then what compiling the objects reports. What Breakwater reads is taken from the compiler's own
 * key tables ({@link AnnotationTable}, {@link ControllerConfigKeys}), the ones the documentation is checked against.
 *
 * @param objects the objects, Ingresses first (by namespace and name), then the ConfigMap
 */
public record MigrationReport(List<ObjectReport> objects) {

    /** What Breakwater does with one annotation or key. */
    public enum Verdict {
        AS_IS("served as is"), DIFFERS("served with a difference"), NOT_SUPPORTED("not supported");

        private final String words;

        Verdict(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * One annotation or key.
     *
     * @param name    the annotation or key
     * @param value   its value, or null for a key that is not set
     * @param verdict what Breakwater does with it
     * @param detail  what differs, or what it does; may be empty
     */
    public record Item(String name, String value, Verdict verdict, String detail) {
    }

    /**
     * One object: {@code Ingress/ns/name} or {@code ConfigMap/ns/name}, its items, and the diagnostics compiling it
     * gave that no item tells already.
     */
    public record ObjectReport(String object, List<Item> items, List<Diagnostic> diagnostics) {

        /** True when serving it with Breakwater would change behaviour. */
        public boolean changesBehaviour() {
            return items.stream().anyMatch(i -> i.verdict() != Verdict.AS_IS)
                    || diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
        }
    }

    /** The class name ingress-nginx's Ingresses use, served as Breakwater would with {@code --also-serve-class}. */
    static final String NGINX_CLASS = "nginx";

    /**
     * The report of {@code snapshot}, its controller ConfigMap {@code configMap} ({@code namespace/name}), compiled
     * as the operator would with {@code --also-serve-class nginx --configmap configMap}.
     */
    public static MigrationReport of(ClusterSnapshot snapshot, String configMap) {
        CompilerOptions options = CompilerOptions.local().alsoServing(List.of(NGINX_CLASS))
                .withControllerConfigMap(configMap);
        Compilation compilation = Compiler.compile(snapshot, options);
        List<ObjectReport> objects = new ArrayList<>();
        List<Ingress> ingresses = new ArrayList<>(snapshot.ingresses());
        ingresses.sort(Comparator.comparing((Ingress i) -> String.valueOf(i.getMetadata().getNamespace()))
                .thenComparing(i -> i.getMetadata().getName()));
        for (Ingress ingress : ingresses) {
            String object = "Ingress/" + (ingress.getMetadata().getNamespace() == null ? "default"
                    : ingress.getMetadata().getNamespace()) + "/" + ingress.getMetadata().getName();
            List<Item> items = annotations(ingress.getMetadata().getAnnotations());
            objects.add(new ObjectReport(object, items, untold(compilation.diagnosticsOf(object), items)));
        }
        String object = "ConfigMap/" + configMap;
        ConfigMap map = snapshot.configMaps().stream().filter(c -> configMap.equals(
                (c.getMetadata().getNamespace() == null ? "default" : c.getMetadata().getNamespace()) + "/"
                        + c.getMetadata().getName())).findFirst().orElse(null);
        objects.add(new ObjectReport(object, keys(object, map == null ? null : map.getData()), List.of()));
        return new MigrationReport(objects);
    }

    /** True when serving these objects with Breakwater would change behaviour somewhere. */
    public boolean changesBehaviour() {
        return objects.stream().anyMatch(ObjectReport::changesBehaviour);
    }

    /** The report as text, one line per item, then the sums. */
    public void print(PrintWriter out) {
        Map<Verdict, Integer> counts = new TreeMap<>();
        for (ObjectReport o : objects) {
            out.println(o.object());
            if (o.items().isEmpty()) {
                out.println("  (no ingress-nginx annotation)");
            }
            for (Item i : o.items()) {
                counts.merge(i.verdict(), 1, Integer::sum);
                out.println("  " + i.name() + (i.value() == null ? " (not set)" : ": " + quote(i.value())) + "  "
                        + i.verdict().words() + (i.detail().isEmpty() ? "" : ": " + i.detail()));
            }
            for (Diagnostic d : o.diagnostics()) {
                out.println("  ! " + d.severity().name().toLowerCase(java.util.Locale.ROOT) + " "
                        + (d.field() == null ? "" : d.field() + ": ") + d.reason());
            }
        }
        out.println();
        out.println(counts.getOrDefault(Verdict.AS_IS, 0) + " served as is, " + counts.getOrDefault(Verdict.DIFFERS, 0)
                + " served with a difference, " + counts.getOrDefault(Verdict.NOT_SUPPORTED, 0) + " not supported; "
                + (changesBehaviour() ? "behaviour would change (exit status 1)" : "nothing would change (exit status 0)"));
        out.flush();
    }

    private static String quote(String value) {
        String one = value.strip().replace("\n", "\\n");
        return "\"" + (one.length() > 80 ? one.substring(0, 77) + "..." : one) + "\"";
    }

    private static List<Item> annotations(Map<String, String> annotations) {
        List<Item> items = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(annotations == null ? Map.<String, String>of()
                : annotations).entrySet()) {
            String name = e.getKey();
            boolean nginx = name.startsWith(AnnotationTable.NGINX);
            boolean ours = name.startsWith(AnnotationTable.BREAKWATER);
            if (!nginx && !ours) {
                if (name.equals("kubernetes.io/ingress.class")) {
                    items.add(new Item(name, e.getValue(), Verdict.AS_IS, ""));
                }
                continue;
            }
            String key = name.substring((nginx ? AnnotationTable.NGINX : AnnotationTable.BREAKWATER).length());
            if (key.endsWith("-snippet")) {
                items.add(new Item(name, e.getValue(), Verdict.NOT_SUPPORTED, "snippets are refused (a warning)"));
            } else if (ours) {
                items.add(AnnotationTable.KEYS.contains(key) ? new Item(name, e.getValue(), Verdict.AS_IS,
                        "Breakwater's own") : new Item(name, e.getValue(), Verdict.NOT_SUPPORTED, "unknown (a typo?)"));
            } else {
                AnnotationTable.Row row = AnnotationTable.row(key);
                if (row == null) {
                    items.add(new Item(name, e.getValue(), Verdict.NOT_SUPPORTED, "ignored, with a warning"));
                } else if (row.notApplied()) {
                    items.add(new Item(name, e.getValue(), Verdict.NOT_SUPPORTED, row.breakwater()));
                } else {
                    items.add(new Item(name, e.getValue(), row.whenSet().isEmpty() ? Verdict.AS_IS
                            : Verdict.DIFFERS, row.whenSet()));
                }
            }
        }
        return items;
    }

    private static List<Item> keys(String object, Map<String, String> data) {
        List<Item> items = new ArrayList<>();
        if (data == null) {
            items.add(new Item("(the ConfigMap)", null, Verdict.DIFFERS, "not found: ingress-nginx's defaults "
                    + "apply there, Breakwater's here"));
        }
        Map<String, String> set = data == null ? Map.of() : data;
        List<Diagnostic> diagnostics = new ArrayList<>();
        ControllerConfig.read(object, set, Map.of(), diagnostics);
        for (Map.Entry<String, String> e : new TreeMap<>(set).entrySet()) {
            String field = "data['" + e.getKey() + "']";
            List<Diagnostic> own = diagnostics.stream().filter(d -> field.equals(d.field())).toList();
            ControllerConfigKeys.ConfigKey key = ControllerConfigKeys.key(e.getKey());
            if (key == null) {
                items.add(new Item(e.getKey(), e.getValue(), Verdict.NOT_SUPPORTED, e.getKey().endsWith("-snippet")
                        ? "snippets are refused (a warning)" : "ignored, with a warning"
                        + (ControllerConfigKeys.NOT_READ_BECAUSE.containsKey(e.getKey())
                                ? ": " + ControllerConfigKeys.NOT_READ_BECAUSE.get(e.getKey()) : "")));
            } else if (own.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR)) {
                items.add(new Item(e.getKey(), e.getValue(), Verdict.NOT_SUPPORTED, reasons(own)));
            } else if (!own.isEmpty()) {
                items.add(new Item(e.getKey(), e.getValue(), Verdict.DIFFERS, reasons(own)));
            } else if (key.deviations().isEmpty()) {
                items.add(new Item(e.getKey(), e.getValue(), Verdict.AS_IS, key.breakwater()));
            } else {
                items.add(new Item(e.getKey(), e.getValue(), Verdict.DIFFERS, key.deviations()));
            }
        }
        boolean noHsts = "false".equalsIgnoreCase(String.valueOf(set.get("hsts")).trim());
        for (ControllerConfigKeys.ConfigKey key : ControllerConfigKeys.ALL) {
            boolean moot = noHsts && key.name().startsWith("hsts-"); // no HSTS: how it would be sent does not matter
            if (!key.unset().isEmpty() && !set.containsKey(key.name()) && !moot) {
                items.add(new Item(key.name(), null, Verdict.DIFFERS, key.unset()));
            }
        }
        return items;
    }

    private static String reasons(List<Diagnostic> diagnostics) {
        return String.join("; ", diagnostics.stream().map(Diagnostic::reason).toList());
    }

    /** The diagnostics no item tells already (an unsupported annotation's warning is its item). */
    private static List<Diagnostic> untold(List<Diagnostic> diagnostics, List<Item> items) {
        List<Diagnostic> out = new ArrayList<>();
        for (Diagnostic d : diagnostics) {
            boolean told = items.stream().anyMatch(i -> i.verdict() == Verdict.NOT_SUPPORTED
                    && ("metadata.annotations['" + i.name() + "']").equals(d.field()));
            if (!told) {
                out.add(d);
            }
        }
        return out;
    }
}
