package dev.breakwater.operator.chart;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code charts/breakwater}, rendered in-process by Helm's own library (helm-java), and the objects it renders.
 * Values are given as nested maps (written to a values file, as {@code helm template -f} reads it).
 */
final class Chart {

    static final Path DIR = Path.of("..", "charts", "breakwater");
    static final Path DEPLOY = Path.of("..", "deploy");
    static final Path CRDS = Path.of("..", "crds");

    /** The release name and namespace that deploy/ is rendered with. */
    static final String RELEASE = "breakwater";
    static final String NAMESPACE = "breakwater";

    /** The Kubernetes version templates see (Helm's library defaults to v1.20, below the chart's kubeVersion). */
    static final String KUBE_VERSION = "v1.34.4";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

    private static final Pattern SOURCE = Pattern.compile("^# Source: [^/]+/templates/(\\S+)$", Pattern.MULTILINE);

    private Chart() {
    }

    /** {@code helm template RELEASE charts/breakwater -n NAMESPACE -f VALUES} (values as nested maps). */
    static Rendering render(String release, String namespace, Map<String, Object> values) {
        return Rendering.parse(template(release, namespace, values));
    }

    static Rendering render(Map<String, Object> values) {
        return render(RELEASE, NAMESPACE, values);
    }

    static Rendering renderDefaults() {
        return render(Map.of());
    }

    /** The text {@code helm template} prints; Helm's errors (schema, {@code fail}) as IllegalStateException. */
    static String template(String release, String namespace, Map<String, Object> values) {
        return template(release, namespace, values, KUBE_VERSION);
    }

    static String template(String release, String namespace, Map<String, Object> values, String kubeVersion) {
        TemplateCommand command = new Helm(DIR).template().withName(release).withNamespace(namespace)
                .withKubeVersion(kubeVersion);
        Path file = null;
        try {
            if (!values.isEmpty()) {
                file = Files.createTempFile("breakwater-values", ".yaml");
                YAML.writeValue(file.toFile(), values);
                command = command.withValuesFile(file);
            }
            return command.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    /**
     * The NOTES Helm prints after an install, rendered by a client-only dry run ({@code helm template} does not
     * show them).
     */
    static String notes(Map<String, Object> values) {
        Path file = null;
        try {
            file = Files.createTempFile("breakwater-values", ".yaml");
            YAML.writeValue(file.toFile(), values);
            String out = new Helm(DIR).install().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)
                    .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly().withValuesFile(file).call().getOutput();
            return out.substring(out.indexOf("NOTES:"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    /** Nested maps from paths and values: {@code values("dataplane.hostNetwork", true, "a.b", 1)}. */
    static Map<String, Object> values(Object... pathsAndValues) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndValues.length; i += 2) {
            String[] path = ((String) pathsAndValues[i]).split("\\.");
            Map<String, Object> node = root;
            for (int j = 0; j < path.length - 1; j++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) node.computeIfAbsent(path[j],
                        k -> new LinkedHashMap<String, Object>());
                node = next;
            }
            node.put(path[path.length - 1], pathsAndValues[i + 1]);
        }
        return root;
    }

    /** One rendered document: the template file it came from and the object as plain maps. */
    record Document(String template, Map<String, Object> object) {

        String kind() {
            return (String) object.get("kind");
        }

        String name() {
            return (String) metadata().get("name");
        }

        String namespace() {
            return (String) metadata().get("namespace");
        }

        /** {@code Kind/namespace/name}, or {@code Kind/name} for a cluster-scoped object. */
        String key() {
            return kind() + "/" + (namespace() == null ? "" : namespace() + "/") + name();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> metadata() {
            return (Map<String, Object>) object.get("metadata");
        }

        /** As a typed fabric8 object (Deployment, ClusterRole, ...), or GenericKubernetesResource. */
        HasMetadata typed() {
            return SERIALIZATION.convertValue(object, HasMetadata.class);
        }

        <T> T as(Class<T> type) {
            return SERIALIZATION.convertValue(object, type);
        }

        GenericKubernetesResource generic() {
            return SERIALIZATION.convertValue(object, GenericKubernetesResource.class);
        }
    }

    /** What {@code helm template} printed, as documents. */
    record Rendering(String text, List<Document> documents) {

        static Rendering parse(String text) {
            List<Document> documents = new ArrayList<>();
            for (String part : text.split("(?m)^---\\s*$")) {
                if (part.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                    continue;
                }
                Matcher source = SOURCE.matcher(part);
                String template = source.find() ? source.group(1) : null;
                Map<String, Object> object;
                try {
                    object = YAML.readValue(part, new TypeReference<LinkedHashMap<String, Object>>() { });
                } catch (IOException e) {
                    throw new IllegalStateException("rendered YAML does not parse: " + e.getMessage() + "\n" + part, e);
                }
                if (object != null && !object.isEmpty()) {
                    documents.add(new Document(Objects.requireNonNull(template, "no # Source line"), object));
                }
            }
            return new Rendering(text, List.copyOf(documents));
        }

        List<String> keys() {
            return documents.stream().map(Document::key).toList();
        }

        Optional<Document> find(String kind, String name) {
            return documents.stream().filter(d -> d.kind().equals(kind) && d.name().equals(name)).findFirst();
        }

        Document get(String kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError(kind + "/" + name + " is not rendered; "
                    + "rendered: " + keys()));
        }

        <T> T get(Class<T> type, String name) {
            return get(type.getSimpleName(), name).as(type);
        }

        List<Document> ofKind(String kind) {
            return documents.stream().filter(d -> d.kind().equals(kind)).toList();
        }
    }
}
