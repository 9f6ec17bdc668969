package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.RequestBlocklist;
import dev.breakwater.routing.RequestBlocklist.Entry;
import dev.breakwater.routing.RequestBlocklist.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The controller ConfigMap's {@code block-user-agents} and {@code block-referers}: nginx map entries read into the
 * table's request blocklist; a bad entry is a warning naming the key and why, and is left out while the others apply;
 * a value with no usable entry is an error that keeps the last good value.
 */
class ControllerConfigBlockListsTest {

    private static final String CM = "ConfigMap/ingress-nginx/ingress-nginx-controller";

    private final List<Diagnostic> diagnostics = new ArrayList<>();

    private ControllerConfig read(Map<String, String> data, Map<String, String> lastGood) {
        return ControllerConfig.read(CM, data, lastGood, diagnostics);
    }

    private List<String> messages() {
        return diagnostics.stream().map(Diagnostic::toString).toList();
    }

    @Test
    void entriesAreExactStringsOrRegexesAsInNginxsMap() {
        ControllerConfig c = read(Map.of("block-user-agents", "BadBot/1.0, ~^Scanner,~*crawler",
                "block-referers", "~*spam\\.example"), Map.of());

        assertThat(messages()).isEmpty();
        RequestBlocklist list = c.edge().blocked();
        assertThat(list.userAgents()).containsExactly(new Entry(Kind.EXACT, "BadBot/1.0"),
                new Entry(Kind.REGEX, "^Scanner"), new Entry(Kind.REGEX_IGNORE_CASE, "crawler"));
        assertThat(list.referers()).containsExactly(new Entry(Kind.REGEX_IGNORE_CASE, "spam\\.example"));
        assertThat(c.defaults()).as("not an annotation's default: every host and route").isEmpty();
    }

    @Test
    void aBadEntryIsAWarningNamingTheKeyAndIsLeftOutTheOthersApply() {
        ControllerConfig c = read(Map.of("block-user-agents", "~*(bot, curl/8.0"), Map.of());

        assertThat(c.edge().blocked().userAgents()).containsExactly(new Entry(Kind.EXACT, "curl/8.0"));
        assertThat(c.edge().blocked().referers()).isEmpty();
        assertThat(messages()).singleElement().asString()
                .startsWith(CM + " data['block-user-agents']: entry \"~*(bot\" left out: \"(bot\" is not a regular "
                        + "expression: Unclosed group")
                .endsWith("; the other entries apply");
        assertThat(diagnostics.get(0).severity()).isEqualTo(Diagnostic.Severity.WARNING);
    }

    @Test
    void noUsableEntryIsAnErrorThatKeepsTheLastGoodValue() {
        ControllerConfig first = read(Map.of("block-referers", "~[", "block-user-agents", "~("), Map.of());
        assertThat(first.edge().blocked()).isNull();
        assertThat(messages()).anyMatch(m -> m.startsWith(CM + " data['block-referers']: entry \"~[\" left out"))
                .anyMatch(m -> m.equals(CM + " data['block-referers']: no usable entry (expected: strings, ~regex "
                        + "or ~*regex, separated by commas); not applied (no earlier value to keep)"));

        diagnostics.clear();
        ControllerConfig next = read(Map.of("block-referers", "~*(spam"), Map.of("block-referers", "~*spam"));
        assertThat(next.edge().blocked().referers()).containsExactly(new Entry(Kind.REGEX_IGNORE_CASE, "spam"));
        assertThat(messages()).anyMatch(m -> m.endsWith("the last good value \"~*spam\" is kept"));
    }

    @Test
    void entriesAreBoundedInNumberAndLength() {
        String many = IntStream.range(0, RequestBlocklist.MAX_ENTRIES + 3).mapToObj(i -> "bot" + i)
                .collect(Collectors.joining(","));
        ControllerConfig c = read(Map.of("block-user-agents", many + ",~" + "a".repeat(1025)), Map.of());

        assertThat(c.edge().blocked().userAgents()).hasSize(RequestBlocklist.MAX_ENTRIES);
        assertThat(messages()).anyMatch(m -> m.contains("data['block-user-agents']: entry \"~aaaa")
                        && m.contains("left out: value: 1025 characters (expected: at most 1024)"))
                .anyMatch(m -> m.endsWith("data['block-user-agents']: 3 entries beyond the first 256 left out "
                        + "(from \"bot256\")"));
    }

    @Test
    void emptyEntriesAreSkippedAndAnEmptyValueIsNoList() {
        ControllerConfig c = read(Map.of("block-user-agents", " , ~*bot ,,", "block-referers", ""), Map.of());

        assertThat(messages()).isEmpty();
        assertThat(c.edge().blocked().userAgents()).containsExactly(new Entry(Kind.REGEX_IGNORE_CASE, "bot"));
        assertThat(c.edge().blocked().referers()).isEmpty();
    }
}
