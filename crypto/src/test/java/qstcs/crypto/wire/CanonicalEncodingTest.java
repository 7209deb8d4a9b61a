package qstcs.crypto.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CanonicalEncodingTest {

    @Test
    void fixedLayout() {
        byte[] b = new CanonicalEncoding().string("ab").bytes(new byte[] {(byte) 0xff}).int64(258).toByteArray();
        assertArrayEquals(HexFormat.of().parseHex("00000002" + "6162" + "00000001" + "ff" + "0000000000000102"), b);
    }

    @Test
    void shiftingABoundaryChangesTheBytes() {
        byte[] a = new CanonicalEncoding().string("ab").string("c").toByteArray();
        byte[] b = new CanonicalEncoding().string("a").string("bc").toByteArray();
        byte[] c = new CanonicalEncoding().string("").string("abc").toByteArray();
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(a, c));
        assertFalse(Arrays.equals(b, c));
    }

    @Test
    void countsUtf8BytesNotChars() {
        assertArrayEquals(HexFormat.of().parseHex("00000002c3a9"), new CanonicalEncoding().string("é").toByteArray());
    }

    @Test
    void growsBeyondItsInitialBuffer() {
        byte[] big = new byte[1000];
        Arrays.fill(big, (byte) 7);
        byte[] out = new CanonicalEncoding(1).bytes(big).int64(-1).toByteArray();
        assertArrayEquals(big, Arrays.copyOfRange(out, 4, 1004));
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, Arrays.copyOfRange(out, 1004, 1012));
    }
}
