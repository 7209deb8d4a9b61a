package qstcs.kms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import qstcs.crypto.tls.PinnedCaTrust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The link loop's rounds run at a lower OS priority (nice 10) so they do not take a core from key
 * requests; the call must touch only the calling thread, and the KMS must still run rounds and
 * serve keys with it.
 */
class BackgroundPriorityTest {

    @Test
    void lowersOnlyTheCallingThread() throws Exception {
        assumeLinux();
        int before = niceOf(Path.of("/proc/thread-self"));
        AtomicBoolean accepted = new AtomicBoolean();
        AtomicInteger after = new AtomicInteger(Integer.MIN_VALUE);
        Thread t = Thread.ofPlatform().start(() -> {
            accepted.set(BackgroundPriority.lowerCurrentThread());
            try {
                after.set(niceOf(Path.of("/proc/thread-self")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.join();
        assertTrue(accepted.get(), "an unprivileged thread may lower its own priority");
        assertEquals(BackgroundPriority.BACKGROUND_NICE, after.get());
        assertEquals(before, niceOf(Path.of("/proc/thread-self")), "the calling thread only, not the process");
    }

    @Test
    void leavesVirtualThreadsAndTheirCarriersAlone() throws Exception {
        AtomicBoolean accepted = new AtomicBoolean(true);
        Thread.ofVirtual().start(() -> accepted.set(BackgroundPriority.lowerCurrentThread())).join();
        assertFalse(accepted.get(), "a virtual thread's nice value would stick to whichever carrier it ran on");
    }

    @Test
    void theKmsRunsItsBackgroundRoundsAtLowerPriorityAndStillServesKeys() throws Exception {
        assumeLinux();
        Path home = KmsServer.tempHome("qstcs-kms-priority-test");
        try (KmsServer kms = KmsServer.startOnLoopback(home, "--round-ms", "100")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (kms.poolBits() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(kms.poolBits() > 0, "background rounds still fill the pool at the lower priority");
            List<Integer> loopNice = niceOfThreadsNamed(LinkLoop.THREAD_NAME);
            assertFalse(loopNice.isEmpty(), "no " + LinkLoop.THREAD_NAME + " thread found in /proc/self/task");
            loopNice.forEach(n -> assertEquals(BackgroundPriority.BACKGROUND_NICE, n));

            String token = kms.issueDeviceToken("Soldier_Alpha");
            PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
            OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60))
                    .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
            Request req = new Request.Builder().url(kms.tlsUrl() + "/get_session_key")
                    .header("Authorization", "Bearer " + token)
                    .post(RequestBody.create("{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\"}",
                            MediaType.get("application/json")))
                    .build();
            try (Response r = http.newCall(req).execute()) {
                assertEquals(200, r.code());
                assertTrue(r.body().string().contains("\"key_hex\":\""));
            }
        }
    }

    private static void assumeLinux() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && Files.exists(Path.of("/proc/thread-self/stat")), "thread nice values are read from Linux's /proc");
    }

    /** Nice values of this process's threads whose OS name is {@code name}. */
    private static List<Integer> niceOfThreadsNamed(String name) throws IOException {
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().equals(name)) {
                        found.add(niceOf(task));
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return found;
    }

    /** Field 19 of {@code /proc/<task>/stat}. */
    private static int niceOf(Path task) throws IOException {
        String stat = Files.readString(task.resolve("stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }
}
