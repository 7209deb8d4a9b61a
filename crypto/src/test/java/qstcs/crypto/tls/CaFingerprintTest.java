package qstcs.crypto.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaFingerprintTest {

    @Test
    void fingerprintIsSha256OfTheDerCertificate() throws Exception {
        TestPki.Ca ca = TestPki.ca("fp");
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.cert().getEncoded()));
        assertEquals("sha256:" + hex, ca.fingerprint().toString());
        assertTrue(ca.fingerprint().matches(ca.cert()));
        assertFalse(ca.fingerprint().matches(TestPki.ca("fp").cert()));
    }

    @Test
    void parsesEveryCommonSpelling() throws Exception {
        CaFingerprint fp = TestPki.ca("fp").fingerprint();
        String hex = fp.toString().substring(7);
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        for (String text : List.of(fp.toString(), hex, hex.toUpperCase(), "SHA256:" + hex, colons.toString().toUpperCase(),
                "SHA256 Fingerprint=" + colons.toString().toUpperCase(), "  " + fp + "\n")) {
            assertEquals(fp, CaFingerprint.parse(text), text);
        }
    }

    @Test
    void rejectsMalformedFingerprints() {
        for (String bad : List.of("", "sha256:", "sha256:abc", "sha1:" + "ab".repeat(20), "sha256:" + "zz".repeat(32),
                "sha256:" + "ab".repeat(33))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaFingerprint.parse(bad), bad);
            assertTrue(e.getMessage().contains("not a CA fingerprint"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new CaFingerprint(new byte[31]));
    }

    @Test
    void valueIsImmutable() throws Exception {
        CaFingerprint fp = TestPki.ca("fp").fingerprint();
        byte[] copy = fp.sha256();
        copy[0] ^= 1;
        assertNotEquals(HexFormat.of().formatHex(copy), fp.toString().substring(7));
    }
}
