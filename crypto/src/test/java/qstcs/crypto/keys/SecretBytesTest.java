package qstcs.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretBytesTest {

    @Test
    void copiesInAndOut() {
        byte[] raw = {1, 2, 3, 4};
        SecretBytes s = SecretBytes.copyOf(raw);
        raw[0] = 99;
        assertArrayEquals(new byte[] {1, 2, 3, 4}, s.toByteArray(), "changing the input does not change the secret");
        byte[] out = s.toByteArray();
        out[1] = 99;
        assertArrayEquals(new byte[] {1, 2, 3, 4}, s.toByteArray(), "changing the output does not change the secret");
    }

    @Test
    void comparesContents() {
        SecretBytes a = SecretBytes.copyOf(new byte[] {1, 2, 3});
        assertTrue(a.equalsSecretBytes(SecretBytes.copyOf(new byte[] {1, 2, 3})));
        assertFalse(a.equalsSecretBytes(SecretBytes.copyOf(new byte[] {1, 2, 4})));
        assertFalse(a.equalsSecretBytes(SecretBytes.copyOf(new byte[] {1, 2})));
        assertNotEquals(a, SecretBytes.copyOf(new byte[] {1, 2, 3}), "Object.equals stays identity");
    }

    @Test
    void toStringShowsOnlyTheSize() {
        SecretBytes s = SecretBytes.fromHex("deadbeefcafebabe");
        assertEquals("SecretBytes[8 bytes]", s.toString());
        s.destroy();
        assertEquals("SecretBytes[destroyed]", s.toString());
    }

    @Test
    void destroyWipesAndRefusesFurtherUse() {
        SecretBytes s = SecretBytes.random(32, new SecureRandom());
        s.destroy();
        assertTrue(s.isDestroyed());
        assertThrows(IllegalStateException.class, s::toByteArray);
        assertThrows(IllegalStateException.class, s::toHex);
        assertThrows(IllegalStateException.class, () -> s.equalsSecretBytes(SecretBytes.copyOf(new byte[32])));
    }

    @Test
    void hexRoundTripAndErrorsWithoutEchoingTheInput() {
        assertEquals("00ff10", SecretBytes.fromHex("00FF10").toHex());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> SecretBytes.fromHex("abc"));
        assertFalse(odd.getMessage().contains("abc"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SecretBytes.fromHex("abcdzz12"));
        assertFalse(bad.getMessage().contains("abcd"));
        assertThrows(IllegalArgumentException.class, () -> SecretBytes.fromHex(""));
        assertThrows(IllegalArgumentException.class, () -> SecretBytes.copyOf(new byte[0]));
    }

    @Test
    void writesHexIntoABufferAndCopiesIndependently() {
        SecretBytes k = SecretBytes.fromHex("00ff10ab");
        byte[] out = "[........]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(9, k.writeHex(out, 1));
        assertEquals("[00ff10ab]", new String(out, java.nio.charset.StandardCharsets.US_ASCII));
        assertThrows(IndexOutOfBoundsException.class, () -> k.writeHex(out, 3));
        SecretBytes copy = k.copy();
        k.destroy();
        assertEquals("00ff10ab", copy.toHex());
        assertThrows(IllegalStateException.class, () -> k.writeHex(new byte[8], 0));
    }
}
