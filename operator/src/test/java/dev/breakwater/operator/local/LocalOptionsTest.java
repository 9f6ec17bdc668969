package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalOptionsTest {

    @Test
    void alsoServeClassMayBeRepeatedAndReachesTheCompilerOptions(@TempDir Path dir) {
        LocalCommand.LocalOptions o = LocalCommand.LocalOptions.parse(List.of(dir.toString(), "--also-serve-class", "nginx",
                "--http-port", "0", "--also-serve-class", "nginx-internal"));

        assertThat(o.alsoServedClasses()).containsExactly("nginx", "nginx-internal");
        assertThat(o.compilerOptions().alsoServedClasses()).containsExactly("nginx", "nginx-internal");
        assertThat(o.compilerOptions().implicitDefaultClass()).isTrue();
        assertThat(LocalCommand.LocalOptions.parse(List.of(dir.toString())).compilerOptions().alsoServedClasses()).isEmpty();
    }
}
