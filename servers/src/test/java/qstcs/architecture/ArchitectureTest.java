package qstcs.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the production code of {@code servers} and {@code crypto}, checked on
 * the compiled classes: the servers do not reach into each other, the shared server packages
 * and the library depend on no server, and no two packages depend on each other in a cycle.
 */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("qstcs");
    }

    @Test
    void theRelayUsesNothingOfTheKms() {
        noClasses().that().resideInAPackage("qstcs.relay..")
                .should().dependOnClassesThat().resideInAPackage("qstcs.kms..")
                .check(production);
    }

    @Test
    void theKmsUsesNothingOfTheRelay() {
        noClasses().that().resideInAPackage("qstcs.kms..")
                .should().dependOnClassesThat().resideInAPackage("qstcs.relay..")
                .check(production);
    }

    @Test
    void sharedServerCodeBelongsToNeitherServer() {
        noClasses().that().resideInAPackage("qstcs.server..")
                .should().dependOnClassesThat().resideInAnyPackage("qstcs.kms..", "qstcs.relay..")
                .check(production);
    }

    @Test
    void theLibraryDependsOnNoServerAndNoThirdPartyCode() {
        noClasses().that().resideInAPackage("qstcs.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("qstcs.kms..", "qstcs.relay..", "qstcs.server..",
                        "io.helidon..", "com.fasterxml..", "org.bouncycastle..")
                .check(production);
    }

    @Test
    void noPackageCycles() {
        slices().matching("qstcs.(**)").should().beFreeOfCycles().check(production);
    }
}
