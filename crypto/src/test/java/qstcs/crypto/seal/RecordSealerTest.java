package qstcs.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;

class RecordSealerTest {
    private final SecretBytes key = SecretBytes.random(KeyLength.BYTES, new SecureRandom());
    private final RecordSealer sealer = new RecordSealer(key);
    private final byte[] place = "messages/row-1".getBytes(StandardCharsets.UTF_8);
    private final byte[] text = "meet at the bridge at 0600".getBytes(StandardCharsets.UTF_8);

    @Test
    void opensWhatItSealedAndNeverShowsThePlaintext() throws GeneralSecurityException {
        byte[] sealed = sealer.seal(text, place);
        assertArrayEquals(text, sealer.open(sealed, place));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("bridge"));
        assertArrayEquals(text, new RecordSealer(key).open(sealed, place), "the same key opens it in a new run");
    }

    @Test
    void everyFlippedByteAndAnotherPlaceOrKeyFails() {
        byte[] sealed = sealer.seal(text, place);
        for (int i = 0; i < sealed.length; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= 0x01;
            assertThrows(GeneralSecurityException.class, () -> sealer.open(bad, place), "byte " + i);
        }
        assertThrows(GeneralSecurityException.class, () -> sealer.open(sealed, "messages/row-2".getBytes(StandardCharsets.UTF_8)));
        assertThrows(GeneralSecurityException.class,
                () -> new RecordSealer(SecretBytes.random(KeyLength.BYTES, new SecureRandom())).open(sealed, place));
        assertThrows(GeneralSecurityException.class, () -> sealer.open(Arrays.copyOf(sealed, 20), place));
    }

    @Test
    void noncesDifferAndLookupsAreKeyedAndStable() {
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            nonces.add(Arrays.toString(Arrays.copyOf(sealer.seal(text, place), 12)));
        }
        assertEquals(1000, nonces.size());
        assertArrayEquals(sealer.lookup("m-1"), new RecordSealer(key).lookup("m-1"));
        assertFalse(Arrays.equals(sealer.lookup("m-1"), sealer.lookup("m-2")));
        assertFalse(Arrays.equals(sealer.lookup("m-1"),
                new RecordSealer(SecretBytes.random(KeyLength.BYTES, new SecureRandom())).lookup("m-1")));
    }
}
