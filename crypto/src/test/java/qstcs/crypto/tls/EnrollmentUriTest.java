package qstcs.crypto.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnrollmentUriTest {

    private static final CaFingerprint CA = CaFingerprint.parse("sha256:" + "ab".repeat(32));
    private static final String CODE = "K7QX2M9RTB4WZP3H";

    @Test
    void roundTripsThroughItsString() {
        EnrollmentUri e = new EnrollmentUri("192.168.1.20", 8443, "Soldier_Charlie", CODE, CA,
                URI.create("wss://192.168.1.20:8765"));
        String s = e.toUriString();
        assertEquals("qstcs://192.168.1.20:8443/?device=Soldier_Charlie&code=" + CODE + "&ca=" + CA
                + "&relay=wss%3A%2F%2F192.168.1.20%3A8765", s);
        assertEquals(e, EnrollmentUri.parse(s));
        assertEquals(URI.create("https://192.168.1.20:8443"), e.kmsUrl());
    }

    @Test
    void acceptsTheDesignDocumentsFormWithUnencodedRelayAndDefaultPort() {
        EnrollmentUri e = EnrollmentUri.parse("qstcs://kms.lan/?device=Soldier_Alpha&code=" + CODE + "&ca=" + CA
                + "&relay=wss://kms.lan:8765");
        assertEquals("kms.lan", e.kmsHost());
        assertEquals(8443, e.kmsPort());
        assertEquals(URI.create("wss://kms.lan:8765"), e.relayUrl());
        EnrollmentUri v6 = EnrollmentUri.parse(new EnrollmentUri("[fe80::1]", 9443, "d", CODE, CA,
                URI.create("wss://[fe80::1]:8765")).toUriString());
        assertEquals(URI.create("https://[fe80::1]:9443"), v6.kmsUrl());
    }

    @Test
    void toStringNeverShowsTheCode() {
        EnrollmentUri e = new EnrollmentUri("h", 8443, "d", CODE, CA, URI.create("wss://h:8765"));
        assertFalse(e.toString().contains(CODE), e.toString());
        assertFalse(e.toString().contains(CODE.substring(0, 4)), e.toString());
    }

    @Test
    void badStringsGiveAClearMessageThatNeverEchoesTheCode() {
        String ok = "qstcs://h:8443/?device=d&code=" + CODE + "&ca=" + CA + "&relay=wss://h:8765";
        Map<String, String> cases = Map.ofEntries(
                Map.entry("https://h:8443/?device=d&code=" + CODE, "must start with qstcs://"),
                Map.entry("qstcs:///?device=d&code=" + CODE, "names no KMS host"),
                Map.entry(ok.replace("device=d&", ""), "no device="),
                Map.entry(ok.replace("code=" + CODE + "&", ""), "no code="),
                Map.entry(ok.replace("&ca=" + CA, ""), "no ca="),
                Map.entry(ok.replace("&relay=wss://h:8765", ""), "no relay="),
                Map.entry(ok.replace("ca=sha256:ab", "ca=sha256:zz"), "not a CA fingerprint"),
                Map.entry(ok.replace("relay=wss", "relay=http"), "bad relay URL"),
                Map.entry(ok.replace("device=d", "device=a/b"), "bad device id"),
                Map.entry(ok.replace("code=" + CODE, "code=" + CODE + "%20x"), "enrollment code is malformed"),
                Map.entry(ok + "&device=e", "repeats 'device'"),
                Map.entry("qstcs://h:8443/ ?x", "not an enrollment string"),
                Map.entry(ok.replace(":8443", ":99999"), "bad KMS port"));
        cases.forEach((input, expected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnrollmentUri.parse(input), input);
            assertTrue(e.getMessage().contains(expected), input + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains(CODE), e.getMessage());
        });
    }

    @Test
    void carriesEveryRelayOfAClusterInItsOneRelayParameter() {
        java.util.List<URI> three = java.util.List.of(URI.create("wss://10.0.0.5:8765"), URI.create("wss://relay-b.lan:8765"),
                URI.create("ws://[fe80::2]:9000"));
        EnrollmentUri e = new EnrollmentUri("10.0.0.5", 8443, "Soldier_Delta", CODE, CA, three);
        String s = e.toUriString();
        assertTrue(s.endsWith("&relay=wss%3A%2F%2F10.0.0.5%3A8765%2Cwss%3A%2F%2Frelay-b.lan%3A8765%2Cws%3A%2F%2F%5Bfe80%3A%3A2%5D%3A9000"), s);
        EnrollmentUri back = EnrollmentUri.parse(s);
        assertEquals(e, back);
        assertEquals(three, back.relayUrls());
        assertEquals(three.getFirst(), back.relayUrl(), "the first relay is the one older code paths use");
        assertTrue(e.toString().contains("wss://relay-b.lan:8765"), e.toString());
        assertFalse(e.toString().contains(CODE), e.toString());
        assertFalse(e.toString().contains(CODE.substring(0, 4)), e.toString());

        EnrollmentUri one = EnrollmentUri.parse(new EnrollmentUri("h", 8443, "d", CODE, CA, URI.create("wss://h:8765")).toUriString());
        assertEquals(java.util.List.of(URI.create("wss://h:8765")), one.relayUrls());
        assertEquals(EnrollmentUri.parse("qstcs://h/?device=d&code=" + CODE + "&ca=" + CA + "&relay=wss://a:1,wss://b:2").relayUrls(),
                java.util.List.of(URI.create("wss://a:1"), URI.create("wss://b:2")), "an unencoded list is read as well");
    }

    @Test
    void refusesAFaultyRelayListWhole() {
        String base = "qstcs://h:8443/?device=d&code=" + CODE + "&ca=" + CA + "&relay=";
        Map<String, String> cases = Map.ofEntries(
                Map.entry("wss://a:8765,", "empty relay URL"),
                Map.entry(",wss://a:8765", "empty relay URL"),
                Map.entry("wss://a:8765,,wss://b:8765", "empty relay URL"),
                Map.entry("wss%3A%2F%2Fa%3A8765%2C%20", "empty relay URL"),
                Map.entry("wss://a:8765,https://b:8765", "bad relay URL 'https://b:8765'"),
                Map.entry("wss://a:8765,b:8765", "bad relay URL 'b:8765'"),
                Map.entry("wss://a:8765,wss://a:8765", "'wss://a:8765' is listed twice"),
                Map.entry("wss://a:8765,WSS://A:8765", "listed twice"));
        cases.forEach((relay, expected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnrollmentUri.parse(base + relay), relay);
            assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("enrollment string"), relay + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains(CODE), e.getMessage());
        });
        assertThrows(IllegalArgumentException.class, () -> new EnrollmentUri("h", 8443, "d", CODE, CA, java.util.List.of()));
    }
}
