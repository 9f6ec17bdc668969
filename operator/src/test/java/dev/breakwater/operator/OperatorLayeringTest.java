package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The operator talks to data planes through the channel module; only local mode runs a data plane itself. */
class OperatorLayeringTest {

    @Test
    void onlyLocalModeImportsTheDataPlane() throws IOException {
        Path main = Path.of("src/main/java/dev/breakwater/operator");
        Path local = main.resolve("local");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(local))
                    .filter(f -> read(f).contains("dev.breakwater.dataplane"))
                    .map(Path::toString).sorted().toList();
        }
        assertThat(offenders).isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
