package qstcs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static qstcs.guard.Texts.assertContains;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The guard's command line under both shells routers and distributions use (BusyBox ash, dash),
 * and its shellcheck cleanliness. Needs no root: nothing here reaches a firewall, because bad
 * input must be refused before the guard touches one.
 */
class GuardCommandLineTest {
    private static final String SCRIPT = GuardScript.path().toString();

    @ParameterizedTest
    @ValueSource(strings = {"router_guard.sh", "openwrt/qstcs-guard"})
    void shellcheckDashFindsNothing(String file) {
        Prerequisites.assumeCommands("shellcheck test", "shellcheck");
        String path = GuardScript.path().resolveSibling(file).toString();
        Command.Result r = Command.of("shellcheck", "-s", "dash", path).run(60);
        assertEquals("", r.output(), "shellcheck -s dash " + file);
        assertEquals(0, r.exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"busybox sh", "dash"})
    void helpNamesEveryOptionAndTheSimulation(String shell) {
        assumeShell(shell);
        Command.Result r = run(shell, Map.of(), "--help");
        assertEquals(0, r.exitCode());
        assertContains(r.output(), "Usage: router_guard.sh", "--once", "--dry-run", "--backend",
                "--fail-closed-after", "--long-poll-wait", "--token-file", "classical simulation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"busybox sh", "dash"})
    void unknownOptionIsRefusedWithAHint(String shell) {
        assumeShell(shell);
        Command.Result r = run(shell, Map.of(), "--kms", "x");
        assertEquals(1, r.exitCode(), r.output());
        assertContains(r.output(), "[GUARD]", "unknown option '--kms'", "see --help");
    }

    @ParameterizedTest
    @ValueSource(strings = {"busybox sh", "dash"})
    void optionWithoutValueIsRefused(String shell) {
        assumeShell(shell);
        Command.Result r = run(shell, Map.of(), "--kms-host");
        assertEquals(1, r.exitCode(), r.output());
        assertContains(r.output(), "option --kms-host needs a value");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "KMS_PORT=99999|KMS_PORT must be a whole number from 1 to 65535, got '99999'",
        "CHAT_PORT=http|CHAT_PORT must be a whole number from 1 to 65535, got 'http'",
        "POLL_INTERVAL=0|POLL_INTERVAL must be a whole number from 1 to 3600",
        "LONG_POLL_WAIT=61|LONG_POLL_WAIT must be a whole number from 0 to 60",
        "FAIL_CLOSED_AFTER=-1|FAIL_CLOSED_AFTER must be a whole number from 1 to 1000",
        "BACKEND=pf|BACKEND must be auto, iptables or nft, got 'pf'",
        "KMS_HOST=a b|KMS_HOST must be a host name or IP address",
        "ROUTER_ID=r\"1|ROUTER_ID must be letters, digits",
        "ROUTER_TOKEN=abc\r\nX-Evil: 1|the router token contains characters that cannot go into an HTTP header",
    })
    void badConfigurationIsRefusedBeforeAnyFirewallWork(String caseText) {
        assumeShell("busybox sh");
        String[] parts = caseText.split("\\|", 2);
        String[] kv = parts[0].split("=", 2);
        Command.Result r = run("busybox sh", Map.of(kv[0], kv[1]));
        assertEquals(1, r.exitCode(), r.output());
        assertContains(r.output(), "ERROR: " + parts[1]);
        assertFalse(r.output().contains("Executing:"), r.output());
    }

    @Test
    void tokenValueNeverAppearsInAnError() {
        assumeShell("busybox sh");
        Command.Result r = run("busybox sh", Map.of("ROUTER_TOKEN", "s3cr3t\"token"));
        assertEquals(1, r.exitCode(), r.output());
        assertFalse(r.output().contains("s3cr3t"), r.output());
    }

    private static void assumeShell(String shell) {
        Prerequisites.assumeCommands("guard command-line test under " + shell, shell.split(" ")[0]);
    }

    private static Command.Result run(String shell, Map<String, String> env, String... args) {
        String[] sh = shell.split(" ");
        String[] argv = new String[sh.length + 1 + args.length];
        System.arraycopy(sh, 0, argv, 0, sh.length);
        argv[sh.length] = SCRIPT;
        System.arraycopy(args, 0, argv, sh.length + 1, args.length);
        return Command.of(argv).withEnv(env).run(20);
    }
}
