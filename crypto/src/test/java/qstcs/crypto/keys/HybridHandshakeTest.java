package qstcs.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import qstcs.crypto.wire.CanonicalEncoding;
import qstcs.crypto.wire.FlatJson;

class HybridHandshakeTest {

    static final String KEY_ID = "0e7b4f4e-1d2a-4c39-8a55-3c2d1e0f9a8b";
    static final String ALPHA = "Soldier_Alpha";
    static final String BRAVO = "Soldier_Bravo";
    private static final HexFormat HEX = HexFormat.of();

    private final SecureRandom random = new SecureRandom();
    private final SecretBytes qkd = SecretBytes.random(32, random);

    @Test
    void bothSidesDeriveTheSameKeyOverJson() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        KemInit init = KemInit.fromJson(alpha.kemInit().toJson());
        HybridHandshake.Response bravo = HybridHandshake.respond(qkd, KEY_ID, BRAVO, init);
        SecretBytes alphaKey = alpha.complete(KemResp.fromJson(bravo.kemResp().toJson()));
        assertTrue(alphaKey.equalsSecretBytes(bravo.sessionKey()));
        assertEquals(32, alphaKey.size());
    }

    @Test
    void wireMessagesHaveTheDesignFieldsAndRealMlKemSizes() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        FlatJson init = FlatJson.parse(alpha.kemInit().toJson());
        assertEquals(java.util.List.of("type", "id", "sender", "recipient", "key_id", "ek", "mac"), java.util.List.copyOf(init.fieldNames()));
        assertEquals("kem_init", init.string("type"));
        assertEquals(1184 * 2, init.string("ek").length());
        assertEquals(64, init.string("mac").length());
        FlatJson resp = FlatJson.parse(HybridHandshake.respond(qkd, KEY_ID, BRAVO, alpha.kemInit()).kemResp().toJson());
        assertEquals(java.util.List.of("type", "id", "sender", "recipient", "key_id", "ct", "mac"), java.util.List.copyOf(resp.fieldNames()));
        assertEquals("kem_resp", resp.string("type"));
        assertEquals(BRAVO, resp.string("sender"));
        assertEquals(ALPHA, resp.string("recipient"));
        assertEquals(1088 * 2, resp.string("ct").length());
    }

    @Test
    void theHybridKeyIsNotThePlainQkdKey() throws Exception {
        SecretBytes k1 = run(qkd, qkd);
        SecretBytes k2 = run(qkd, qkd);
        assertFalse(k1.equalsSecretBytes(qkd));
        assertFalse(k1.equalsSecretBytes(Hkdf.directionKey(qkd, ALPHA, BRAVO)));
        assertFalse(k1.equalsSecretBytes(Hkdf.directionKey(qkd, BRAVO, ALPHA)));
        assertFalse(k1.equalsSecretBytes(k2), "a fresh ML-KEM exchange gives a fresh key under the same QKD key");
    }

    @Test
    void aRelaySubstitutingItsOwnEncapsulationKeyIsDetected() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        KemInit real = alpha.kemInit();
        KeyPair mallory = MlKem768.generate(random);
        String malloryEk = HEX.formatHex(MlKem768.rawEncapsulationKey(mallory.getPublic()));
        // Keeping Alpha's MAC.
        KemInit swapped = new KemInit(real.id(), real.sender(), real.recipient(), real.keyId(), malloryEk, real.mac());
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, swapped));
        // Or with a MAC under a key she made up: without k_qkd she cannot produce the right one.
        SecretBytes guess = SecretBytes.random(32, random);
        byte[] forgedMac = HybridKeySchedule.mac(HybridKeySchedule.macKey(guess, KEY_ID),
                HybridKeySchedule.initTranscript(real.id(), ALPHA, BRAVO, KEY_ID, HEX.parseHex(malloryEk)));
        KemInit forged = new KemInit(real.id(), ALPHA, BRAVO, KEY_ID, malloryEk, HEX.formatHex(forgedMac));
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, forged));
    }

    @Test
    void aRelaySubstitutingItsOwnCiphertextIsDetected() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        KemResp real = HybridHandshake.respond(qkd, KEY_ID, BRAVO, alpha.kemInit()).kemResp();
        // Mallory encapsulates to Alpha's real key, so she would know the ML-KEM secret.
        MlKem768.Encapsulation mine = MlKem768.encapsulate(
                MlKem768.encapsulationKey(alpha.kemInit().ekBytes()), random);
        KemResp swapped = new KemResp(real.id(), real.sender(), real.recipient(), real.keyId(),
                HEX.formatHex(mine.ciphertext()), real.mac());
        assertThrows(HandshakeFailedException.class, () -> alpha.complete(swapped));
        // The forged frame did not spoil the handshake: the genuine answer still completes it.
        assertEquals(32, alpha.complete(real).size());
    }

    @Test
    void anOldResponseCannotBeReplayedIntoANewHandshake() throws Exception {
        HybridHandshake.Initiator first = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        KemResp old = HybridHandshake.respond(qkd, KEY_ID, BRAVO, first.kemInit()).kemResp();
        first.complete(old);
        HybridHandshake.Initiator second = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        assertThrows(HandshakeFailedException.class, () -> second.complete(old));
    }

    @Test
    void aPartyWithoutTheQkdKeyCannotComplete() throws Exception {
        SecretBytes wrong = SecretBytes.random(32, random);
        // Responder without the key.
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(wrong, KEY_ID, BRAVO, alpha.kemInit()));
        // Initiator without the key.
        HybridHandshake.Initiator impostor = HybridHandshake.initiate(wrong, KEY_ID, ALPHA, BRAVO);
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, impostor.kemInit()));
        // A responder that answers without the key (it skips nothing: it simply MACs with what it has).
        HybridHandshake.Initiator alpha2 = HybridHandshake.initiate(wrong, KEY_ID, ALPHA, BRAVO);
        KemResp fromKeyless = HybridHandshake.respond(wrong, KEY_ID, BRAVO, alpha2.kemInit()).kemResp();
        HybridHandshake.Initiator honest = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        KemResp rebased = new KemResp(fromKeyless.id(), BRAVO, ALPHA, KEY_ID, fromKeyless.ct(), fromKeyless.mac());
        assertThrows(HandshakeFailedException.class, () -> honest.complete(rebased));
    }

    @Test
    void everyByteOfEveryFieldIsAuthenticated() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        KemInit init = alpha.kemInit();
        byte[] ek = init.ekBytes();
        for (int i = 0; i < ek.length; i++) {
            byte[] e = ek.clone();
            e[i] ^= 1;
            KemInit edited = new KemInit(init.id(), init.sender(), init.recipient(), init.keyId(), HEX.formatHex(e), init.mac());
            assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, edited), "ek byte " + i);
        }
        byte[] mac = init.macBytes();
        for (int i = 0; i < mac.length; i++) {
            byte[] m = mac.clone();
            m[i] ^= 1;
            KemInit edited = new KemInit(init.id(), init.sender(), init.recipient(), init.keyId(), init.ek(), HEX.formatHex(m));
            assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, edited), "mac byte " + i);
        }
        KemInit otherId = new KemInit("another-id", init.sender(), init.recipient(), init.keyId(), init.ek(), init.mac());
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, otherId));
        KemInit otherSender = new KemInit(init.id(), "Soldier_Charlie", init.recipient(), init.keyId(), init.ek(), init.mac());
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, otherSender));

        KemResp resp = HybridHandshake.respond(qkd, KEY_ID, BRAVO, init).kemResp();
        byte[] ct = resp.ctBytes();
        for (int i = 0; i < ct.length; i++) {
            byte[] c = ct.clone();
            c[i] ^= 1;
            KemResp edited = new KemResp(resp.id(), resp.sender(), resp.recipient(), resp.keyId(), HEX.formatHex(c), resp.mac());
            assertThrows(HandshakeFailedException.class, () -> alpha.complete(edited), "ct byte " + i);
        }
        KemResp otherRespId = new KemResp("x" + resp.id().substring(1), resp.sender(), resp.recipient(), resp.keyId(), resp.ct(), resp.mac());
        assertThrows(HandshakeFailedException.class, () -> alpha.complete(otherRespId));
        assertEquals(32, alpha.complete(resp).size());
    }

    @Test
    void messagesForAnotherDeviceOrKeyAreRefused() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, "Soldier_Charlie", alpha.kemInit()));
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, "other-key", BRAVO, alpha.kemInit()));
        // Alpha's own kem_init reflected back to Alpha.
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, ALPHA, alpha.kemInit()));
    }

    @Test
    void anInitiatorIsSingleUse() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        KemResp resp = HybridHandshake.respond(qkd, KEY_ID, BRAVO, alpha.kemInit()).kemResp();
        alpha.complete(resp);
        assertTrue(alpha.isDestroyed());
        assertThrows(IllegalStateException.class, () -> alpha.complete(resp));
        assertFalse(qkd.isDestroyed(), "the caller's QKD key stays the caller's");
    }

    @Test
    void theSessionKeyIsExactlyTheDocumentedHkdf() throws Exception {
        byte[] ss = new byte[32];
        byte[] ek = new byte[1184];
        byte[] ct = new byte[1088];
        random.nextBytes(ss);
        random.nextBytes(ek);
        random.nextBytes(ct);
        SecretBytes key = HybridKeySchedule.sessionKey(ss, qkd, KEY_ID, ALPHA, BRAVO, ek, ct);

        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        byte[] ikm = new byte[64];
        System.arraycopy(ss, 0, ikm, 0, 32);
        System.arraycopy(qkd.toByteArray(), 0, ikm, 32, 32);
        byte[] info = new CanonicalEncoding().string("QSTCS-Hybrid-PQC").string(KEY_ID).string(ALPHA).string(BRAVO)
                .bytes(sha.digest(ek)).bytes(sha.digest(ct)).toByteArray();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("QSTCS-Hybrid-PQC/1".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info);
        mac.update((byte) 1);
        assertArrayEquals(mac.doFinal(), key.toByteArray());
    }

    private SecretBytes run(SecretBytes initiatorKey, SecretBytes responderKey) throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(initiatorKey, KEY_ID, ALPHA, BRAVO);
        HybridHandshake.Response bravo = HybridHandshake.respond(responderKey, KEY_ID, BRAVO, alpha.kemInit());
        SecretBytes k = alpha.complete(bravo.kemResp());
        assertTrue(k.equalsSecretBytes(bravo.sessionKey()));
        return k;
    }
}
