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
}
