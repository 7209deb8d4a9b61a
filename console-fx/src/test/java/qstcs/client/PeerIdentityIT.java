package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import qstcs.crypto.identity.IdentityAlgorithm;
import qstcs.crypto.identity.IdentityKeyPair;

/**
 * Identity keys against the real KMS and relay: published keys are fetched by peers, hybrid
 * handshakes carry identity signatures that the other side checks, a key the KMS serves in a
 * peer's name that differs from the remembered one is reported as changed, and the directory
 * lists enrolled devices.
 */
class PeerIdentityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @Test
    void signedHybridSessionDeliversAndBothSidesRememberTheOthersKey() throws Exception {
        signedSession("Sig_Alpha", IdentityAlgorithm.ML_DSA_65, "Sig_Bravo", IdentityAlgorithm.ML_DSA_65);
    }

    /** A device with an ML-DSA-65+Ed25519 identity talks to one whose identity is ML-DSA-65 alone. */
    @Test
    void aHybridIdentityAndAnMlDsaOnlyOneSignAndVerifyEachOther() throws Exception {
        signedSession("Hyb_Alpha", IdentityAlgorithm.ML_DSA_65_ED25519, "Hyb_Bravo", IdentityAlgorithm.ML_DSA_65);
    }

    private void signedSession(String alphaName, IdentityAlgorithm alphaKind, String bravoName, IdentityAlgorithm bravoKind)
            throws Exception {
        Path home = Files.createTempDirectory("qstcs-identity");
        ClientConfig alphaConfig = servers.config(alphaName).withPqc(true);
        ClientConfig bravoConfig = servers.config(bravoName).withPqc(true);
        DeviceIdentity alphaId = DeviceIdentity.open(home, alphaConfig, alphaKind);
        DeviceIdentity bravoId = DeviceIdentity.open(home, bravoConfig, bravoKind);
        assertEquals(alphaKind, alphaId.ownKey().algorithm());
        alphaId.publish();
        bravoId.publish();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                home.resolve("devices/" + alphaName).resolve(IdentityKeyPair.FILE))));

        List<String> signedFrames = new CopyOnWriteArrayList<>();
        try (InterceptingRelayProxy tap = new InterceptingRelayProxy(servers.relayUrl(), frame -> {
            try {
                JsonNode f = JSON.readTree(frame);
                String type = f.path("type").asText();
                IdentityAlgorithm signer = f.path("sender").asText().equals(alphaName) ? alphaKind : bravoKind;
                if ((type.equals("kem_init") || type.equals("kem_resp"))
                        && f.path("sig").asText().length() == signer.signatureBytes() * 2) {
                    signedFrames.add(type);
                }
            } catch (Exception e) {
                // not JSON: not a handshake frame
            }
            return frame;
        })) {
            SessionRecorder a = new SessionRecorder();
            SessionRecorder b = new SessionRecorder();
            try (SecureChatSession alpha = start(servers.config(alphaName, tap.url()).withPqc(true), alphaId, a, bravoName);
                 SecureChatSession bravo = start(servers.config(bravoName, tap.url()).withPqc(true), bravoId, b, alphaName)) {
                servers.awaitOnline(alpha, bravo);
                String id = alpha.send(bravoName, "signed and sealed");
                SessionRecorder.await(Duration.ofSeconds(20), "delivered", () -> a.delivery(id) == DeliveryState.DELIVERED);
                assertEquals(List.of("signed and sealed"), b.receivedTexts());
                assertTrue(a.problems().isEmpty() && b.problems().isEmpty(), () -> a.problems() + " " + b.problems());
            }
        }
        assertTrue(signedFrames.contains("kem_init") && signedFrames.contains("kem_resp"), signedFrames::toString);
        assertEquals(bravoId.ownKey(), alphaId.book().remembered(bravoName).orElseThrow());
        assertEquals(alphaId.ownKey(), bravoId.book().remembered(alphaName).orElseThrow());
        assertEquals(alphaId.safetyNumber(bravoName, bravoId.ownKey()), bravoId.safetyNumber(alphaName, alphaId.ownKey()));
    }

    @Test
    void aChangedIdentityKeyAtTheKmsIsDetectedAndUnverifies() throws Exception {
        Path alphaHome = Files.createTempDirectory("qstcs-identity-a");
        DeviceIdentity alpha = DeviceIdentity.open(alphaHome, servers.config("Chg_Alpha"));
        DeviceIdentity bravo = DeviceIdentity.open(Files.createTempDirectory("qstcs-identity-b"), servers.config("Chg_Bravo"));
        bravo.publish();
        List<PeerKeyBook.Status> seen = new CopyOnWriteArrayList<>();
        alpha.addListener((peer, s) -> seen.add(s.status()));

        PeerKeyBook.Sighting first = alpha.refresh("Chg_Bravo").orElseThrow();
        assertEquals(PeerKeyBook.Status.FIRST_SEEN, first.status());
        alpha.markVerified("Chg_Bravo", first.key());
        assertTrue(alpha.refresh("Chg_Bravo").orElseThrow().verified());

        // Bravo's key as the KMS now serves it: a new install, or a KMS publishing its own key for Bravo.
        DeviceIdentity replaced = DeviceIdentity.open(Files.createTempDirectory("qstcs-identity-b2"), servers.config("Chg_Bravo"));
        replaced.publish();
        PeerKeyBook.Sighting changed = alpha.refresh("Chg_Bravo").orElseThrow();
        assertEquals(PeerKeyBook.Status.CHANGED, changed.status());
        assertFalse(changed.verified(), "a changed key is not verified");
        assertTrue(alpha.book().changed("Chg_Bravo"));
        assertFalse(alpha.safetyNumber("Chg_Bravo", first.key()).equals(alpha.safetyNumber("Chg_Bravo", changed.key())));
        // The book survives a restart of the chat: a fresh load still knows the change.
        assertTrue(PeerKeyBook.open(alphaHome.resolve("devices/Chg_Alpha")).changed("Chg_Bravo"));
        assertEquals(List.of(PeerKeyBook.Status.FIRST_SEEN, PeerKeyBook.Status.SAME, PeerKeyBook.Status.SAME,
                PeerKeyBook.Status.CHANGED), seen);
    }

    @Test
    void directoryListsEnrolledDevicesWithTheirKeyFingerprints() throws Exception {
        DeviceIdentity d = DeviceIdentity.open(Files.createTempDirectory("qstcs-identity-d"), servers.config("Dir_Alpha"));
        d.publish();
        servers.config("Dir_Bravo");
        List<KmsClient.DirectoryEntry> entries = new KmsClient(servers.config("Dir_Bravo")).directory();
        assertTrue(entries.contains(new KmsClient.DirectoryEntry("Dir_Alpha", java.util.Optional.of(d.ownKey().fingerprint()))),
                entries::toString);
        assertTrue(entries.stream().anyMatch(e -> e.deviceId().equals("Dir_Bravo")), entries::toString);
    }

    private static SecureChatSession start(ClientConfig config, DeviceIdentity id, SessionListener l, String peer) {
        SecureChatSession s = new SecureChatSession(config, id);
        s.addListener(l);
        s.start(peer);
        return s;
    }
}
