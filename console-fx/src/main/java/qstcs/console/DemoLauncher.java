package qstcs.console;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code ./qstcs demo} launcher that started this console, when there is one. Closing the
 * console ends the demo; the launcher is told the moment the window closes, before this JVM
 * winds down, so its stop (TERM to every process of the demo, KILL after 0.3 s) starts at once
 * and the demo is gone within 2 s however slowly this JVM exits on a busy machine.
 *
 * <p>The launcher passes its process id as {@code -Dqstcs.demo.launcher=PID} and stops the demo on
 * {@code SIGUSR1}; a console started any other way has no launcher and tells nobody.
 */
final class DemoLauncher {

    static final String PROPERTY = "qstcs.demo.launcher";
    private static final System.Logger LOG = System.getLogger(DemoLauncher.class.getName());
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private DemoLauncher() {
    }

    /** The launcher's process, if this console was started by one that is still running. */
    static Optional<ProcessHandle> of(String property) {
        if (property == null || !property.matches("[1-9][0-9]{0,9}")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(property)).filter(ProcessHandle::isAlive);
    }

    /** Tells the launcher (if any) that the console has closed, once per process; never throws. */
    static void consoleClosed() {
        of(System.getProperty(PROPERTY)).filter(launcher -> !TOLD.getAndSet(true)).ifPresent(launcher -> {
            try {
                // The JDK sends only TERM and KILL; USR1 says "the console closed", so the
                // launcher can tell it from a TERM sent by somebody else and exit 0.
                new ProcessBuilder("kill", "-USR1", Long.toString(launcher.pid()))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not tell the demo launcher that the console closed: " + e.getMessage()
                        + "; it stops the demo when this process exits");
            }
        });
    }
}
