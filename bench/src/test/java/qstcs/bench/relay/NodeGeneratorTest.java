package qstcs.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ./qstcs bench relay-node says when Node or npm is missing or fails (no stack trace, a sentence). */
class NodeGeneratorTest {

    @TempDir
    Path tmp;

    private Path generatorDir() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("generator"));
        Files.writeString(dir.resolve(NodeGenerator.SCRIPT), "// stand-in\n");
        Files.writeString(dir.resolve("package-lock.json"), "{}\n");
        return dir;
    }

    private Path script(String name, String body) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void aMissingNodeIsSaidPlainly() throws Exception {
        NodeGenerator g = new NodeGenerator(tmp.resolve("no-such-node").toString(), "npm", generatorDir());
        NodeGenerator.Failure f = assertThrows(NodeGenerator.Failure.class, g::prepare);
        assertTrue(f.getMessage().startsWith("Node is not installed"), f.getMessage());
        assertEquals(0, f.getStackTrace().length, "a message for the user, not a stack trace");
    }

    @Test
    void anOldNodeIsRefused() throws Exception {
        NodeGenerator g = new NodeGenerator(script("node", "echo v16.20.0").toString(), "npm", generatorDir());
        NodeGenerator.Failure f = assertThrows(NodeGenerator.Failure.class, g::prepare);
        assertTrue(f.getMessage().contains("Node 18 or newer is needed"), f.getMessage());
    }

    @Test
    void aFailedNpmCiIsSaidPlainlyAndLeavesNoHalfInstall() throws Exception {
        Path dir = generatorDir();
        Path npm = script("npm", "mkdir node_modules; echo 'npm ERR! network' >&2; exit 3");
        NodeGenerator g = new NodeGenerator(script("node", "echo v20.11.1").toString(), npm.toString(), dir);
        NodeGenerator.Failure f = assertThrows(NodeGenerator.Failure.class, g::prepare);
        assertTrue(f.getMessage().startsWith("npm ci failed (exit 3)"), f.getMessage());
        assertFalse(Files.exists(dir.resolve("node_modules")), "the next run tries npm ci again");
    }

    @Test
    void aMissingNpmIsSaidPlainly() throws Exception {
        NodeGenerator g = new NodeGenerator(script("node", "echo v20.11.1").toString(),
                tmp.resolve("no-such-npm").toString(), generatorDir());
        NodeGenerator.Failure f = assertThrows(NodeGenerator.Failure.class, g::prepare);
        assertTrue(f.getMessage().startsWith("npm is not installed"), f.getMessage());
    }

    @Test
    void npmCiRunsOnlyWhenNodeModulesIsMissing() throws Exception {
        Path dir = generatorDir();
        Path marker = tmp.resolve("npm-ran");
        Path npm = script("npm", "touch " + marker + "; mkdir node_modules");
        NodeGenerator g = new NodeGenerator(script("node", "echo v20.11.1").toString(), npm.toString(), dir);
        assertEquals("v20.11.1", g.prepare());
        assertTrue(Files.exists(marker));
        Files.delete(marker);
        g.prepare();
        assertFalse(Files.exists(marker), "node_modules present: no npm ci");
    }

    @Test
    void aMissingScriptDirectoryIsSaidPlainly() {
        NodeGenerator g = new NodeGenerator("node", "npm", tmp.resolve("elsewhere"));
        NodeGenerator.Failure f = assertThrows(NodeGenerator.Failure.class, g::prepare);
        assertTrue(f.getMessage().contains("QSTCS_BENCH_NODE_DIR"), f.getMessage());
    }

    @Test
    void setupStringsAreJsonEscaped() {
        assertEquals("a\\\"b\\\\c\\nd\\u0001", RelayNodeBench.escape("a\"b\\c\nd\u0001"));
    }
}
