package dev.breakwater.operator.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code docs/reference/route-crd.md} from the Route CRD's OpenAPI schema ({@code crds/}): one section per
 * object of the schema, one row per field with its type, whether it is required, its validation (sizes, ranges,
 * patterns, enumerations, CEL rules by their messages) and its description. The page holds nothing the schema does
 * not say, so it cannot drift from what the API server enforces; {@link RouteCrdDocsTest} keeps it committed.
 */
final class RouteCrdReference {

    static final String CRD = "crds/routes.breakwater.dev-v1.yml";
    static final String PAGE = "docs/reference/route-crd.md";

    private final StringBuilder out = new StringBuilder();

    private RouteCrdReference() {
    }

    /** The page for the CRD file under {@code root}. */
    static String render(Path root) throws IOException {
        JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(root.resolve(CRD).toFile());
        JsonNode spec = crd.path("spec");
        JsonNode version = spec.path("versions").get(0);
        RouteCrdReference page = new RouteCrdReference();
        page.header(spec, version);
        JsonNode schema = version.path("schema").path("openAPIV3Schema");
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> top = it.next();
            page.object(top.getKey(), top.getValue());
        }
        return page.out.toString();
    }

    private void header(JsonNode spec, JsonNode version) {
        String group = spec.path("group").asText();
        String kind = spec.path("names").path("kind").asText();
        out.append("# Route CRD reference\n\n")
                .append("<!-- Generated from ").append(CRD).append(" by RouteCrdDocsTest; do not edit. Regenerate with\n")
                .append("     mvn -B -pl operator -am verify -Dtest=RouteCrdDocsTest -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dbreakwater.writeDocs=true -->\n\n")
                .append("Every field of `").append(kind).append("` (`").append(group).append('/')
                .append(version.path("name").asText()).append("`, ").append(spec.path("scope").asText().toLowerCase())
                .append("), as the CustomResourceDefinition in `").append(CRD)
                .append("` declares it, so the API server refuses at `kubectl apply` what this page says is invalid. ")
                .append("The [Routes](../routes.md) page explains them, with defaults and examples.\n\n")
                .append("`kubectl get routes` shows the columns ");
        List<String> columns = new ArrayList<>();
        version.path("additionalPrinterColumns").forEach(c -> columns.add("`" + c.path("name").asText() + "` (`"
                + c.path("jsonPath").asText() + "`)"));
        out.append(String.join(", ", columns)).append(".\n");
    }

    /** A section for an object, its fields in a table, then a section for each object field below it. */
    private void object(String path, JsonNode schema) {
        JsonNode properties = schema.path("properties");
        out.append("\n## `").append(path).append("`\n\n");
        if (schema.has("description")) {
            out.append(cell(schema.path("description").asText())).append("\n\n");
        }
        String rules = celRules(schema);
        if (!rules.isEmpty()) {
            out.append("Rules: ").append(rules).append(".\n\n");
        }
        out.append("| field | type | required | validation | description |\n|---|---|---|---|---|\n");
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        List<Map.Entry<String, JsonNode>> nested = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode f = field.getValue();
            out.append("| `").append(field.getKey()).append("` | ").append(type(f)).append(" | ")
                    .append(required.contains(field.getKey()) ? "yes" : "").append(" | ").append(validation(f))
                    .append(" | ").append(cell(f.path("description").asText(""))).append(" |\n");
            if (objectOf(f) != null) {
                nested.add(field);
            }
        }
        for (Map.Entry<String, JsonNode> field : nested) {
            JsonNode f = field.getValue();
            String suffix = f.path("type").asText().equals("array") ? "[]" : "";
            object(path + "." + field.getKey() + suffix, objectOf(f));
        }
    }

    /** The object schema a field holds (itself, or the items of an array), or null when it holds no object. */
    private static JsonNode objectOf(JsonNode field) {
        JsonNode f = field.path("type").asText().equals("array") ? field.path("items") : field;
        return f.has("properties") ? f : null;
    }

    private static String type(JsonNode f) {
        if (f.path("x-kubernetes-int-or-string").asBoolean()) {
            return "integer or string";
        }
        String type = f.path("type").asText("");
        if (type.equals("array")) {
            JsonNode items = f.path("items");
            return "array of " + (items.has("properties") ? "objects" : type(items) + "s");
        }
        return type;
    }

    private static String validation(JsonNode f) {
        List<String> parts = new ArrayList<>();
        range(parts, f, "minItems", "maxItems", "items");
        range(parts, f, "minLength", "maxLength", "characters");
        range(parts, f, "minimum", "maximum", null);
        if (f.has("enum")) {
            List<String> values = new ArrayList<>();
            f.path("enum").forEach(v -> values.add(code(v.asText())));
            parts.add("one of " + String.join(", ", values));
        }
        if (f.has("pattern")) {
            parts.add("pattern " + code(f.path("pattern").asText()));
        }
        JsonNode items = f.path("items");
        if (f.path("type").asText().equals("array") && !items.has("properties")) {
            String each = validation(items);
            if (!each.isEmpty()) {
                parts.add("each: " + each);
            }
        }
        String rules = celRules(f);
        if (!rules.isEmpty()) {
            parts.add("rules: " + rules);
        }
        return String.join("; ", parts);
    }

    private static void range(List<String> parts, JsonNode f, String min, String max, String unit) {
        String u = unit == null ? "" : " " + unit;
        if (f.has(min) && f.has(max)) {
            parts.add(f.path(min).asText() + " to " + f.path(max).asText() + u);
        } else if (f.has(min)) {
            parts.add("at least " + f.path(min).asText() + u);
        } else if (f.has(max)) {
            parts.add("at most " + f.path(max).asText() + u);
        }
    }

    private static String celRules(JsonNode f) {
        List<String> messages = new ArrayList<>();
        f.path("x-kubernetes-validations").forEach(v -> messages.add("\"" + cell(v.path("message").asText()) + "\""));
        return String.join(", ", messages);
    }

    /** Text fit for one table cell: one line, pipes escaped. */
    private static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ").replace("|", "\\|").strip();
    }

    /**
     * A code span for any text, fenced with more backticks than it holds. Pipes stay as they are: a table row is
     * not split inside a code span (Python-Markdown, which MkDocs uses).
     */
    private static String code(String text) {
        String fence = text.contains("`") ? "`` " : "`";
        String close = text.contains("`") ? " ``" : "`";
        return fence + text + close;
    }
}
