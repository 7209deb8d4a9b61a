package qstcs.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import qstcs.crypto.identity.IdentityAlgorithm;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.IdentityKeyPair;
import qstcs.crypto.wire.FlatJson;

/** The hybrid handshake signed with ML-DSA-65 identity keys: what a KMS holding k_qkd still cannot forge. */
class SignedHandshakeTest {

    private static final String KEY_ID = HybridHandshakeTest.KEY_ID;
    private static final String ALPHA = HybridHandshakeTest.ALPHA;
    private static final String BRAVO = HybridHandshakeTest.BRAVO;
    private static final IdentityKeyPair ALPHA_ID = IdentityKeyPair.generate();
    private static final IdentityKeyPair BRAVO_ID = IdentityKeyPair.generate();
    /** The key a compromised KMS would make and serve in the peer's name. */
    private static final IdentityKeyPair KMS_ID = IdentityKeyPair.generate();

    private final SecretBytes qkd = SecretBytes.random(32, new SecureRandom());

    @Test
    void signedHandshakeVerifiesBothWaysOverJson() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO,
                Optional.of(ALPHA_ID), Optional.of(BRAVO_ID.publicKey()));
        KemInit init = KemInit.fromJson(alpha.kemInit().toJson());
        assertTrue(init.signed());
        assertEquals(IdentityKey.SIGNATURE_BYTES * 2, FlatJson.parse(alpha.kemInit().toJson()).string("sig").length());
        HybridHandshake.Response bravo = HybridHandshake.respond(qkd, KEY_ID, BRAVO, init,
                Optional.of(BRAVO_ID), Optional.of(ALPHA_ID.publicKey()));
        SecretBytes k = alpha.complete(KemResp.fromJson(bravo.kemResp().toJson()));
        assertTrue(k.equalsSecretBytes(bravo.sessionKey()));
    }

    @Test
    void hybridIdentitiesSignAndVerifyBothWaysOverJson() throws Exception {
        IdentityKeyPair alphaHybrid = IdentityKeyPair.generate(IdentityAlgorithm.ML_DSA_65_ED25519);
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO,
                Optional.of(alphaHybrid), Optional.of(BRAVO_ID.publicKey()));
        KemInit init = KemInit.fromJson(alpha.kemInit().toJson());
        assertEquals(IdentityAlgorithm.ML_DSA_65_ED25519.signatureBytes(), init.sigBytes().length);
        HybridHandshake.Response bravo = HybridHandshake.respond(qkd, KEY_ID, BRAVO, init,
                Optional.of(BRAVO_ID), Optional.of(alphaHybrid.publicKey()));
        assertTrue(alpha.complete(KemResp.fromJson(bravo.kemResp().toJson())).equalsSecretBytes(bravo.sessionKey()));

        // The Ed25519 half flipped, or the frame signed with ML-DSA-65 alone: refused.
        byte[] sig = init.sigBytes();
        sig[sig.length - 1] ^= 0x01;
        KemInit tampered = new KemInit(init.id(), init.sender(), init.recipient(), init.keyId(), init.ek(), init.mac(),
                HexFormat.of().formatHex(sig));
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, tampered,
                Optional.of(BRAVO_ID), Optional.of(alphaHybrid.publicKey())));
        KemInit downgraded = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO, Optional.of(ALPHA_ID), Optional.empty())
                .kemInit();
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(qkd, KEY_ID, BRAVO, downgraded,
                Optional.of(BRAVO_ID), Optional.of(alphaHybrid.publicKey())));
        // A sig of neither size is a malformed frame.
        assertThrows(qstcs.crypto.wire.MalformedFrameException.class, () -> new KemInit(init.id(), init.sender(),
                init.recipient(), init.keyId(), init.ek(), init.mac(), init.sig().substring(2)));
    }

    /**
     * A KMS knows k_qkd, so it can make a kem_init with its own ML-KEM key and a valid MAC. Signed
     * with any key but Alpha's, Bravo (who verified Alpha's key) refuses it.
     */
    @Test
    void kemInitSignedByAnotherKeyIsRefused() {
        HybridHandshake.Initiator mallory = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO,
                Optional.of(KMS_ID), Optional.empty());
        HandshakeFailedException e = assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(
                qkd, KEY_ID, BRAVO, mallory.kemInit(), Optional.of(BRAVO_ID), Optional.of(ALPHA_ID.publicKey())));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void unsignedKemInitIsRefusedWhenThePeerKeyIsKnown() {
        HybridHandshake.Initiator unsigned = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO);
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(
                qkd, KEY_ID, BRAVO, unsigned.kemInit(), Optional.of(BRAVO_ID), Optional.of(ALPHA_ID.publicKey())));
    }

    @Test
    void everyFlippedSignatureByteIsRefused() {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO,
                Optional.of(ALPHA_ID), Optional.empty());
        KemInit real = alpha.kemInit();
        byte[] sig = real.sigBytes();
        for (int i = 0; i < sig.length; i += 97) {
            byte[] bad = sig.clone();
            bad[i] ^= 0x01;
            KemInit forged = new KemInit(real.id(), real.sender(), real.recipient(), real.keyId(), real.ek(), real.mac(),
                    HexFormat.of().formatHex(bad));
            assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(
                    qkd, KEY_ID, BRAVO, forged, Optional.of(BRAVO_ID), Optional.of(ALPHA_ID.publicKey())), "byte " + i);
        }
    }

    /** Alpha's genuine signature moved onto a KMS-made kem_init (new ek, valid MAC) does not verify. */
    @Test
    void aGenuineSignatureDoesNotCoverASubstitutedKey() {
        KemInit genuine = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO, Optional.of(ALPHA_ID), Optional.empty()).kemInit();
        KemInit kms = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO).kemInit();
        KemInit spliced = new KemInit(kms.id(), ALPHA, BRAVO, KEY_ID, kms.ek(), kms.mac(), genuine.sig());
        assertThrows(HandshakeFailedException.class, () -> HybridHandshake.respond(
                qkd, KEY_ID, BRAVO, spliced, Optional.of(BRAVO_ID), Optional.of(ALPHA_ID.publicKey())));
    }

    @Test
    void kemRespSignedByAnotherKeyIsRefusedAndTheGenuineOneStillCompletes() throws Exception {
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, ALPHA, BRAVO,
                Optional.of(ALPHA_ID), Optional.of(BRAVO_ID.publicKey()));
        HybridHandshake.Response forged = HybridHandshake.respond(qkd, KEY_ID, BRAVO, alpha.kemInit(),
                Optional.of(KMS_ID), Optional.empty());
        assertThrows(HandshakeFailedException.class, () -> alpha.complete(forged.kemResp()));
        HybridHandshake.Response genuine = HybridHandshake.respond(qkd, KEY_ID, BRAVO, alpha.kemInit(),
                Optional.of(BRAVO_ID), Optional.of(ALPHA_ID.publicKey()));
        assertTrue(alpha.complete(genuine.kemResp()).equalsSecretBytes(genuine.sessionKey()));
    }
}
