package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/ingress-nginx-annotations.md lists every ingress-nginx annotation Breakwater reads, and no other. */
class IngressNginxDocsTest {

    private static final Path DOCS = Path.of("..", "docs", "ingress-nginx-annotations.md");

    @Test
    void theTableListsExactlyTheAnnotationsRead() throws Exception {
        List<String> lines = Files.readAllLines(DOCS);
        int start = lines.indexOf("## The annotations");
        int end = lines.indexOf("## Canary");
        TreeSet<String> documented = new TreeSet<>();
        for (String line : lines.subList(start, end)) {
            if (line.startsWith("| `")) {
                String first = line.substring(3, line.indexOf('`', 3));
                assertThat(documented.add(first)).as("listed twice: " + first).isTrue();
            }
        }

        assertThat(documented).isEqualTo(new TreeSet<>(AnnotationTable.NGINX_KEYS));
    }

    /**
     * The table's rows are the key table's ({@link AnnotationTable#docRows}), in order and word for word. Run with
     * {@code -Dbreakwater.docs.write=true} to write them into the docs after changing a key's row.
     */
    @Test
    void theTableIsTheOneTheKeysDeclare() throws Exception {
        List<String> lines = Files.readAllLines(DOCS);
        int start = lines.indexOf("## The annotations");
        int end = lines.indexOf("## Canary");
        List<Integer> rows = new java.util.ArrayList<>();
        for (int i = start; i < end; i++) {
            if (lines.get(i).startsWith("| `")) {
                rows.add(i);
            }
        }
        if (Boolean.getBoolean("breakwater.docs.write")) {
            List<String> written = new java.util.ArrayList<>(lines.subList(0, rows.get(0)));
            written.addAll(AnnotationTable.docRows());
            written.addAll(lines.subList(rows.get(rows.size() - 1) + 1, lines.size()));
            Files.write(DOCS, written);
            return;
        }
        assertThat(rows.get(rows.size() - 1) - rows.get(0) + 1).as("the rows are one block").isEqualTo(rows.size());

        assertThat(rows.stream().map(lines::get).toList()).containsExactlyElementsOf(AnnotationTable.docRows());
    }

    @Test
    void everyAnnotationIssue6NamesIsRead() {
        assertThat(AnnotationTable.NGINX_KEYS).contains("rewrite-target", "use-regex", "ssl-redirect",
                "force-ssl-redirect", "backend-protocol", "affinity", "session-cookie-name", "session-cookie-max-age",
                "session-cookie-path", "proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout",
                "proxy-body-size", "whitelist-source-range", "allowlist-source-range", "permanent-redirect",
                "permanent-redirect-code", "canary", "canary-weight", "canary-weight-total", "canary-by-header",
                "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie", "enable-cors",
                "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-expose-headers",
                "cors-allow-credentials", "cors-max-age");
    }

    @Test
    void theReadmeLinksIt() throws Exception {
        assertThat(Files.readString(Path.of("..", "README.md"))).contains("(docs/ingress-nginx-annotations.md)");
    }

    private static final String CONFIGMAP = "## The controller ConfigMap";
    private static final String EVERY = "## Every ingress-nginx annotation and ConfigMap key, beside Traefik";
    private static final String EVERY_KEY = "### ConfigMap keys";

