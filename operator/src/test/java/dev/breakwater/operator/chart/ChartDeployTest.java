package dev.breakwater.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/ is the chart with its default values, as plain manifests for {@code kubectl apply -k deploy/}: release
 * {@value Chart#RELEASE} in namespace {@value Chart#NAMESPACE}, one file per template, the credentials Job as a
 * plain object ({@code channel.credentialsJob.helmHooks=false}: kubectl runs no hooks), without Helm's own labels
 * ({@code helm.sh/chart}, {@code app.kubernetes.io/managed-by}), plus the Namespace and the CRDs. This test fails
 * when they drift apart; with {@code -Dbreakwater.writeDeploy=true} it writes deploy/ instead.
 */
class ChartDeployTest {

    static final String REGENERATE = "mvn -o -q -B verify -pl operator -am -Dtest=ChartDeployTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dbreakwater.writeDeploy=true";

    /** The values deploy/ is rendered with, besides the defaults. */
    static final Map<String, Object> VALUES = Chart.values("channel.credentialsJob.helmHooks", false);

    static final List<String> HELM_LABELS = List.of("helm.sh/chart", "app.kubernetes.io/managed-by");

    private static final ObjectMapper WRITER = new YAMLMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final String HEADER = """
            # Generated from charts/breakwater with its default values (release breakwater, namespace breakwater) by
            # ChartDeployTest, which fails when this folder and the chart differ. Do not edit; regenerate with
            #   %s
            """.formatted(REGENERATE);

    @Test
    void deployIsTheChartWithItsDefaults() throws IOException {
        Map<String, List<Map<String, Object>>> expected = expectedFiles();
        if (Boolean.getBoolean("breakwater.writeDeploy")) {
            write(expected);
        }
        Map<String, Object> kustomization = Chart.YAML.readValue(Chart.DEPLOY.resolve("kustomization.yaml").toFile(),
                new TypeReference<>() { });
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) kustomization.get("resources");

        assertThat(resources).as("deploy/kustomization.yaml resources (regenerate: %s)", REGENERATE)
                .containsExactlyElementsOf(expected.keySet());
        try (Stream<Path> files = Files.walk(Chart.DEPLOY)) {
            assertThat(files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .map(f -> Chart.DEPLOY.relativize(f).toString()).filter(f -> !f.equals("kustomization.yaml")))
                    .as("manifests in deploy/ that kubectl apply -k would not apply (the chart is their source: "
                            + "move what they hold into it, then regenerate)")
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
        for (Map.Entry<String, List<Map<String, Object>>> file : expected.entrySet()) {
            Map<String, Map<String, Object>> committed = byKey(read(Chart.DEPLOY.resolve(file.getKey())));
            Map<String, Map<String, Object>> rendered = byKey(file.getValue());
            assertThat(committed.keySet()).as("objects of deploy/%s (regenerate: %s)", file.getKey(), REGENERATE)
                    .containsExactlyElementsOf(rendered.keySet());
            rendered.forEach((key, object) -> assertThat(committed.get(key))
                    .as("%s in deploy/%s, against the chart (regenerate: %s)", key, file.getKey(), REGENERATE)
                    .isEqualTo(object));
        }
    }

    @Test
    void deployHoldsTheCredentialsJobAsAPlainObjectAndNoHelmLabels() throws IOException {
        List<Map<String, Object>> job = read(Chart.DEPLOY.resolve("channel-credentials-job.yaml"));

        assertThat(job).extracting(o -> o.get("kind")).containsExactly("ServiceAccount", "Role", "RoleBinding", "Job");
        String all = Files.readString(Chart.DEPLOY.resolve("dataplane-daemonset.yaml"))
                + Files.readString(Chart.DEPLOY.resolve("channel-credentials-job.yaml"));
        assertThat(all).doesNotContain("helm.sh/", "managed-by", "{{");
    }

    /** File name (relative to deploy/) to its objects, in kustomization order. */
    static Map<String, List<Map<String, Object>>> expectedFiles() {
        Map<String, List<Map<String, Object>>> files = new LinkedHashMap<>();
        files.put("namespace.yaml", List.of(namespace()));
        try (var crds = Files.list(Chart.CRDS)) {
            for (Path crd : crds.sorted().toList()) {
                files.put("crds/" + crd.getFileName(), read(crd));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, List<Map<String, Object>>> templates = new TreeMap<>();
        for (Chart.Document d : Chart.render(VALUES).documents()) {
            templates.computeIfAbsent(d.template(), t -> new ArrayList<>()).add(withoutHelmLabels(d.object()));
        }
        files.putAll(templates);
        return files;
    }

    static Map<String, Object> namespace() {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "breakwater");
        labels.put("app.kubernetes.io/part-of", "breakwater");
        // host ports (80, 443) are refused by the baseline and restricted Pod Security levels
        labels.put("pod-security.kubernetes.io/enforce", "privileged");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", Chart.NAMESPACE);
        metadata.put("labels", labels);
        Map<String, Object> ns = new LinkedHashMap<>();
        ns.put("apiVersion", "v1");
        ns.put("kind", "Namespace");
        ns.put("metadata", metadata);
        return ns;
    }

    /** The object without Helm's labels, wherever a metadata holds labels (pod templates too). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutHelmLabels(Map<String, Object> object) {
        Map<String, Object> copy = new LinkedHashMap<>();
        object.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                Map<String, Object> child = withoutHelmLabels((Map<String, Object>) m);
                if (k.equals("labels")) {
                    HELM_LABELS.forEach(child::remove);
                }
                copy.put(k, child);
            } else if (v instanceof List<?> list) {
                copy.put(k, list.stream().map(e -> e instanceof Map<?, ?> m
                        ? withoutHelmLabels((Map<String, Object>) m) : e).toList());
            } else {
                copy.put(k, v);
            }
        });
        return copy;
    }

    static List<Map<String, Object>> read(Path file) {
        try {
            String text = Files.readString(file);
            List<Map<String, Object>> objects = new ArrayList<>();
            for (String part : text.split("(?m)^---\\s*$")) {
                if (part.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                    continue;
                }
                objects.add(Chart.YAML.readValue(part, new TypeReference<LinkedHashMap<String, Object>>() { }));
            }
            return objects;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> map = new LinkedHashMap<>();
        for (Map<String, Object> o : objects) {
            map.put(new Chart.Document("", o).key(), o);
        }
        return map;
    }

    private static void write(Map<String, List<Map<String, Object>>> files) throws IOException {
        Files.createDirectories(Chart.DEPLOY.resolve("crds"));
        for (Map.Entry<String, List<Map<String, Object>>> file : files.entrySet()) {
            Path target = Chart.DEPLOY.resolve(file.getKey());
            if (file.getKey().startsWith("crds/")) {
                Files.copy(Chart.CRDS.resolve(target.getFileName()), target,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                continue;
            }
            StringBuilder text = new StringBuilder(HEADER);
            for (Map<String, Object> object : file.getValue()) {
                text.append("---\n").append(WRITER.writeValueAsString(object));
            }
            Files.writeString(target, text);
        }
        Map<String, Object> kustomization = new LinkedHashMap<>();
        kustomization.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        kustomization.put("kind", "Kustomization");
        kustomization.put("resources", List.copyOf(files.keySet()));
        Files.writeString(Chart.DEPLOY.resolve("kustomization.yaml"), HEADER + "# kubectl apply -k deploy/\n"
                + WRITER.writeValueAsString(kustomization));
    }
}
