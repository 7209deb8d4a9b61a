package qstcs.bench.relay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node {@code ws} load generator in {@code bench/node}: checks that Node is there, installs its
 * pinned dependency with {@code npm ci} when {@code node_modules} is missing, and runs
 * {@code relay-load.mjs} with its output streamed to this process's. Everything that can go wrong
 * before the run is a {@link Failure} with a sentence saying what to do, never a stack trace.
 */
final class NodeGenerator {

    /** The oldest Node the script is written for (ES modules, {@code process.hrtime.bigint}). */
    static final int MIN_NODE = 18;
    static final String SCRIPT = "relay-load.mjs";

    private static final Pattern VERSION = Pattern.compile("^v(\\d+)\\.");

    /** A problem with Node or npm, said in one message for the user. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final String node;
    private final String npm;
    private final Path dir;

    /**
     * @param node the node command (a name on the PATH or a path)
     * @param npm the npm command
     * @param dir the directory holding {@code package.json}, {@code package-lock.json} and the script
     */
    NodeGenerator(String node, String npm, Path dir) {
        this.node = node;
        this.npm = npm;
        this.dir = dir;
    }

    /**
     * The generator as the launcher runs it: {@code bench/node} of this source tree (found from
     * where this class was loaded, {@code bench/target/classes}), Node and npm from the PATH;
     * {@code QSTCS_BENCH_NODE_DIR}, {@code QSTCS_NODE} and {@code QSTCS_NPM} override them.
     */
    static NodeGenerator fromEnvironment() throws Failure {
        String dir = System.getenv("QSTCS_BENCH_NODE_DIR");
        Path nodeDir;
        if (dir != null && !dir.isBlank()) {
            nodeDir = Path.of(dir);
        } else {
            try {
                Path classes = Path.of(NodeGenerator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                nodeDir = classes.getParent().getParent().resolve("node"); // bench/target/classes -> bench/node
            } catch (Exception e) {
                throw new Failure("cannot tell where bench/node is; set QSTCS_BENCH_NODE_DIR to it");
            }
        }
        return new NodeGenerator(envOr("QSTCS_NODE", "node"), envOr("QSTCS_NPM", "npm"), nodeDir);
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    Path dir() {
        return dir;
    }

    /**
     * Checks Node's version and installs the dependencies if {@code node_modules} is missing.
     *
     * @return the Node version, e.g. {@code v20.11.1}
     */
    String prepare() throws Failure {
        if (!Files.isRegularFile(dir.resolve(SCRIPT)) || !Files.isRegularFile(dir.resolve("package-lock.json"))) {
            throw new Failure("the Node load generator is not in " + dir + " (" + SCRIPT + " and package-lock.json"
                    + " expected); run this from a QSTCS source tree, or set QSTCS_BENCH_NODE_DIR");
        }
        String version = nodeVersion();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            System.err.println("qstcs: " + dir.resolve("node_modules") + " is missing; running npm ci there"
                    + " (installs the pinned ws from the npm registry)…");
            int exit;
            try {
                Process p = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                exit = p.waitFor();
            } catch (IOException e) {
                throw new Failure("npm is not installed (or '" + npm + "' cannot be run): it comes with Node; install"
                        + " Node " + MIN_NODE + " or newer with npm (e.g. apt-get install -y nodejs npm),"
                        + " or set QSTCS_NPM");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure("interrupted while npm ci ran");
            }
            if (exit != 0) {
                deleteQuietly(dir.resolve("node_modules")); // so the next run tries again
                throw new Failure("npm ci failed (exit " + exit + ") in " + dir + "; its output is above"
                        + " (it needs the npm registry once, to install ws)");
            }
        }
        return version;
    }

    private String nodeVersion() throws Failure {
        String out;
        try {
            Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new Failure("'" + node + " --version' failed: " + out);
            }
        } catch (IOException e) {
            throw new Failure("Node is not installed (or '" + node + "' cannot be run): install Node " + MIN_NODE
                    + " or newer (e.g. apt-get install -y nodejs npm), or set QSTCS_NODE to its binary");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while asking node for its version");
        }
        Matcher m = VERSION.matcher(out);
        if (!m.find() || Integer.parseInt(m.group(1)) < MIN_NODE) {
            throw new Failure("Node " + MIN_NODE + " or newer is needed; '" + node + " --version' said '" + out + "'");
        }
        return out;
    }

    /** Runs the script with {@code args}, its output and errors streamed to this process's; its exit code. */
    int run(List<String> args) throws Failure, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(node, dir.resolve(SCRIPT).toString()));
        cmd.addAll(args);
        try {
            return new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new Failure("cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
        }
    }

    /** Deletes {@code path} and everything under it, as far as it can. */
    static void deleteQuietly(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