    /** What ingress-nginx documents and Traefik's support for it: kind, name, Traefik (a tab between). */
    static List<String[]> documented() throws Exception {
        return Files.readAllLines(Path.of("src/test/resources/ingress-nginx/documented.tsv")).stream()
                .filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split("\t")).toList();
    }

    /** What Breakwater does with annotation {@code name}, from the compiler's key table. */
    static String annotationStatus(String name) {
        AnnotationTable.Row row = AnnotationTable.row(name);
        if (row == null) {
            return name.endsWith("-snippet") ? "refused (a warning)" : "not read (a warning)";
        }
        return row.notApplied() ? "not applied (a warning)" : row.deviations().isEmpty() ? "read" : "differs";
    }

    /** What Breakwater does with ConfigMap key {@code name}, from the compiler's key table. */
    static String keyStatus(String name) {
        ControllerConfigKeys.ConfigKey key = ControllerConfigKeys.key(name);
        if (key == null) {
            return name.endsWith("-snippet") ? "refused (a warning)" : "not read (a warning)";
        }
        return key.deviations().isEmpty() && key.unset().isEmpty() ? "read" : "differs";
    }

    /** The generated rows of the section "Every ingress-nginx annotation ...": annotations, then the count. */
    static List<String> everyAnnotationRows() throws Exception {
        java.util.Map<String, String> traefik = new java.util.TreeMap<>();
        for (String[] d : documented()) {
            if (d[0].equals("annotation")) {
                traefik.put(d[1], d[2]);
            }
        }
        TreeSet<String> names = new TreeSet<>(traefik.keySet());
        names.addAll(AnnotationTable.NGINX_KEYS);
        List<String> rows = new java.util.ArrayList<>();
        for (String name : names) {
            rows.add("| `" + name + "` | " + annotationStatus(name) + (traefik.containsKey(name) ? ""
                    : " (not in ingress-nginx's annotations.md)") + " | " + traefik.getOrDefault(name, "not listed")
                    + " |");
        }
        return rows;
    }

    static List<String> everyKeyRows() throws Exception {
        List<String> rows = new java.util.ArrayList<>();
        for (String[] d : documented()) {
            if (d[0].equals("configmap")) {
                rows.add("| `" + d[1] + "` | " + keyStatus(d[1]) + " | " + d[2] + " |");
            }
        }
        return rows;
    }

    /** The sentence with the counts, generated. */
    static String counts() throws Exception {
        long annotations = documented().stream().filter(d -> d[0].equals("annotation")).count();
        long read = documented().stream().filter(d -> d[0].equals("annotation"))
                .filter(d -> AnnotationTable.row(d[1]) != null && !AnnotationTable.row(d[1]).notApplied()).count();
        long traefik = documented().stream().filter(d -> d[0].equals("annotation") && d[2].equals("yes")).count();
        long keys = documented().stream().filter(d -> d[0].equals("configmap")).count();
        long keysRead = documented().stream().filter(d -> d[0].equals("configmap"))
                .filter(d -> ControllerConfigKeys.key(d[1]) != null).count();
        return "Breakwater reads " + read + " of the " + annotations + " annotations ingress-nginx documents (Traefik "
                + "lists " + traefik + " of them as supported) and " + keysRead + " of its " + keys + " ConfigMap keys.";
    }

    /** The rows of the first table after {@code heading} (before the next heading of its level or above). */
    private static int[] block(List<String> lines, String heading) {
        int start = lines.indexOf(heading);
        assertThat(start).as("docs heading " + heading).isNotNegative();
        int first = -1;
        int last = -1;
        for (int i = start + 1; i < lines.size() && !(lines.get(i).startsWith("## ")
                || lines.get(i).startsWith("### ") && heading.startsWith("### ")); i++) {
            if (lines.get(i).startsWith("| `")) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            } else if (first >= 0) {
                break;
            }
        }
        assertThat(first).as("a table under " + heading).isNotNegative();
        return new int[] {first, last};
    }

    /**
     * The ConfigMap table, the table of every annotation and ConfigMap key (Breakwater's status read from the key
     * tables, Traefik's from src/test/resources/ingress-nginx/documented.tsv) and the counts are what the code says;
     * {@code -Dbreakwater.docs.write=true} writes them.
     */
    @Test
    void theConfigMapAndEveryKeyTablesAreTheOnesTheCodeDeclares() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(DOCS));
        java.util.Map<String, List<String>> tables = new java.util.LinkedHashMap<>();
        tables.put(CONFIGMAP, ControllerConfigKeys.docRows());
        tables.put(EVERY, everyAnnotationRows());
        tables.put(EVERY_KEY, everyKeyRows());
        int countLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Breakwater reads ") && lines.get(i).contains(" annotations ingress-nginx "
                    + "documents")) {
                countLine = i;
            }
        }
        assertThat(countLine).as("the counts' line").isNotNegative();
        if (Boolean.getBoolean("breakwater.docs.write")) {
            lines.set(countLine, counts());
            for (var e : tables.entrySet()) {
                int[] b = block(lines, e.getKey());
                for (int i = b[1]; i >= b[0]; i--) {
                    lines.remove(i);
                }
                lines.addAll(b[0], e.getValue());
            }
            Files.write(DOCS, lines);
            return;
        }
        assertThat(lines.get(countLine)).isEqualTo(counts());
        for (var e : tables.entrySet()) {
            int[] b = block(lines, e.getKey());
            assertThat(lines.subList(b[0], b[1] + 1)).as(e.getKey()).containsExactlyElementsOf(e.getValue());
        }
    }

    @Test
    void everyAnnotationBreakwaterReadsIsInTheTableOfEveryAnnotation() throws Exception {
        assertThat(everyAnnotationRows()).hasSizeGreaterThanOrEqualTo(130);
        for (String key : AnnotationTable.NGINX_KEYS) {
            assertThat(everyAnnotationRows()).anyMatch(r -> r.startsWith("| `" + key + "` | "));
        }
        for (String key : ControllerConfigKeys.names()) {
            assertThat(everyKeyRows()).as(key + " is a key ingress-nginx documents")
                    .anyMatch(r -> r.startsWith("| `" + key + "` | "));
        }
    }
}
