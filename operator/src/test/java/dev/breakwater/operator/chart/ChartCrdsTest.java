package dev.breakwater.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart and deploy/ ship the CRDs of {@code crds/} unchanged (Helm installs {@code charts/breakwater/crds/}
 * before the templates). The build writes the chart's copy with crds/ ({@code mvn -pl operator -am -DskipTests
 * package}); deploy/ is written with the rest of deploy/ (see {@link ChartDeployTest}).
 */
class ChartCrdsTest {

    @Test
    void theChartShipsExactlyTheCrdsOfCrds() throws IOException {
        assertSameFiles(Chart.DIR.resolve("crds"), "charts/breakwater/crds",
                "mvn -pl operator -am -DskipTests package (it writes crds/ and charts/breakwater/crds/)");
    }

    @Test
    void deployShipsExactlyTheCrdsOfCrds() throws IOException {
        assertSameFiles(Chart.DEPLOY.resolve("crds"), "deploy/crds", ChartDeployTest.REGENERATE);
    }

    private static void assertSameFiles(Path copy, String name, String regenerate) throws IOException {
        assertThat(names(copy)).as("files of %s (regenerate: %s)", name, regenerate)
                .containsExactlyElementsOf(names(Chart.CRDS));
        for (String file : names(Chart.CRDS)) {
            if (!Files.readString(Chart.CRDS.resolve(file)).equals(Files.readString(copy.resolve(file)))) {
                fail(name + "/" + file + " differs from crds/" + file + "; regenerate with " + regenerate);
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yml") || f.endsWith(".yaml"))
                    .sorted().toList();
        }
    }
}
