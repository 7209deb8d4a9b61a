package qstcs.kms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file system holding a running KMS's home turns read-only, as ext4 does by itself after an
 * error when mounted {@code errors=remount-ro} (a worn SD card or disk): every write from then on,
 * even through files already open, fails with "read-only file system", while reads go on. Changes
 * the KMS must record are refused with a clear 503, what it serves from memory goes on, a breach
 * still latches RED, nothing acknowledged before is lost, and once the operator has repaired the
 * file system and mounted it again at the same place the KMS writes again by itself: the held
 * audit entries and the breach latch reach the disk, an enrollment works, and a restart finds all
 * of it.
 * Needs root, loop devices and ext4 (mkfs.ext4, e2fsck); otherwise the test is skipped and says so.
 */
class ReadOnlyStorageIT {
    private static final String READ_ONLY = "the KMS database is read-only";

    private Path dir;
    private Path image;
    private Path mount;
    private final List<String> loops = new ArrayList<>();
    private boolean mounted;

    @BeforeEach
    void mountExt4() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "ReadOnlyStorageIT needs root to mount an ext4 image as the KMS home; skipped (not root)");
        dir = Files.createTempDirectory("qstcs-read-only");
        image = dir.resolve("home.ext4");
        mount = Files.createDirectory(dir.resolve("home"));
        int made;
        String loop;
        try {
            StorageFault.run("e2fsck", "-V"); // the repair needs it: missing, the test cannot finish
            made = StorageFault.run("truncate", "-s", "64M", image.toString());
            if (made == 0) {
                made = StorageFault.run("mkfs.ext4", "-q", "-F", image.toString());
            }
            loop = made == 0 ? attach() : null;
        } catch (IOException missing) {
            Assumptions.abort("ReadOnlyStorageIT needs e2fsck, truncate, mkfs.ext4 and losetup (" + missing.getMessage()
                    + "); skipped");
            return;
        }
        Assumptions.assumeTrue(made == 0, "ReadOnlyStorageIT could not make an ext4 image (exit " + made + "); skipped");
        Assumptions.assumeTrue(loop != null, "ReadOnlyStorageIT could not attach a loop device; skipped");
        int rc = StorageFault.run("mount", "-o", "errors=remount-ro", loop, mount.toString());
        Assumptions.assumeTrue(rc == 0, "ReadOnlyStorageIT could not mount ext4 from " + loop + " (exit " + rc + "); skipped");
        mounted = true;
        Assumptions.assumeTrue(Files.exists(errorTrigger()),
                "ReadOnlyStorageIT needs ext4's " + errorTrigger() + " (kernel 3.17 or later); skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            StorageFault.run("umount", "-l", mount.toString());
        }
        for (String loop : loops) {
            StorageFault.run("losetup", "-d", loop);
        }
        if (dir != null) {
            Files.deleteIfExists(image);
            Files.deleteIfExists(mount);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aHomeTurnedReadOnlyRefusesChangesClearlyKeepsServingAndRecoversWhenRemounted() throws Exception {
        String bravoToken;
        String keyId;
        String code;
        try (KmsTestServer kms = new KmsTestServer(mount)) {
            kms.awaitPool(512);
            // Acknowledged before the fault: an enrollment, a revocation, a key, an audit trail.
            String earlyCode = kms.post("/admin/enrollments", "{\"device_id\":\"Early_Alpha\"}").text("code");
            KmsTestServer.Reply early = kms.post("/enroll", "{\"device_id\":\"Early_Alpha\",\"code\":\"" + earlyCode + "\"}");
            assertEquals(200, early.code(), early.body());
            kms.deviceToken("Soldier_Delta");
            assertEquals(200, kms.request("DELETE", "/admin/devices/Soldier_Delta", null).code());
            code = kms.post("/admin/enrollments", "{\"device_id\":\"Late_Alpha\"}").text("code");
            KmsTestServer.Reply key = kms.key("Soldier_Alpha", "Soldier_Bravo");
            assertEquals(200, key.code(), key.body());
            keyId = key.text("key_id");
            bravoToken = kms.deviceToken("Soldier_Bravo");
            kms.get("/admin/audit?limit=1"); // everything audited so far is written

            turnReadOnly();

            // Changes that must be recorded are refused, clearly, and nothing of them is applied.
            StorageFault.assertStorageRefusal(kms.post("/admin/enrollments", "{\"device_id\":\"Never_Enrolled\"}"), READ_ONLY);
            StorageFault.assertStorageRefusal(kms.post("/enroll", "{\"device_id\":\"Late_Alpha\",\"code\":\"" + code + "\"}"), READ_ONLY);

            // Reads, the link status and what is served from memory go on.
            assertEquals(200, kms.get("/link_status").code());
            KmsTestServer.Reply devices = kms.get("/admin/devices");
            assertEquals(200, devices.code(), devices.body());
            assertTrue(devices.body().contains("Early_Alpha"), devices.body());
            assertFalse(devices.body().contains("Never_Enrolled"), devices.body());
            assertFalse(devices.body().contains("\"Late_Alpha\""), "a refused enrollment enrolled nothing: " + devices.body());
            KmsTestServer.Reply audit = kms.get("/admin/audit?limit=50");
            assertEquals(200, audit.code(), audit.body());
            assertTrue(audit.body().contains("\"kind\":\"device_enrolled\""), audit.body());
            KmsTestServer.Reply again = kms.get("/keys/" + keyId + "?device_id=Soldier_Bravo");
            assertEquals(200, again.code(), again.body());
            assertEquals(key.text("key_hex"), again.text("key_hex"));
            assertTrue(kms.key("Soldier_Alpha", "Soldier_Charlie").json().has("key_hex"));

            // Fail closed: a revocation that cannot be recorded still ends the token now,
            // and a breach whose latch cannot be written is still RED.
            StorageFault.assertFailsClosed(kms, mount, "Soldier_Bravo", "Soldier_Alpha", READ_ONLY);
            // The operator acknowledges the alarm meanwhile: the board keeps it in memory now
            // and on the disk once it can.
            com.fasterxml.jackson.databind.JsonNode alarm = kms.get("/admin/alarms").json().get("alarms").get(0);
            assertEquals("forced_attack", alarm.get("kind").asText(), alarm.toString());
            KmsTestServer.Reply ack = kms.post("/admin/alarms/" + alarm.get("id").asLong() + "/ack", "{\"note\":\"read-only\"}");
            assertEquals(200, ack.code(), ack.body());

            repairAndMountAgain();

            // Writable again: the KMS notices by itself.
            Await.until("the breach latch reaches the repaired file system",
                    () -> Files.exists(mount.resolve("kms").resolve("breach.latch")));
            String written = Await.value("the held audit entries are written", () -> kms.get("/admin/audit?limit=200").body(),
                    body -> body.contains("\"kind\":\"forced_attack\"") && body.contains("revoked in memory only"));
            assertTrue(written.contains("\"kind\":\"device_enrolled\""), written);
            KmsTestServer.Reply enrolled = kms.post("/enroll", "{\"device_id\":\"Late_Alpha\",\"code\":\"" + code + "\"}");
            assertEquals(200, enrolled.code(), enrolled.body());
            assertEquals("RED", kms.get("/link_status").text("status"), "the latched RED is kept");
        }

        // A restart on the repaired home finds everything acknowledged, and RED still latched.
        try (KmsTestServer restarted = new KmsTestServer(mount)) {
            assertEquals("RED", restarted.get("/link_status").text("status"));
            String devices = restarted.get("/admin/devices").body();
            assertTrue(devices.contains("Early_Alpha") && devices.contains("Late_Alpha"), devices);
            String audit = restarted.get("/admin/audit?limit=500").body();
            assertTrue(audit.contains("\"kind\":\"forced_attack\""), audit);
            assertTrue(audit.contains("Soldier_Delta"), "the revocation acknowledged before the fault: " + audit);
            assertTrue(audit.contains("\"kind\":\"alarm_acknowledged\""), audit);
            String alarms = restarted.get("/admin/alarms").body();
            assertTrue(alarms.matches("(?s).*\"kind\":\"forced_attack\"[^}]*\"acknowledged\":true.*"),
                    "the alarm raised and acknowledged while read-only is kept: " + alarms);
            assertEquals(200, restarted.post("/reset", "{}").code());
            assertEquals("GREEN", restarted.get("/link_status").text("status"));
        }
    }

    /** An ext4 error on a file system mounted errors=remount-ro: the kernel makes it read-only at once. */
    private void turnReadOnly() throws Exception {
        Files.writeString(errorTrigger(), "ReadOnlyStorageIT");
        assertThrows(IOException.class, () -> Files.createFile(mount.resolve("probe")),
                "the file system did not turn read-only");
    }

    /** Where the kernel lets root raise an ext4 error on the mounted image's loop device. */
    private Path errorTrigger() {
        return Path.of("/sys/fs/ext4", Path.of(loops.getLast()).getFileName().toString(), "trigger_fs_error");
    }

    /**
     * What an operator does: detach the broken mount (the KMS still holds files on it), check the
     * file system, and mount it again at the same place from a new loop device.
     */
    private void repairAndMountAgain() throws Exception {
        assertEquals(0, StorageFault.run("umount", "-l", mount.toString()));
        mounted = false;
        int fsck = StorageFault.run("e2fsck", "-f", "-y", image.toString());
        assertTrue(fsck == 0 || fsck == 1, "e2fsck exit " + fsck);
        String loop = attach();
        assertTrue(loop != null, "a new loop device");
        assertEquals(0, StorageFault.run("mount", "-o", "errors=remount-ro", loop, mount.toString()));
        mounted = true;
    }

    private String attach() throws Exception {
        Process p = new ProcessBuilder("losetup", "-f", "--show", image.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.startsWith("/dev/loop")) {
            return null;
        }
        loops.add(out);
        return out;
    }
}
