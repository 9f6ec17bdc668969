package dev.breakwater.dataplane;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The data plane's packages depend on each other one way only: no cycle, however long, between any two of them,
 * the top-level package (DataPlane, Main, EdgeOptions: the wiring) included. A slice is one package, so
 * {@code dataplane} and {@code dataplane.frontend} are two.
 */
class PackageCyclesTest {

    @Test
    void noPackageCycles() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.breakwater.dataplane");

        slices().matching("dev.breakwater.(**)").should().beFreeOfCycles().check(classes);
    }
}
