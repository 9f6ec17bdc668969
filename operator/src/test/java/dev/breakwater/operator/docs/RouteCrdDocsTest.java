package dev.breakwater.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.kube.ShippedRbac;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Route CRD's reference page is what its schema in {@code crds/} says ({@link RouteCrdReference}); with
 * {@code -Dbreakwater.writeDocs=true} it writes the page instead.
 */
class RouteCrdDocsTest {

    private static final String REGENERATE = "mvn -B -pl operator -am verify -Dtest=RouteCrdDocsTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dbreakwater.writeDocs=true";

    @Test
    void theCommittedPageIsTheOneTheSchemaMakes() throws IOException {
        Path root = ShippedRbac.projectRoot();
        String expected = RouteCrdReference.render(root);
        Path page = root.resolve(RouteCrdReference.PAGE);
        if (Boolean.getBoolean("breakwater.writeDocs")) {
            Files.createDirectories(page.getParent());
            Files.writeString(page, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(page, StandardCharsets.UTF_8))
                .as("%s, against %s (regenerate: %s)", RouteCrdReference.PAGE, RouteCrdReference.CRD, REGENERATE)
                .isEqualTo(expected);
    }

    @Test
    void everyFieldOfTheSchemaIsOnThePage() throws IOException {
        String page = RouteCrdReference.render(ShippedRbac.projectRoot());

        assertThat(page).contains("## `spec`", "## `spec.rules[]`", "## `spec.rules[].backends[]`", "## `status`",
                "| `hostnames` |", "| `weight` |", "| `rateLimit` |", "| `observedGeneration` |");
    }
}
