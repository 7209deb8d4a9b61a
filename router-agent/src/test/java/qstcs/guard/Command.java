package qstcs.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command run to completion with a deadline, its stdout and stderr merged. The test
 * harness uses it for {@code ip}, {@code iptables}, {@code nft}, {@code shellcheck} and short
 * guard runs; long-running processes go through {@link NamespaceProcess}.
 */
record Command(List<String> argv, Map<String, String> env) {

    /** What a finished command left behind. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    static Command of(String... argv) {
        return new Command(List.of(argv), Map.of());
    }

    Command withEnv(Map<String, String> extra) {
        return new Command(argv, extra);
    }

    Result run() {
        return run(20);
    }

    Result run(int timeoutSeconds) {
        Path out = null;
        try {
            out = Files.createTempFile("qstcs-guard-cmd", ".out");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", argv));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Runs and fails the test with the command's own output when it does not exit 0. */
    String check() {
        Result r = run();
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.output().strip());
        }
        return r.output();
    }

    /** True when {@code name} is an executable on the PATH (or the usual sbin directories). */
    static boolean available(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
