package qstcs.guard;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where {@code router_guard.sh} lives in the checkout (tests run with the module as base dir). */
final class GuardScript {
    private GuardScript() {
    }

    static Path path() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path script = base.resolve("router_guard.sh");
        if (!Files.isRegularFile(script)) {
            script = base.resolve("router-agent/router_guard.sh");
        }
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("router_guard.sh not found under " + base.toAbsolutePath());
        }
        return script.toAbsolutePath();
    }
}
