package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatOptionsTest {
    @Test
    void takesTheFlagsOfTheDesign() {
        ChatOptions o = ChatOptions.parse("--device", "Soldier_Alpha", "--peer", "Soldier_Bravo", "--home", "/tmp/q",
                "--kms", "http://10.0.0.5:8000", "--relay", "ws://10.0.0.5:8765", "--enroll", "qstcs://x", "--pqc");
        assertEquals(Optional.of("Soldier_Alpha"), o.device());
        assertEquals(Optional.of("Soldier_Bravo"), o.peer());
        assertEquals(Path.of("/tmp/q"), o.home());
        assertEquals("http://10.0.0.5:8000", o.kmsUrl());
        assertEquals("ws://10.0.0.5:8765", o.relayUrl());
        assertEquals(Optional.of("qstcs://x"), o.enroll());
        assertTrue(o.pqc());
        assertFalse(o.freshHistory(), "history is kept unless asked");
        assertTrue(ChatOptions.parse("--device", "Soldier_Alpha", "--fresh-history").freshHistory());
        assertEquals(qstcs.crypto.identity.IdentityAlgorithm.ML_DSA_65, o.identityAlgorithm());
        assertEquals(qstcs.crypto.identity.IdentityAlgorithm.ML_DSA_65_ED25519,
                ChatOptions.parse("--device", "Soldier_Alpha", "--hybrid-identity").identityAlgorithm());
    }

    @Test
    void defaultsToThisMachine() {
        ChatOptions o = ChatOptions.parse();
        assertTrue(o.device().isEmpty());
        assertEquals("https://localhost:8443", o.kmsUrl());
        assertEquals("wss://localhost:8765", o.relayUrl());
        assertFalse(o.pqc());
    }

    @Test
    void theEtsi014KeySourceNeedsItsThreeSettingsAndReadsThem() {
        assertTrue(ChatOptions.parse().kme().isEmpty());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--key-source", "etsi014",
                "--kme", "https://kme:443")).getMessage().contains("--sae-cert"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--kme", "https://kme:443"))
                .getMessage().contains("--key-source etsi014"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--key-source", "vendor"))
                .getMessage().contains("qstcs or etsi014"));
        String missing = assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--key-source", "etsi014",
                "--kme", "https://kme:443", "--sae-cert", "/nonexistent/sae.pem", "--ca", "/nonexistent/ca.crt")).getMessage();
        assertTrue(missing.contains("/nonexistent/sae.pem"), missing);
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("unknown option '--devise' (see --help)",
                assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--devise", "x")).getMessage());
        assertEquals("--device needs a value (see --help)",
                assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--device")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--relay", "http://x:8765"));
        assertEquals("--enroll-only needs --enroll STRING",
                assertThrows(IllegalArgumentException.class, () -> ChatOptions.parse("--enroll-only")).getMessage());
    }

    @Test
    void enrollOnlyGoesWithAnEnrollmentString() {
        assertTrue(ChatOptions.parse("--enroll", "qstcs://x", "--enroll-only").enrollOnly());
        assertFalse(ChatOptions.parse("--enroll", "qstcs://x").enrollOnly());
    }
}
