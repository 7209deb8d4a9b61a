package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientConfigTest {
    @Test
    void wrongAddressesAreExplained() {
        assertEquals("the KMS address must start with http:// or https://, got 'localhost:8000'",
                assertThrows(IllegalArgumentException.class, () -> ClientConfig.parseKmsUrl("localhost:8000")).getMessage());
        assertEquals("the relay address must start with ws:// or wss://, got 'http://x:8765'",
                assertThrows(IllegalArgumentException.class, () -> ClientConfig.parseRelayUrl("http://x:8765")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientConfig.parseKmsUrl(" "))
                .getMessage().contains("empty"));
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.parseKmsUrl("http://"));
    }

    @Test
    void deviceIdsAreRestrictedToASafeAlphabet() {
        assertEquals("Soldier_Alpha", ClientConfig.checkDeviceId("Soldier_Alpha"));
        for (String bad : new String[] {"", "Soldier Alpha", "a/b", "x".repeat(65), "ü"}) {
            assertThrows(IllegalArgumentException.class, () -> ClientConfig.checkDeviceId(bad), bad);
        }
    }

    @Test
    void theTokenNeverShowsInToString() {
        ClientConfig c = ClientConfig.of("Soldier_Alpha", "http://h:8000", "ws://h:8765").withDeviceToken("s3cr3t-token");
        assertFalse(c.toString().contains("s3cr3t"), c.toString());
        assertTrue(c.toString().contains("token=(set)"));
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        long first = b.nextDelayMillis();
        assertTrue(first >= 80 && first <= 120, "first " + first);
        long last = 0;
        for (int i = 0; i < 10; i++) {
            last = b.nextDelayMillis();
            assertTrue(last <= 1000, "capped: " + last);
        }
        assertTrue(last >= 800, "reaches the cap: " + last);
        b.reset();
        assertTrue(b.nextDelayMillis() <= 120);
    }

    @Test
    void severalRelaysOfAClusterAreTriedInOrder() {
        ClientConfig c = ClientConfig.of("Soldier_Alpha", "https://kms:8443", " wss://r1:8765 , wss://r2:8765,");
        assertEquals(java.util.List.of(java.net.URI.create("wss://r1:8765"), java.net.URI.create("wss://r2:8765")),
                c.relayUrls());
        assertEquals(java.net.URI.create("wss://r1:8765"), c.relayUrl());
        assertEquals(c.relayUrls(), c.withPqc(true).withBackoff(java.time.Duration.ofMillis(10),
                java.time.Duration.ofMillis(20)).relayUrls(), "other settings keep the relay list");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.of("Soldier_Alpha", "https://kms:8443", "wss://r1:8765,http://r2"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("http://r2"), e.getMessage());
    }
}
