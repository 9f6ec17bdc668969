package dev.breakwater.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.annotation.AnnotationTable;
import dev.breakwater.operator.kube.ShippedRbac;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The documentation (docs/, and README's links into it) holds no broken link between its pages or to their
 * headings, and lists every command-line option (from the picocli models of both jars) and every annotation key the
 * code reads. MkDocs' strict build
 * (tools/docs.sh) checks the links too; this test runs without Python.
 */
class DocsTest {

    private static final Path ROOT = ShippedRbac.projectRoot();
    private static final Path DOCS = ROOT.resolve("docs");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");

    @Test
    void everyLinkBetweenPagesReachesAPageAndItsHeading() throws IOException {
        List<Path> pages = new ArrayList<>(markdown(DOCS));
        pages.add(ROOT.resolve("README.md"));
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = LINK.matcher(withoutCode(read(page)));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // https:, mailto: ...
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.isRegularFile(resolved)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !anchors(read(resolved)).contains(anchor)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void theCommandLinePageListsEveryOptionOfEveryCommand() {
        String cli = read(DOCS.resolve("cli.md"));
        Map<String, Set<String>> options = new LinkedHashMap<>();
        collect(dev.breakwater.operator.Main.commandLine(), options);
        collect(dev.breakwater.dataplane.Main.commandLine(), options);
        assertThat(options).containsKeys("breakwater local", "breakwater run", "breakwater serve-tables",
                "breakwater credentials", "breakwater-dataplane");
        Map<String, Set<String>> missing = new LinkedHashMap<>();
        options.forEach((command, names) -> {
            Set<String> left = new TreeSet<>(names);
            left.removeIf(o -> cli.contains("`" + o + " ") || cli.contains("`" + o + "`") || cli.contains("`" + o + ","));
            if (!left.isEmpty()) {
                missing.put(command, left);
            }
        });
        assertThat(missing).as("options not in docs/cli.md, by command").isEmpty();
    }

    /** Every option of a command and its subcommands (picocli's model), by the command's qualified name. */
    private static void collect(CommandLine command, Map<String, Set<String>> out) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            names.add(option.longestName());
        }
        out.put(command.getCommandSpec().qualifiedName(), names);
        command.getSubcommands().values().forEach(sub -> collect(sub, out));
    }

    @Test
    void everyAnnotationKeyIsDocumented() {
        String ours = read(DOCS.resolve("ingress.md"));
        String nginx = read(DOCS.resolve("ingress-nginx-annotations.md"));
        assertThat(AnnotationTable.KEYS).isNotEmpty();
        assertThat(AnnotationTable.KEYS.stream().filter(k -> !mentions(ours, "breakwater.dev/", k)).sorted())
                .as("breakwater.dev/ keys not in docs/ingress.md").isEmpty();
        assertThat(AnnotationTable.NGINX_KEYS.stream()
                .filter(k -> !mentions(nginx, "nginx.ingress.kubernetes.io/", k)).sorted())
                .as("nginx.ingress.kubernetes.io/ keys not in docs/ingress-nginx-annotations.md").isEmpty();
    }

    /** The key in a code span, with or without its prefix, alone or followed by a value. */
    private static boolean mentions(String page, String prefix, String key) {
        return Pattern.compile("`(" + Pattern.quote(prefix) + ")?" + Pattern.quote(key) + "[`: ]").matcher(page).find();
    }

    /** The anchors MkDocs gives a page's headings (Python-Markdown's toc slugs, made unique by _1, _2 ...). */
    static Set<String> anchors(String markdown) {
        Set<String> out = new HashSet<>();
        boolean fence = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fence = !fence;
            }
            Matcher h = HEADING.matcher(line);
            if (!fence && h.matches()) {
                String slug = slug(h.group(2));
                String unique = slug;
                for (int i = 1; out.contains(unique); i++) {
                    unique = slug + "_" + i;
                }
                out.add(unique);
            }
        }
        return out;
    }

    /** Python-Markdown's {@code toc.slugify}: text only, then lower case, word characters, spaces to hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("`([^`]*)`", "$1").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "");
        text = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("[^\\p{ASCII}]", "");
        text = text.replaceAll("[^\\w\\s-]", "").strip().toLowerCase(Locale.ROOT);
        return text.replaceAll("[-\\s]+", "-");
    }

    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "").replaceAll("``.*?``", "").replaceAll("`[^`\n]*`", "");
    }

    private static List<Path> markdown(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
