package dev.breakwater.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.kube.ShippedRbac;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every ingress-nginx annotation and ConfigMap key that docs/ingress-nginx-annotations.md says Breakwater reads
 * ({@code read} or {@code differs} in its tables "Annotations" and "ConfigMap keys") has a test through a real data
 * plane: its name appears, as a whole name and not under {@code breakwater.dev/}, in a test class of
 * operator/src/test/java that serves manifests to a data plane and asks it with real clients, one whose name ends in
 * {@code ThroughProxyTest}, {@code WorldTest} or {@code AgainstApiServerTest}, or begins with {@code LocalMode}. The
 * rule is in docs/development.md.
 */
class IngressNginxThroughProxyCoverageTest {

    private static final Path ROOT = ShippedRbac.projectRoot();
    private static final Path DOC = ROOT.resolve("docs").resolve("ingress-nginx-annotations.md");
    private static final Path TESTS = ROOT.resolve("operator").resolve("src").resolve("test").resolve("java");
    private static final Pattern THROUGH_PROXY = Pattern.compile(
            "(.*(ThroughProxyTest|WorldTest|AgainstApiServerTest)|LocalMode.*Test)\\.java");
    /** Rows still without such a test, each a task: upstream-keepalive-timeout: "1s" was seen not to close idle connections. */
    private static final List<String> KNOWN_MISSING = List.of("ConfigMap keys: upstream-keepalive-timeout");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| (read|differs)\\b.*");

    /** The names of the rows marked read or differs, by table ("Annotations", "ConfigMap keys"). */
    static Map<String, Set<String>> readNames(List<String> lines) {
        Map<String, Set<String>> byTable = new TreeMap<>();
        boolean inSection = false;
        String table = null;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.startsWith("## Every ingress-nginx annotation and ConfigMap key");
                table = null;
            } else if (inSection && line.startsWith("### ")) {
                table = line.substring(4).trim();
            } else if (table != null) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    byTable.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(m.group(1));
                }
            }
        }
        return byTable;
    }

    /** Whether {@code name} appears in {@code source} as a whole name (not part of a longer one), not under ours. */
    static boolean mentions(String source, String name) {
        Matcher m = Pattern.compile("(?<![A-Za-z0-9-])" + Pattern.quote(name) + "(?![A-Za-z0-9-])").matcher(source);
        while (m.find()) {
            if (!source.startsWith("breakwater.dev/", m.start() - Math.min(m.start(), "breakwater.dev/".length()))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> throughProxySources() throws IOException {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(TESTS)) {
            for (Path f : files.filter(p -> THROUGH_PROXY.matcher(p.getFileName().toString()).matches()).toList()) {
                sources.add(Files.readString(f));
            }
        }
        return sources;
    }

    @Test
    void theDocsTablesAreFoundWithTheirReadRows() throws IOException {
        Map<String, Set<String>> names = readNames(Files.readAllLines(DOC));

        assertThat(names).containsOnlyKeys("Annotations", "ConfigMap keys");
        assertThat(names.get("Annotations")).contains("auth-url", "canary-weight-total", "ssl-passthrough")
                .doesNotContain("configuration-snippet", "auth-tls-verify-depth").hasSizeGreaterThan(80);
        assertThat(names.get("ConfigMap keys")).contains("global-auth-url", "log-format-escape-json")
                .doesNotContain("use-geoip2").hasSizeGreaterThan(60);
    }

    @Test
    void theRuleCountsWholeNamesOnlyAndNotOurs() {
        assertThat(mentions("nginx.ingress.kubernetes.io/auth-url: x", "auth-url")).isTrue();
        assertThat(mentions("\"auth-url\", x", "auth-url")).isTrue();
        assertThat(mentions("global-auth-url: x", "auth-url")).isFalse();
        assertThat(mentions("auth-url-extra", "auth-url")).isFalse();
        assertThat(mentions("breakwater.dev/auth-url: x", "auth-url")).isFalse();
        assertThat(mentions("breakwater.dev/auth-url and nginx's auth-url", "auth-url")).isTrue();
    }

    @Test
    void everyNameTheDocSaysIsReadHasATestThroughADataPlane() throws IOException {
        List<String> sources = throughProxySources();
        assertThat(sources).as("the test classes of the rule").hasSizeGreaterThan(20);
        List<String> missing = new ArrayList<>();
        readNames(Files.readAllLines(DOC)).forEach((table, names) -> {
            for (String name : names) {
                if (sources.stream().noneMatch(s -> mentions(s, name))) {
                    missing.add(table + ": " + name);
                }
            }
        });

        assertThat(missing).as("rows of docs/ingress-nginx-annotations.md marked read or differs that no "
                + "*ThroughProxyTest, *WorldTest, *AgainstApiServerTest or LocalMode*Test of operator/src/test/java "
                + "names (see docs/development.md)").containsExactlyElementsOf(KNOWN_MISSING);
    }
}
