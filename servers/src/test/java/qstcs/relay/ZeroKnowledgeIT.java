package qstcs.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.seal.SealedFrame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay as its own process ({@code qstcs.relay.Main}, logging at full detail), two OkHttp
 * clients exchanging frames sealed with the real {@code qstcs.crypto.seal} code both ways, live
 * and through the offline queue. Afterwards the relay's captured log and a heap dump of its JVM
 * are searched: neither may contain the plaintext, and the log may not contain a nonce or
 * ciphertext either. Device ids, which the relay must know, are the positive control.
 */
class ZeroKnowledgeIT {

    private static final Pattern WS_URL = Pattern.compile("ws://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;
    private Process relay;
    private final StringBuffer relayOutput = new StringBuffer();
    private OkHttpClient http;

    @BeforeEach
    void startRelayProcess() throws Exception {
        Path logging = dir.resolve("logging.properties");
        Files.writeString(logging, """
                handlers=java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.level=ALL
                .level=INFO
                qstcs.level=ALL
                """);
        String java = ProcessHandle.current().info().command().orElseThrow();
        relay = new ProcessBuilder(java, "-Xmx128m", "-Djava.util.logging.config.file=" + logging,
                "-cp", System.getProperty("java.class.path"), "qstcs.relay.Main",
                "--home", dir.toString(), "--bind", "127.0.0.1", "--port", "0", "--kms", "off", "--insecure")
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        outputReader = Thread.ofPlatform().name("relay-output").daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(relay.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    relayOutput.append(line).append('\n');
                    Matcher m = WS_URL.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("relay exited:\n" + relayOutput));
        });
        this.port = port.get(60, TimeUnit.SECONDS);
        http = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();
    }

    private int port;
    private Thread outputReader;

    @AfterEach
    void stop() throws Exception {
        if (relay.isAlive()) {
            relay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        http.dispatcher().executorService().shutdown();
    }

    @Test
    void sealedFramesCrossTheRelayWhichLearnsNoPlaintext() throws Exception {
        String secret = "Rendezvous at grid 7741 at dawn " + UUID.randomUUID();
        String reply = "Copy, moving to 7741 " + UUID.randomUUID();
        String later = "Held for you while offline " + UUID.randomUUID();
        SecretBytes key = SecretBytes.random(KeyLength.BYTES, new SecureRandom());
        FrameSealer alphaSealer = new FrameSealer("k-" + UUID.randomUUID(), key);
        FrameSealer bravoSealer = new FrameSealer(alphaSealer.keyId(), key);
        long now = Instant.now().getEpochSecond();

        String toBravo;
        String toAlpha;
        String queued;
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo")) {
            toBravo = alphaSealer.seal(UUID.randomUUID().toString(), "Soldier_Alpha", "Soldier_Bravo", 1, now,
                    secret.getBytes(StandardCharsets.UTF_8)).toJson();
            alpha.send(toBravo);
            String received = nextChat(bravo);
            assertEquals(toBravo, received, "the relay forwards the frame unchanged");
            assertArrayEquals(secret.getBytes(StandardCharsets.UTF_8), bravoSealer.open(SealedFrame.fromJson(received)));
            assertEquals("delivered", alpha.next("ack").get("status").asText());

            toAlpha = bravoSealer.seal(UUID.randomUUID().toString(), "Soldier_Bravo", "Soldier_Alpha", 1, now,
                    reply.getBytes(StandardCharsets.UTF_8)).toJson();
            bravo.send(toAlpha);
            String back = nextChat(alpha);
            assertEquals(toAlpha, back);
            assertArrayEquals(reply.getBytes(StandardCharsets.UTF_8), alphaSealer.open(SealedFrame.fromJson(back)));
        }
        // Through the offline queue: Bravo is gone, Alpha sends, Bravo comes back.
        byte[] heap;
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha")) {
            awaitOffline("Soldier_Bravo");
            queued = alphaSealer.seal(UUID.randomUUID().toString(), "Soldier_Alpha", "Soldier_Bravo", 2, now,
                    later.getBytes(StandardCharsets.UTF_8)).toJson();
            alpha.send(queued);
            assertEquals("queued", alpha.next("ack").get("status").asText());
            try (WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo")) {
                String received = nextChat(bravo);
                assertEquals(queued, received);
                assertArrayEquals(later.getBytes(StandardCharsets.UTF_8), bravoSealer.open(SealedFrame.fromJson(received)));
                // While both are online, so the relay's live state holds their ids.
                heap = heapDump();
            }
        }

        assertTrue(contains(heap, "Soldier_Alpha"), "control: the heap dump shows the relay's strings");
        for (String plaintext : List.of(secret, reply, later)) {
            assertFalse(contains(heap, plaintext), "plaintext in the relay's memory: " + plaintext);
        }

        // SIGTERM through kill(1): Process.destroy() would also close our end of its output pipe.
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(relay.pid())).start().waitFor());
        assertTrue(relay.waitFor(30, TimeUnit.SECONDS), "relay stopped on SIGTERM");
        outputReader.join(10_000); // the rest of the output, up to end of stream
        String log = relayOutput.toString();
        assertTrue(log.contains("relay stopped"), "exit " + relay.exitValue() + ":\n" + log);
        assertTrue(log.contains("Soldier_Bravo registered"), "control: the relay logged at full detail\n" + log);
        for (String plaintext : List.of(secret, reply, later)) {
            assertFalse(log.contains(plaintext), "plaintext in the relay log");
        }
        for (String frame : List.of(toBravo, toAlpha, queued)) {
            SealedFrame f = SealedFrame.fromJson(frame);
            assertFalse(log.contains(f.nonce()), "a nonce in the relay log");
            assertFalse(log.contains(f.ciphertext().substring(0, 32)), "ciphertext in the relay log");
        }
    }

    private static String nextChat(WsTestClient c) {
        while (true) {
            String s = c.nextText();
            if (s.startsWith("{\"type\":\"chat\"")) {
                return s;
            }
        }
    }

    private void awaitOffline(String id) throws Exception {
        try (var probe = WsTestClient.register(http, port, "Soldier_Probe")) {
            for (int i = 0; i < 100; i++) {
                probe.send("{\"type\":\"register\",\"device_id\":\"Soldier_Probe\"}");
                if (!probe.next("registered").get("online").toString().contains(id)) {
                    return;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError(id + " still online");
    }

    /** A live-objects heap dump of the relay process, taken with jcmd. */
    private byte[] heapDump() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jcmd = java.resolveSibling("jcmd");
        Path dump = dir.resolve("relay.hprof");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(relay.pid()), "GC.heap_dump", dump.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd failed: " + out);
        return Files.readAllBytes(dump);
    }

    /** Whether {@code text} occurs in {@code haystack} as Latin-1/UTF-8 or as UTF-16 bytes. */
    private static boolean contains(byte[] haystack, String text) {
        return indexOf(haystack, text.getBytes(StandardCharsets.UTF_8)) >= 0
                || indexOf(haystack, text.getBytes(StandardCharsets.UTF_16LE)) >= 0
                || indexOf(haystack, text.getBytes(StandardCharsets.UTF_16BE)) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
