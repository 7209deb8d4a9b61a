package qstcs.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.wire.MalformedFrameException;

class FrameSealerTest {

    static final String KEY_ID = "0e7b4f4e-1d2a-4c39-8a55-3c2d1e0f9a8b";
    static final String ID = "6f1c0c7e-3c5a-4a2b-9d1e-5b8f0e1a2c3d";
    static final String ALPHA = "Soldier_Alpha";
    static final String BRAVO = "Soldier_Bravo";

    private final SecretBytes key = SecretBytes.random(32, new SecureRandom());
    private final FrameSealer sealer = new FrameSealer(KEY_ID, key);
    private final byte[] message = "Hold position at grid 4417. Over.".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealThenOpenGivesTheMessageBack() throws Exception {
        SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 17, 1_700_000_000L, message);
        assertEquals(KEY_ID, f.keyId());
        assertEquals(12, f.nonceBytes().length);
        assertEquals(message.length + 16, f.ciphertextBytes().length, "ciphertext is message plus 16-byte tag");
        assertArrayEquals(message, sealer.open(f));
        // The receiver holds its own sealer for the same key and opens the frame from JSON.
        FrameSealer receiver = new FrameSealer(KEY_ID, SecretBytes.copyOf(key.toByteArray()));
        assertArrayEquals(message, receiver.open(SealedFrame.fromJson(f.toJson())));
    }

    @Test
    void emptyAndLargestMessagesRoundTrip() throws Exception {
        assertArrayEquals(new byte[0], sealer.open(sealer.seal(ID, ALPHA, BRAVO, 1, 1, new byte[0])));
        byte[] big = new byte[FrameSealer.MAX_PLAINTEXT_BYTES];
        assertArrayEquals(big, sealer.open(sealer.seal(ID, ALPHA, "*", 1, 1, big)));
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> sealer.seal(ID, ALPHA, BRAVO, 1, 1, new byte[FrameSealer.MAX_PLAINTEXT_BYTES + 1]));
        assertTrue(e.getMessage().contains("at most 16384"), e.getMessage());
    }

    @Test
    void everySingleByteChangeOfTheCiphertextIsRejected() throws Exception {
        SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 17, 1_700_000_000L, message);
        byte[] ct = f.ciphertextBytes();
        int attempts = 0;
        for (int i = 0; i < ct.length; i++) {
            for (int delta = 1; delta < 256; delta++) {
                byte[] edited = ct.clone();
                edited[i] ^= (byte) delta;
                assertRejected(withCiphertext(f, edited));
                attempts++;
            }
        }
        assertEquals(ct.length * 255, attempts);
    }

    @Test
    void everySingleByteChangeOfTheNonceIsRejected() throws Exception {
        SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 17, 1_700_000_000L, message);
        byte[] nonce = f.nonceBytes();
        for (int i = 0; i < nonce.length; i++) {
            for (int delta = 1; delta < 256; delta++) {
                byte[] edited = nonce.clone();
                edited[i] ^= (byte) delta;
                assertRejected(new SealedFrame(f.id(), f.sender(), f.recipient(), f.keyId(), f.seq(), f.timestamp(),
                        HexFormat.of().formatHex(edited), f.ciphertext()));
            }
        }
    }

    @Test
    void everySingleByteChangeOfEveryHeaderFieldIsRejected() throws Exception {
        SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 17, 1_700_000_000L, message);
        // Changes that still make a valid frame reach GCM, which must refuse them (the AAD binds the
        // header); the others must be refused as malformed. Both mean the edit cannot go unnoticed.
        int authenticated = 0;
        authenticated += attackString(f.id(), s -> frame(f, s, f.sender(), f.recipient(), f.keyId(), f.seq(), f.timestamp()));
        authenticated += attackString(f.sender(), s -> frame(f, f.id(), s, f.recipient(), f.keyId(), f.seq(), f.timestamp()));
        authenticated += attackString(f.recipient(), s -> frame(f, f.id(), f.sender(), s, f.keyId(), f.seq(), f.timestamp()));
        authenticated += attackString(f.keyId(), s -> frame(f, f.id(), f.sender(), f.recipient(), s, f.seq(), f.timestamp()));
        authenticated += attackLong(f.seq(), v -> frame(f, f.id(), f.sender(), f.recipient(), f.keyId(), v, f.timestamp()));
        authenticated += attackLong(f.timestamp(), v -> frame(f, f.id(), f.sender(), f.recipient(), f.keyId(), f.seq(), v));
        assertTrue(authenticated > 1000, "most header edits are valid frames that only the tag can catch: " + authenticated);
    }

    @Test
    void everyBitFlipOfTheJsonTextIsRejected() throws Exception {
        // The per-field tests above try all 255 changes of each byte; over the whole JSON text
        // (field names, punctuation, digits) every single-bit flip and the full inversion suffice.
        FrameSealer receiver = new FrameSealer(KEY_ID, SecretBytes.copyOf(key.toByteArray()));
        byte[] json = sealer.seal(ID, ALPHA, BRAVO, 17, 1_700_000_000L, message).toJson().getBytes(StandardCharsets.UTF_8);
        int[] deltas = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff};
        for (int i = 0; i < json.length; i++) {
            for (int delta : deltas) {
                byte[] edited = json.clone();
                edited[i] ^= (byte) delta;
                String text = new String(edited, StandardCharsets.UTF_8);
                try {
                    byte[] opened = receiver.open(SealedFrame.fromJson(text));
                    fail("edited byte " + i + " (xor " + delta + ") still opened: " + opened.length + " bytes");
                } catch (MalformedFrameException | FrameRejectedException expected) {
                    // refused as it must be
                }
            }
        }
    }

    @Test
    void wrongKeyWrongKeyIdAndReflectionAreRejected() throws Exception {
        SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 1, 1, message);
        assertRejected(f, new FrameSealer(KEY_ID, SecretBytes.random(32, new SecureRandom())));
        assertRejected(f, new FrameSealer("another-key", SecretBytes.copyOf(key.toByteArray())));
        // Alpha's frame bounced back to Alpha as if Bravo had sent it: direction keys differ.
        SealedFrame reflected = frame(f, f.id(), BRAVO, ALPHA, f.keyId(), f.seq(), f.timestamp());
        assertRejected(reflected);
    }

    @Test
    void everyFailureLooksTheSame() throws Exception {
        SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 1, 1, message);
        byte[] ct = f.ciphertextBytes();
        ct[0] ^= 1;
        Set<String> messages = new HashSet<>();
        for (Exec e : new Exec[] {
            () -> sealer.open(withCiphertext(f, ct)),
            () -> sealer.open(frame(f, f.id(), f.sender(), f.recipient(), f.keyId(), 2, f.timestamp())),
            () -> new FrameSealer(KEY_ID, SecretBytes.random(32, new SecureRandom())).open(f),
            () -> new FrameSealer("k2", key).open(f),
        }) {
            FrameRejectedException x = assertThrows(FrameRejectedException.class, e::run);
            assertNull(x.getCause(), "no cause that could carry detail");
            messages.add(x.getMessage());
        }
        assertEquals(Set.of("frame rejected: it does not authenticate under this key"), messages);
    }

    @Test
    void sixtyFiveThousandSealsGiveDistinctNoncesAndCiphertexts() {
        int n = 1 << 16;
        Set<String> nonces = new HashSet<>(2 * n);
        Set<String> ciphertexts = new HashSet<>(2 * n);
        for (int i = 0; i < n; i++) {
            SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 1, 1, message);
            nonces.add(f.nonce());
            ciphertexts.add(f.ciphertext());
        }
        assertEquals(n, nonces.size());
        assertEquals(n, ciphertexts.size());
    }

    @Test
    void aDestroyedSealerRefusesWork() {
        SealedFrame f = sealer.seal(ID, ALPHA, BRAVO, 1, 1, message);
        sealer.destroy();
        assertTrue(sealer.isDestroyed());
        assertThrows(IllegalStateException.class, () -> sealer.seal(ID, ALPHA, BRAVO, 2, 1, message));
        assertThrows(IllegalStateException.class, () -> sealer.open(f));
        assertTrue(!key.isDestroyed(), "the caller's key is the caller's to destroy");
    }

    @Test
    void refusesBadKeysAndHeaders() {
        assertThrows(IllegalArgumentException.class, () -> new FrameSealer(KEY_ID, SecretBytes.copyOf(new byte[16])));
        assertThrows(MalformedFrameException.class, () -> new FrameSealer("bad key id", key));
        assertThrows(MalformedFrameException.class, () -> sealer.seal(ID, "Soldier Alpha", BRAVO, 1, 1, message));
        assertThrows(MalformedFrameException.class, () -> sealer.seal(ID, ALPHA, BRAVO, -1, 1, message));
    }

    // --- helpers -----------------------------------------------------------------------------

    private interface Exec {
        void run() throws Exception;
    }

    private interface LongFrame {
        SealedFrame make(long v);
    }

    /** Every single-byte change of {@code value}'s UTF-8; returns how many gave a valid frame. */
    private int attackString(String value, java.util.function.Function<String, SealedFrame> make) throws Exception {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int valid = 0;
        for (int i = 0; i < bytes.length; i++) {
            for (int delta = 1; delta < 256; delta++) {
                byte[] edited = bytes.clone();
                edited[i] ^= (byte) delta;
                SealedFrame candidate;
                try {
                    candidate = make.apply(new String(edited, StandardCharsets.UTF_8));
                } catch (MalformedFrameException refused) {
                    continue;
                }
                valid++;
                assertRejected(candidate);
            }
        }
        return valid;
    }

    /** Every single-byte change of the 8-byte big-endian value (as bound in the AAD). */
    private int attackLong(long value, LongFrame make) throws Exception {
        int valid = 0;
        for (int i = 0; i < 8; i++) {
            for (int delta = 1; delta < 256; delta++) {
                long edited = value ^ ((long) delta << (8 * i));
                SealedFrame candidate;
                try {
                    candidate = make.make(edited);
                } catch (MalformedFrameException refused) {
                    continue;
                }
                valid++;
                assertRejected(candidate);
            }
        }
        return valid;
    }

    private static SealedFrame frame(SealedFrame f, String id, String sender, String recipient, String keyId,
                                     long seq, long timestamp) {
        return new SealedFrame(id, sender, recipient, keyId, seq, timestamp, f.nonce(), f.ciphertext());
    }

    private static SealedFrame withCiphertext(SealedFrame f, byte[] ct) {
        return new SealedFrame(f.id(), f.sender(), f.recipient(), f.keyId(), f.seq(), f.timestamp(), f.nonce(),
                HexFormat.of().formatHex(ct));
    }

    private void assertRejected(SealedFrame f) {
        assertRejected(f, sealer);
    }

    private static void assertRejected(SealedFrame f, FrameSealer s) {
        assertThrows(FrameRejectedException.class, () -> s.open(f), () -> "accepted an edited frame: " + f);
    }

}
