package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnrollmentStringTest {
    private static final String CA = "ab".repeat(32);

    @Test
    void readsTheOperatorsString() {
        EnrollmentString e = EnrollmentString.parse("qstcs://10.0.0.5:8443/?device=Soldier_Charlie&code=K7Q-2MX"
                + "&ca=sha256:" + CA + "&relay=wss%3A%2F%2F10.0.0.5%3A8765");
        assertEquals("Soldier_Charlie", e.deviceId());
        assertEquals(URI.create("https://10.0.0.5:8443"), e.kmsUrl());
        assertEquals("K7Q-2MX", e.code());
        assertEquals(Optional.of(CA), e.caFingerprint());
        assertEquals(Optional.of(URI.create("wss://10.0.0.5:8765")), e.relayUrl());
        assertFalse(e.toString().contains("K7Q"), "the one-time code is a secret");
    }

    @Test
    void refusesWhatIsNotAnEnrollmentString() {
        assertThrows(IllegalArgumentException.class, () -> EnrollmentString.parse("https://10.0.0.5:8443/?device=x&code=y"));
        assertThrows(IllegalArgumentException.class, () -> EnrollmentString.parse("qstcs://h:8443/?device=x"));
        assertThrows(IllegalArgumentException.class, () -> EnrollmentString.parse("qstcs://h:8443/?device=x&code=c&ca=sha256:12"));
        assertThrows(IllegalArgumentException.class, () -> EnrollmentString.parse("qstcs://h:8443/?device=a%20b&code=c"));
    }
}
