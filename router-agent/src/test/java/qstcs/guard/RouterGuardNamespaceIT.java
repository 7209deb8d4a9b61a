package qstcs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qstcs.guard.Texts.assertContains;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router guard on a real (namespaced) router: BusyBox sh and wget, real iptables and nft
 * rules, the real KMS and relay behind the router, a WebSocket client in front of it. One network
 * and one pair of servers serve every test, so the order matters: the KMS is stopped last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterGuardNamespaceIT {
    private static final Duration QUICK = Duration.ofSeconds(10);
    private static final int BREACH_SAMPLES = 5;

    private RouterLab lab;
    private LabServers servers;
    private KmsOperator operator;
    private final BreachTimes breachTimes = new BreachTimes();

    @BeforeAll
    void startNetworkAndServers() {
        Prerequisites.assumeNamespaceLab();
        lab = RouterLab.create(Path.of("target", "router-guard-lab").toAbsolutePath());
        servers = new LabServers(lab);
        servers.startKms();
        servers.startRelay();
        operator = new KmsOperator(lab, servers.home);
        operator.reset();
    }

    /** Each test starts from a GREEN link and an untouched router, whatever the last one left. */
    @AfterEach
    void backToGreen() {
        lab.stopAll("guard-");
        GuardFirewall.wipe(lab);
        if (servers.kmsProcess().isAlive()) {
            operator.reset();
        }
    }

    @AfterAll
    void cleanUp() {
        if (lab != null) {
            lab.close();
        }
        breachTimes.report();
    }

    @Test
    @Order(1)
    void originalGuardsGrepCutParseReadsTheStatusThroughTheRouter() {
        assertEquals("GREEN", originalGuardParse());
        operator.forceAttack();
        assertEquals("RED", originalGuardParse());
        operator.reset();
        assertEquals("GREEN", originalGuardParse());
    }

    /** The original guard's logic, verbatim, run with BusyBox in the router namespace. */
    private String originalGuardParse() {
        String url = "http://" + RouterLab.SERVER_IP + ":" + LabServers.KMS_PORT + "/link_status";
        Command.Result r = lab.exec(lab.router, "busybox", "sh", "-c",
                "busybox wget -qO- " + url + " | busybox grep -o '\"status\":\"[^\"]*\"' | busybox cut -d'\"' -f4");
        assertTrue(r.ok(), r.output());
        return r.output().strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nft"})
    @Order(2)
    void breachBlocksOnlyChatTrafficAndResetRestoresIt(String backend) throws Exception {
        GuardFirewall fw = new GuardFirewall(lab, backend, LabServers.CHAT_PORT);
        NamespaceProcess guard = new RouterGuardRun(lab, backend, servers.routerToken()).start();
        guard.awaitContaining(0, "Status: GREEN — Chat traffic ALLOWED", QUICK);
        assertTrue(fw.clean(), fw.dump());

        try (ChatConnection chat = ChatConnection.open(lab)) {
            assertTrue(chat.pingPong(5_000), "GREEN: the relay answers through the router");

            breachTimes.add(backend, forceAttackUntilBlocked(guard, fw));
            assertEquals("1/1/1", fw.ruleCounts(), fw.dump());
            assertContains(guard.output(), "Status: RED — QUANTUM BREACH DETECTED!", "Executing: ",
                    "Chat traffic BLOCKED at network layer");

            long droppedBefore = fw.droppedPackets();
            assertFalse(chat.pingPong(2_000), "RED: the established chat connection must stop passing data");
            assertTrue(fw.droppedPackets() > droppedBefore, "the router's DROP rules caught the chat packets");
        }
        assertThrows(SocketTimeoutException.class, () -> connectFromClient(LabServers.CHAT_PORT, 1_500),
                "RED: a new connection to the chat port must fail");
        assertContains(httpGetFromClient(LabServers.KMS_PORT, "/link_status"), "\"status\":\"RED\"");
        operator.awaitRouterEvent(d -> d.contains("\"router_id\":\"lab-router\"") && d.contains("\"BLOCKING\"")
                && d.contains("\"rule_present\":true"), QUICK);

        int mark = guard.mark();
        operator.reset();
        guard.awaitContaining(mark, "Removing firewall block. Chat traffic ALLOWED.", QUICK);
        awaitTrue(fw::clean, "rules removed after reset", fw);
        assertContains(guard.output(), "Status: GREEN — Quantum link restored");
        try (ChatConnection again = ChatConnection.open(lab)) {
            assertTrue(again.pingPong(5_000), "after reset chat flows through the router again");
        }
        operator.awaitRouterEvent(d -> d.contains("\"lab-router\"") && d.contains("\"ALLOWING\"")
                && d.contains("\"rule_present\":false"), QUICK);

        for (int i = 1; i < BREACH_SAMPLES; i++) {
            breachTimes.add(backend, forceAttackUntilBlocked(guard, fw));
            operator.reset();
            awaitTrue(fw::clean, "rules removed after reset", fw);
        }
        assertEquals(143, guard.stop(), "SIGTERM ends the guard with 128+15");
        assertTrue(fw.clean(), fw.dump());
        assertFalse(guard.output().contains(String.valueOf(servers.routerToken())), "the router token is never logged");
    }

    /** Presses Force Attack and returns the milliseconds until the guard's block is in place. */
    private double forceAttackUntilBlocked(NamespaceProcess guard, GuardFirewall fw) {
        int mark = guard.mark();
        long start = System.nanoTime();
        long[] answered = new long[1];
        CompletableFuture<String> attack = CompletableFuture.supplyAsync(() -> {
            String body = operator.forceAttack();
            answered[0] = System.nanoTime();
            return body;
        });
        long seenByPolling = -1;
        long deadline = start + QUICK.toNanos();
        while (System.nanoTime() < deadline) {
            if (fw.hooked()) {
                seenByPolling = System.nanoTime();
                break;
            }
        }
        assertTrue(seenByPolling > 0, "no block within " + QUICK.toMillis() + " ms:\n" + guard.output() + fw.dump());
        // The log line is written right after the block and read through a pipe: whichever shows
        // the block first is the tighter upper bound of the moment the rule appeared.
        long logged = guard.awaitContaining(mark, "Chat traffic BLOCKED", QUICK).nanos();
        assertContains(attack.join(), "\"status\":\"RED\"");
        assertTrue(fw.blocking(), fw.dump());
        double millis = (Math.min(seenByPolling, logged) - start) / 1e6;
        System.out.printf(java.util.Locale.ROOT, "[router-agent] breach-to-block %s: %.0f ms (force_attack answered after %.0f ms)%n",
                fw, millis, (answered[0] - start) / 1e6);
        return millis;
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nft"})
    @Order(3)
    void exitKeepsABlockOnlyWhileRedAndRestartsNeverDuplicateRules(String backend) {
        GuardFirewall fw = new GuardFirewall(lab, backend, LabServers.CHAT_PORT);
        RouterGuardRun run = new RouterGuardRun(lab, backend, servers.routerToken());

        NamespaceProcess first = run.start();
        first.awaitContaining(0, "Status: GREEN", QUICK);
        operator.forceAttack();
        first.awaitContaining(0, "Chat traffic BLOCKED", QUICK);
        first.stop();
        assertContains(first.output(), "Exiting while blocking (breach, last status RED): rules stay");
        assertTrue(fw.blocking(), "exit while RED keeps the block:\n" + fw.dump());

        for (int restart = 0; restart < 2; restart++) {
            NamespaceProcess again = run.start();
            again.awaitContaining(0, "Status: RED", QUICK);
            assertContains(again.output(), "Firewall block from a previous run is in place");
            assertEquals("1/1/1", fw.ruleCounts(), "a restart while RED must not duplicate rules:\n" + fw.dump());
            assertFalse(again.output().contains("Executing:"), "nothing to change:\n" + again.output());
            again.stop();
            assertEquals("1/1/1", fw.ruleCounts(), fw.dump());
        }

        operator.reset();
        NamespaceProcess afterReset = run.start();
        afterReset.awaitContaining(0, "Removing firewall block", QUICK);
        awaitTrue(fw::clean, "a restarted guard lifts the old block once the KMS is GREEN", fw);
        assertEquals("0/0/0", fw.ruleCounts());
        afterReset.stop();
        assertContains(afterReset.output(), "Exiting");
        assertTrue(fw.clean(), "exit while GREEN leaves no rules:\n" + fw.dump());
    }

    @Test
    @Order(4)
    void onceAndDryRunDoWhatTheySay() {
        GuardFirewall fw = new GuardFirewall(lab, "iptables", LabServers.CHAT_PORT);
        RouterGuardRun run = new RouterGuardRun(lab, "auto", servers.routerToken());
        operator.forceAttack();

        Command.Result dry = run.runToEnd("--once", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.output());
        assertContains(dry.output(), "firewall: nft", "dry run", "Executing: nft add rule inet qstcs_guard forward tcp dport 8765");
        assertTrue(fw.clean() && new GuardFirewall(lab, "nft", LabServers.CHAT_PORT).clean(), "--dry-run changed nothing");

        RouterGuardRun cron = new RouterGuardRun(lab, "iptables", servers.routerToken());
        Command.Result once = cron.runToEnd("--once");
        assertEquals(0, once.exitCode(), once.output());
        assertTrue(fw.blocking(), "--once applies RED and leaves the block for the next run:\n" + once.output());
        assertEquals("1/1/1", fw.ruleCounts());
        Command.Result onceMore = cron.runToEnd("--once");
        assertEquals("1/1/1", fw.ruleCounts(), "a second --once adds nothing:\n" + onceMore.output());

        operator.reset();
        Command.Result green = cron.runToEnd("--once");
        assertEquals(0, green.exitCode(), green.output());
        assertTrue(fw.clean(), green.output() + fw.dump());
    }

    /**
     * A firewall that refuses the block while RED: the guard retries, keeps running, says loudly
     * that chat is NOT blocked (log and heartbeat), never claims the block on exit, and puts the
     * block in place by itself once the firewall accepts it again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nft"})
    @Order(5)
    void aRefusedBlockIsRetriedReportedAndNeverClaimed(String backend) {
        GuardFirewall fw = new GuardFirewall(lab, backend, LabServers.CHAT_PORT);
        RefusingFirewall faults = new RefusingFirewall(lab.logDir);
        RouterGuardRun run = new RouterGuardRun(lab, backend, servers.routerToken()).pathFirst(faults.bin());
        NamespaceProcess guard = run.start();
        guard.awaitContaining(0, "Status: GREEN", QUICK);

        faults.refuseAll();
        operator.forceAttack();
        guard.awaitContaining(0, "ALERT: FIREWALL BLOCK FAILED (breach, " + backend + "): chat traffic is NOT blocked", QUICK);
        assertContains(guard.output(), "firewall block attempt 1 of 3 failed", "firewall block attempt 2 of 3 failed");
        assertFalse(guard.output().contains("Chat traffic BLOCKED"), guard.output());
        assertFalse(fw.blocking(), fw.dump());
        operator.awaitRouterEvent(d -> d.contains("\"lab-router\"") && d.contains("\"BLOCKING\"")
                && d.contains("\"rule_present\":false"), QUICK);
        int mark = guard.mark();
        guard.awaitContaining(mark, "ALERT: FIREWALL BLOCK FAILED", QUICK);  // still running, still trying
        assertTrue(guard.isAlive(), guard.output());

        faults.heal();
        guard.awaitContaining(mark, "Chat traffic BLOCKED at network layer", QUICK);
        assertContains(guard.output(), "Firewall block in place again after failed attempts");
        assertTrue(fw.blocking(), fw.dump());
        operator.awaitRouterEvent(d -> d.contains("\"lab-router\"") && d.contains("\"BLOCKING\"")
                && d.contains("\"rule_present\":true"), QUICK);
        guard.stop();
        assertContains(guard.output(), "rules stay, chat traffic stays BLOCKED");

        // Stopped while the firewall refuses: the exit message must not claim a block.
        GuardFirewall.wipe(lab);
        faults.refuseAll();
        NamespaceProcess second = run.start();
        second.awaitContaining(0, "ALERT: FIREWALL BLOCK FAILED", QUICK);
        second.stop();
        assertContains(second.output(), "ALERT: exiting while it should block (breach, last status RED) but the firewall block is NOT in place");
        assertFalse(second.output().contains("rules stay"), second.output());
        faults.heal();
    }

    @Test
    @Order(6)
    void aRefusalThatPassesIsRetriedAtOnce() {
        GuardFirewall fw = new GuardFirewall(lab, "nft", LabServers.CHAT_PORT);
        RefusingFirewall faults = new RefusingFirewall(lab.logDir);
        NamespaceProcess guard = new RouterGuardRun(lab, "nft", servers.routerToken()).pathFirst(faults.bin()).start();
        guard.awaitContaining(0, "Status: GREEN", QUICK);
        faults.refuseNext(1);
        operator.forceAttack();
        guard.awaitContaining(0, "Chat traffic BLOCKED at network layer", QUICK);
        assertContains(guard.output(), "firewall block attempt 1 of 3 failed");
        assertFalse(guard.output().contains("ALERT"), guard.output());
        assertTrue(fw.blocking(), fw.dump());
        faults.heal();
    }

    /** Cron mode: runs that each fail once add up to the fail-closed count through the state file. */
    @Test
    @Order(7)
    void onceCountsFailedPollsAcrossRunsAndFailsClosed() throws IOException {
        GuardFirewall fw = new GuardFirewall(lab, "iptables", LabServers.CHAT_PORT);
        Path state = lab.logDir.resolve("once.state");
        java.nio.file.Files.deleteIfExists(state);
        RouterGuardRun cron = new RouterGuardRun(lab, "iptables", servers.routerToken())
                .set("FAIL_CLOSED_AFTER", "3").set("STATE_FILE", state.toString());
        RouterGuardRun unreachable = new RouterGuardRun(lab, "iptables", servers.routerToken())
                .set("FAIL_CLOSED_AFTER", "3").set("STATE_FILE", state.toString()).set("KMS_PORT", "8009");

        for (int run = 1; run <= 2; run++) {
            Command.Result r = unreachable.runToEnd("--once");
            assertEquals(1, r.exitCode(), r.output());
            assertContains(r.output(), "KMS poll failed (no answer from " + RouterLab.SERVER_IP + ":8009), " + run + " of 3");
            assertTrue(fw.clean(), fw.dump());
        }
        Command.Result third = unreachable.runToEnd("--once");
        assertContains(third.output(), "FAIL-CLOSED: no valid answer from the KMS in 3 polls");
        assertTrue(fw.blocking(), third.output() + fw.dump());

        Command.Result green = cron.runToEnd("--once");
        assertEquals(0, green.exitCode(), green.output());
        assertTrue(fw.clean(), green.output() + fw.dump());
        Command.Result again = unreachable.runToEnd("--once");
        assertContains(again.output(), "1 of 3");  // a valid answer starts the count anew
    }

    /**
     * Answers the KMS never gives: a "status" nested before the top-level one (the original guard's
     * grep-and-cut reads it), and a redirect to the real, GREEN, KMS. Neither may allow chat
     * traffic; both count as failed polls, so the guard fails closed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"nested", "redirect"})
    @Order(8)
    void onlyTheTopLevelStatusOfTheConfiguredKmsCounts(String kind) {
        GuardFirewall fw = new GuardFirewall(lab, "nft", LabServers.CHAT_PORT);
        String kms = "http://" + RouterLab.SERVER_IP + ":" + LabServers.KMS_PORT + "/link_status";
        try (ScriptedKms fake = kind.equals("nested")
                ? ScriptedKms.start(lab, 8001, "HTTP/1.1 200 OK", "", "{\"detail\":{\"status\":\"GREEN\"},\"status\":\"RED\",\"version\":1}")
                : ScriptedKms.start(lab, 8001, "HTTP/1.1 302 Found", "Location: " + kms + "\r\n", "")) {
            NamespaceProcess guard = new RouterGuardRun(lab, "nft", servers.routerToken()).set("KMS_PORT", "8001")
                    .set("FAIL_CLOSED_AFTER", "2").start();
            guard.awaitContaining(0, "FAIL-CLOSED: no valid answer from the KMS in 2 polls", QUICK);
            awaitTrue(fw::blocking, "fail-closed block", fw);
            assertFalse(guard.output().contains("Status: GREEN"), guard.output());
            assertTrue(fake.requests() >= 2);
            if (kind.equals("redirect")) {
                assertContains(guard.output(), "the KMS answer was a redirect; refused");
            } else {
                assertContains(guard.output(), "unexpected answer from /link_status");
            }
        }
    }

    /** Last: stops the KMS for good. */
    @Test
    @Order(9)
    void failsClosedWhenTheKmsStops() {
        GuardFirewall fw = new GuardFirewall(lab, "nft", LabServers.CHAT_PORT);
        NamespaceProcess guard = new RouterGuardRun(lab, "nft", servers.routerToken())
                .set("FAIL_CLOSED_AFTER", "2").set("POLL_INTERVAL", "2").start();
        guard.awaitContaining(0, "Status: GREEN", QUICK);
        assertTrue(fw.clean());

        servers.stopKms();
        // The KMS closes the held watch request when it stops; at worst it times out (wait + 5 s).
        guard.awaitContaining(0, "KMS poll failed", Duration.ofSeconds(20));
        assertFalse(fw.blocking(), "one failed poll is not yet a reason to block");
        guard.awaitContaining(0, "FAIL-CLOSED: no valid answer from the KMS in 2 polls", Duration.ofSeconds(20));
        awaitTrue(fw::blocking, "fail-closed block", fw);
        assertThrows(SocketTimeoutException.class, () -> connectFromClient(LabServers.CHAT_PORT, 1_500));

        guard.stop();
        assertContains(guard.output(), "Exiting while blocking (fail-closed");
        assertTrue(fw.blocking(), "fail-closed keeps blocking after exit:\n" + fw.dump());
    }

    // --- helpers -------------------------------------------------------------------------------

    private void connectFromClient(int port, int timeoutMillis) throws IOException {
        try (Socket s = lab.thread(lab.client).newSocket()) {
            s.connect(new InetSocketAddress(RouterLab.SERVER_IP, port), timeoutMillis);
        }
    }

    private String httpGetFromClient(int port, String path) throws IOException {
        OkHttpClient http = new OkHttpClient.Builder().socketFactory(new NamespaceSocketFactory(lab.thread(lab.client)))
                .connectTimeout(3, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();
        try (Response r = http.newCall(new Request.Builder().url("http://" + RouterLab.SERVER_IP + ":" + port + path).build())
                .execute()) {
            return r.body().string();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what, GuardFirewall fw) {
        long deadline = System.nanoTime() + QUICK.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not reached within " + QUICK.toMillis() + " ms. Firewall:\n" + fw.dump());
            }
            LabServers.sleep(50);
        }
    }

    /** Breach-to-block samples per backend, printed (and kept in target/) when the class ends. */
    static final class BreachTimes {
        private final java.util.Map<String, List<Double>> samples = new java.util.TreeMap<>();

        synchronized void add(String backend, double millis) {
            samples.computeIfAbsent(backend, k -> new java.util.ArrayList<>()).add(millis);
        }

        synchronized void report() {
            if (samples.isEmpty()) {
                return;
            }
            StringBuilder b = new StringBuilder("[router-agent] breach-to-block (force_attack request -> guard DROP rule present, long-poll):\n");
            samples.forEach((backend, list) -> {
                List<Double> sorted = list.stream().sorted().toList();
                b.append(String.format(java.util.Locale.ROOT, "[router-agent]   %-8s n=%d median %.0f ms, min %.0f ms, max %.0f ms%n",
                        backend, sorted.size(), sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast()));
            });
            System.out.print(b);
            System.err.print(b);
            try {
                java.nio.file.Files.writeString(Path.of("target", "router-guard-breach-to-block.txt"), b.toString());
            } catch (IOException e) {
                System.err.println("[router-agent] cannot write the breach-to-block report: " + e.getMessage());
            }
        }
    }
}
