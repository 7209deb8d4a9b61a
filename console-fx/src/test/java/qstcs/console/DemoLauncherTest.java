package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class DemoLauncherTest {

    @Test
    void closingTheConsoleSignalsTheLauncherThatStartedIt() throws Exception {
        // A stand-in launcher with the real one's trap: USR1 ends it with its own exit code.
        Process launcher = new ProcessBuilder("bash", "-c",
                "trap 'exit 7' USR1; echo ready; while :; do sleep 0.05; done").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            System.setProperty(DemoLauncher.PROPERTY, Long.toString(launcher.pid()));
            DemoLauncher.consoleClosed();
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher was not told");
            assertEquals(7, launcher.exitValue(), "ended by USR1, not by another signal");
        } finally {
            System.clearProperty(DemoLauncher.PROPERTY);
            launcher.destroyForcibly();
        }
    }

    @Test
    void aConsoleWithoutALauncherTellsNobody() {
        assertTrue(DemoLauncher.of(null).isEmpty());
        assertTrue(DemoLauncher.of("").isEmpty());
        assertTrue(DemoLauncher.of("0").isEmpty());
        assertTrue(DemoLauncher.of("-1").isEmpty());
        assertTrue(DemoLauncher.of("12ab").isEmpty());
        assertTrue(DemoLauncher.of("99999999999").isEmpty());
        DemoLauncher.consoleClosed(); // no property: nothing happens, nothing thrown
    }
}
