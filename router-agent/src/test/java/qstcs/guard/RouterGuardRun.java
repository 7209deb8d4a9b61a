package qstcs.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code router_guard.sh} in the router namespace the way a BusyBox router runs it: under
 * {@code busybox sh}, with BusyBox {@code wget}, {@code grep}, {@code sed}, {@code cut},
 * {@code date}… first on the PATH, and only iptables/nft from the host. The settings default to
 * a fast, test-friendly configuration and can be overridden per run.
 */
final class RouterGuardRun {
    /** BusyBox applets the guard uses; a real router has exactly these. */
    private static final List<String> APPLETS = List.of("wget", "timeout", "grep", "sed", "cut", "date", "sleep",
            "head", "mktemp", "rm", "cat", "tr", "hostname");

    private final RouterLab lab;
    private final Map<String, String> env = new HashMap<>();
    private int runs;

    RouterGuardRun(RouterLab lab, String backend, String routerToken) {
        this.lab = lab;
        env.put("PATH", appletDir(lab.logDir) + ":/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("KMS_HOST", RouterLab.SERVER_IP);
        env.put("KMS_PORT", "8000");
        env.put("CHAT_PORT", "8765");
        env.put("BACKEND", backend);
        env.put("ROUTER_ID", "lab-router");
        env.put("POLL_INTERVAL", "1");
        env.put("FAIL_CLOSED_AFTER", "2");
        env.put("SYSLOG", "0");  // the test reads stderr; keep the host's syslog quiet
        env.put("VERBOSE", "1");  // every request in the log, to explain any slow reaction
        env.put("ROUTER_TOKEN_FILE", "/nonexistent");
        if (routerToken != null) {
            env.put("ROUTER_TOKEN", routerToken);
        }
        env.put("TMPDIR", lab.logDir.toString());
    }

    /** Puts {@code dir} first on the guard's PATH (fault-injecting wrappers of the firewall tools). */
    RouterGuardRun pathFirst(Path dir) {
        env.put("PATH", dir + ":" + env.get("PATH"));
        return this;
    }

    RouterGuardRun set(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Starts the guard; it keeps running until stopped. */
    NamespaceProcess start(String... args) {
        runs++;
        return lab.start("guard-" + env.get("BACKEND") + "-" + runs, lab.router, env, command(args));
    }

    /** Runs the guard to completion (for --once and --dry-run). */
    Command.Result runToEnd(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.router));
        argv.addAll(command(args));
        return new Command(argv, env).run(30);
    }

    private static List<String> command(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("busybox", "sh", GuardScript.path().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Path appletDir(Path logDir) {
        Path dir = logDir.resolve("busybox-bin");
        try {
            Files.createDirectories(dir);
            Path busybox = Path.of("/usr/bin/busybox");
            if (!Files.exists(busybox)) {
                busybox = Path.of("/bin/busybox");
            }
            for (String applet : APPLETS) {
                Path link = dir.resolve(applet);
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, busybox);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare BusyBox applet links in " + dir, e);
        }
        return dir;
    }
}
