package dev.breakwater.operator.annotation;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads the settings of the Ingresses of one compilation ({@link IngressSettings#read}), under one controller
 * ConfigMap and one set of ConfigMaps. An Ingress that sets no annotation under either prefix (once the
 * ConfigMap's defaults are applied) has the default settings, which name neither it nor its namespace and warn of
 * nothing: they are read once, not for each such Ingress (10,000 Ingresses without annotations read every key's
 * two names 10,000 times). Not thread-safe: one compilation uses it.
 */
public final class IngressSettingsReader {

    private final ControllerConfig config;
    private final Function<String, Map<String, String>> configMaps;
    private IngressSettings plain;

    /** @param configMaps the data of a ConfigMap by {@code namespace/name}, or null when there is none */
    public IngressSettingsReader(ControllerConfig config, Function<String, Map<String, String>> configMaps) {
        this.config = Objects.requireNonNull(config, "config");
        this.configMaps = Objects.requireNonNull(configMaps, "configMaps");
    }

    /**
     * The settings of {@code object} (in {@code namespace}) from its {@code annotations} (may be null); problems go
     * to {@code diagnostics}.
     */
    public IngressSettings read(String object, String namespace, Map<String, String> annotations,
                                List<Diagnostic> diagnostics) {
        Map<String, String> applied = config.applyTo(annotations);
        if (!setsAny(applied)) {
            if (plain == null) {
                List<Diagnostic> found = new ArrayList<>();
                IngressSettings settings = IngressSettings.readApplied(object, namespace, applied, configMaps, found);
                if (!found.isEmpty()) {
                    diagnostics.addAll(found);
                    return settings;
                }
                plain = settings;
            }
            return plain;
        }
        return IngressSettings.readApplied(object, namespace, applied, configMaps, diagnostics);
    }

    /** True when some annotation is under our prefix or ingress-nginx's: the only ones settings are read from. */
    private static boolean setsAny(Map<String, String> annotations) {
        for (String name : annotations.keySet()) {
            if (name.startsWith(AnnotationTable.BREAKWATER) || name.startsWith(AnnotationTable.NGINX)) {
                return true;
            }
        }
        return false;
    }
}
