package dev.breakwater.routing;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The packages of this module depend on each other one way only: no cycle, however long, between any of them. */
class PackageCyclesTest {

    @Test
    void noPackageCycles() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.breakwater.routing");

        slices().matching("dev.breakwater.(**)").should().beFreeOfCycles().check(classes);
    }
}
