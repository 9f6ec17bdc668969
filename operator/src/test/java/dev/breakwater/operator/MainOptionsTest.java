package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainOptionsTest {

    @Test
    void alsoServeClassMayBeRepeatedAndReachesTheCompilerOptions(@TempDir Path dir) {
        Main.LocalOptions o = Main.LocalOptions.parse(List.of(dir.toString(), "--also-serve-class", "nginx",
                "--http-port", "0", "--also-serve-class", "nginx-internal"));

        assertThat(o.alsoServedClasses()).containsExactly("nginx", "nginx-internal");
        assertThat(o.compilerOptions().alsoServedClasses()).containsExactly("nginx", "nginx-internal");
        assertThat(o.compilerOptions().implicitDefaultClass()).isTrue();
        assertThat(Main.LocalOptions.parse(List.of(dir.toString())).compilerOptions().alsoServedClasses()).isEmpty();
    }
}
