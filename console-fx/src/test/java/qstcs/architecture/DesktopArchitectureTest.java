package qstcs.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the desktop module, checked on its compiled classes: the SDK
 * ({@code qstcs.client}) stays free of JavaFX so that headless programs and other UIs can use it,
 * the headless demo uses the SDK and not the console, and no two packages depend on each other.
 */
class DesktopArchitectureTest {
    private static JavaClasses desktop;

    @BeforeAll
    static void importClasses() {
        // The module's own compiled classes only: scanning the whole class path for packages takes seconds.
        desktop = new ClassFileImporter().importPath(Path.of("target", "classes"));
        if (desktop.stream().noneMatch(c -> c.getPackageName().equals("qstcs.client"))) {
            throw new IllegalStateException("no classes under target/classes: run from the console-fx module");
        }
    }

    @Test
    void theSdkHasNoJavaFx() {
        noClasses().that().resideInAPackage("qstcs.client..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "eu.hansolo..", "org.controlsfx..")
                .check(desktop);
    }

    @Test
    void theSdkKnowsNoApp() {
        noClasses().that().resideInAPackage("qstcs.client..")
                .should().dependOnClassesThat().resideInAnyPackage("qstcs.console..", "qstcs.chat..", "qstcs.demo..",
                        "qstcs.fx..")
                .check(desktop);
    }

    @Test
    void theDemoDoesNotUseTheConsole() {
        noClasses().that().resideInAPackage("qstcs.demo..")
                .should().dependOnClassesThat().resideInAPackage("qstcs.console..")
                .check(desktop);
    }

    @Test
    void noPackageCycles() {
        slices().matching("qstcs.(**)").should().beFreeOfCycles().check(desktop);
    }
}
