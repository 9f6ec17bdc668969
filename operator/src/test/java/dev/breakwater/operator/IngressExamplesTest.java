package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.compile.Compiler;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IngressExamplesTest {

    static List<IngressExample> rows() {
        return IngressExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void requestReachesTheExpectedService(IngressExample row) {
        Compilation compilation = Compiler.compile(row.snapshot(), row.options());

        assertThat(compilation.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).isEmpty();
        assertThat(TableLookup.service(compilation.table(), row.host(), row.path(), row.headers()))
                .isEqualTo(row.expectedService());
        if (row.expectedService() == null) {
            assertThat(TableLookup.status(compilation.table(), row.host(), row.path(), row.headers())).isEqualTo(404);
        } else {
            assertThat(compilation.table().cluster(TableLookup.route(compilation.table(), row.host(), row.path(),
                    row.headers())).endpoints()).hasSize(1);
        }
    }
}
