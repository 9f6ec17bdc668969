package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags Breakwater is measured with are the ones it ships with everywhere it runs: the launcher's
 * {@code default_java_opts} ({@code ./breakwater}, and so local mode and the benchmarks), both Dockerfiles and the
 * Jib images' {@code JAVA_TOOL_OPTIONS} in the root pom. Containers add only what a container needs (the heap sized
 * from the cgroup limit, a temp dir on the writable volume); the collector and its settings are the same.
 */
class ShippedJvmFlagsTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> CONTAINER_ONLY = List.of("-XX:+UseContainerSupport", "-XX:MaxRAMPercentage=75",
            "-Djava.io.tmpdir=/tmp");

    @Test
    void everyImageRunsTheLaunchersFlags() throws IOException {
        List<String> launcher = flags(find(ROOT.resolve("breakwater"), "^default_java_opts=\"([^\"]*)\"$"));
        assertThat(launcher).as("the launcher's flags").contains("-XX:+UseG1GC").doesNotContainAnyElementsOf(
                CONTAINER_ONLY);

        for (Path dockerfile : List.of(ROOT.resolve("operator/Dockerfile"), ROOT.resolve("dataplane/Dockerfile"))) {
            List<String> image = flags(find(dockerfile, "^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$"));
            assertThat(image).as(dockerfile + " JAVA_TOOL_OPTIONS").containsAll(CONTAINER_ONLY);
            assertThat(image.stream().filter(f -> !CONTAINER_ONLY.contains(f)).toList())
                    .as(dockerfile + " JAVA_TOOL_OPTIONS without the container's own flags")
                    .containsExactlyElementsOf(launcher);
        }

        List<String> jib = flags(find(ROOT.resolve("pom.xml"), "<JAVA_TOOL_OPTIONS>([^<]*)</JAVA_TOOL_OPTIONS>"));
        assertThat(jib).as("the Jib images' JAVA_TOOL_OPTIONS (pom.xml)").containsAll(CONTAINER_ONLY);
        assertThat(jib.stream().filter(f -> !CONTAINER_ONLY.contains(f)).toList())
                .as("the Jib images' JAVA_TOOL_OPTIONS without the container's own flags")
                .containsExactlyElementsOf(launcher);
    }

    private static String find(Path file, String regex) throws IOException {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(Files.readString(file));
        assertThat(m.find()).as(file + " has " + regex).isTrue();
        String found = m.group(1);
        assertThat(m.find()).as(file + " has " + regex + " once").isFalse();
        return found;
    }

    private static List<String> flags(String line) {
        return List.of(line.trim().split("\\s+"));
    }
}
