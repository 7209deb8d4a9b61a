package qstcs.kms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every storage fault test checks of a KMS whose home no longer takes writes (a full disk, a
 * read-only file system): the refusal clients get, and that the KMS fails closed anyway. Also the
 * commands those tests run to break and mend the home (they need root).
 */
final class StorageFault {
    private StorageFault() {
    }

    /** A change refused because of the storage: 503 {@code storage_unavailable} naming {@code cause}, no internals. */
    static void assertStorageRefusal(KmsTestServer.Reply reply, String cause) {
        assertEquals(503, reply.code(), reply.body());
        assertEquals("storage_unavailable", reply.text("error"), reply.body());
        String detail = reply.text("detail");
        assertTrue(detail.contains(cause), detail);
        assertFalse(detail.contains("Exception") || detail.contains("SQL") || detail.contains("\tat "), detail);
    }

    /**
     * Fail closed while nothing can be recorded: revoking {@code revoked} is refused ({@code cause})
     * yet its token is refused from now on, and a forced breach whose latch cannot be written is
     * RED all the same (no key for {@code device}).
     */
    static void assertFailsClosed(KmsTestServer kms, Path home, String revoked, String device, String cause) {
        assertStorageRefusal(kms.request("DELETE", "/admin/devices/" + revoked, null), cause);
        assertEquals(401, kms.key(revoked, device).code(), "the revoked token is refused");
        assertEquals("RED", kms.post("/force_attack", "{}").text("status"));
        assertFalse(Files.exists(home.resolve("kms").resolve("breach.latch")), "the latch really cannot be written");
        KmsTestServer.Reply red = kms.key(device, "Soldier_Charlie");
        assertEquals("RED", red.text("status"), red.body());
        assertFalse(red.json().has("key_hex"), red.body());
        assertEquals("RED", kms.get("/link_status").text("status"));
    }

    /** Runs a system command to its end; its exit status (-1 if it did not end within a minute). */
    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
