package qstcs.kms;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real KMS whose state home is a small tmpfs that this test fills to the last byte: changes
 * that must be recorded are refused with a clear 503 and leave nothing half done, reads and the
 * link status go on, a revocation and a breach still take effect in memory (fail closed), and
 * everything works again once space returns: the audit entries held meanwhile and the breach
 * latch are written.
 * Mounting needs root; without it the test is skipped and says so.
 */
class StorageFullIT {
    private static final String FULL = "disk holding the KMS database is full";

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "StorageFullIT needs root to mount a small tmpfs as the KMS home; skipped (not root)");
        mount = Files.createTempDirectory("qstcs-full-disk");
        int rc = StorageFault.run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "qstcs-full-disk", mount.toString());
        Assumptions.assumeTrue(rc == 0, "StorageFullIT could not mount a tmpfs (exit " + rc + "); skipped");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            StorageFault.run("umount", "-l", mount.toString());
        }
        if (mount != null) {
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void aFullDiskRefusesChangesClearlyKeepsServingAndFailsClosed() throws Exception {
        try (KmsTestServer kms = new KmsTestServer(mount)) {
            kms.awaitPool(512);
            String code = kms.post("/admin/enrollments", "{\"device_id\":\"Late_Alpha\"}").text("code");
            assertEquals(200, kms.key("Soldier_Alpha", "Soldier_Bravo").code());
            kms.deviceToken("Soldier_Bravo");
            kms.get("/admin/audit?limit=1"); // everything audited so far is on the disk

            Path filler = fill(mount);

            // Changes that must be recorded are refused, clearly, and nothing of them is applied.
            KmsTestServer.Reply refused = kms.post("/admin/enrollments", "{\"device_id\":\"Never_Enrolled\"}");
            StorageFault.assertStorageRefusal(refused, FULL);
            KmsTestServer.Reply enroll = kms.post("/enroll", "{\"device_id\":\"Late_Alpha\",\"code\":\"" + code + "\"}");
            StorageFault.assertStorageRefusal(enroll, FULL);

            // Reads, the link status and key issuance (memory only) go on.
            assertEquals(200, kms.get("/link_status").code());
            String devices = kms.get("/admin/devices").body();
            assertFalse(devices.contains("Never_Enrolled"), devices);
            assertFalse(devices.contains("Late_Alpha"), "a refused enrollment enrolled nothing: " + devices);
            assertTrue(kms.key("Soldier_Alpha", "Soldier_Bravo").json().has("key_hex"));

            // Fail closed: a revocation that cannot be recorded still ends the token now,
            // and a breach whose latch cannot be written is still RED.
            StorageFault.assertFailsClosed(kms, mount, "Soldier_Bravo", "Soldier_Alpha", FULL);

            // Space returns: the same code enrolls (it was not used up), and the entries held
            // in memory reach the audit log.
            Files.delete(filler);
            Await.until("the breach latch reaches the disk with the next round",
                    () -> Files.exists(mount.resolve("kms").resolve("breach.latch")));
            KmsTestServer.Reply enrolled = kms.post("/enroll", "{\"device_id\":\"Late_Alpha\",\"code\":\"" + code + "\"}");
            assertEquals(200, enrolled.code(), enrolled.body());
            assertTrue(enrolled.json().has("device_token"));
            String audit = Await.value("the held audit entries are written", () -> kms.get("/admin/audit?limit=200").body(),
                    body -> body.contains("\"kind\":\"forced_attack\"") && body.contains("revoked in memory only"));
            assertTrue(audit.contains("\"kind\":\"device_enrolled\""), audit);
            assertEquals(200, kms.post("/reset", "{}").code());
            assertEquals("GREEN", kms.get("/link_status").text("status"));
        }
    }

    /** Writes a file until the file system refuses another byte. */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // expected: no space left
        }
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            return filler;
        }
    }
}
