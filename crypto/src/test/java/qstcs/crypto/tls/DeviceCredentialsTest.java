package qstcs.crypto.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceCredentialsTest {

    private static final String TOKEN = "tok-3f9a1c77e2b04d5a9e81";
    private static final CaFingerprint CA = CaFingerprint.parse("ab".repeat(32));

    private static DeviceCredentials alpha() {
        return new DeviceCredentials("Soldier_Alpha", TOKEN, URI.create("https://10.0.0.5:8443"),
                URI.create("wss://10.0.0.5:8765"), CA);
    }

    @Test
    void savesOwnerOnlyAndLoadsBackTheSame(@TempDir Path home) throws IOException {
        Path file = alpha().save(home);
        assertEquals(home.resolve("devices/Soldier_Alpha.json").toAbsolutePath(), file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(Optional.of(alpha()), DeviceCredentials.load(home, "Soldier_Alpha"));
        assertEquals(Optional.empty(), DeviceCredentials.load(home, "Soldier_Bravo"));
    }

    @Test
    void readsTheFileTheEarlierWritersProduced(@TempDir Path home) throws IOException {
        // Files written before this class existed (Jackson, a trailing newline): still read.
        Files.createDirectories(home.resolve("devices"));
        Files.writeString(home.resolve("devices/Soldier_Alpha.json"), "{\"device_id\":\"Soldier_Alpha\",\"device_token\":\""
                + TOKEN + "\",\"kms_url\":\"https://10.0.0.5:8443\",\"relay_url\":\"wss://10.0.0.5:8765\","
                + "\"ca_fingerprint\":\"" + CA + "\"}\n", StandardCharsets.UTF_8);
        assertEquals(alpha(), DeviceCredentials.load(home, "Soldier_Alpha").orElseThrow());
    }

    @Test
    void damagedFilesAreRefusedWithoutRepeatingTheToken(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve("devices"));
        Path file = home.resolve("devices/Soldier_Alpha.json");
        String good = "{\"device_id\":\"Soldier_Alpha\",\"device_token\":\"" + TOKEN
                + "\",\"kms_url\":\"https://10.0.0.5:8443\",\"relay_url\":\"wss://10.0.0.5:8765\",\"ca_fingerprint\":\"" + CA + "\"}";
        for (String bad : new String[] {
                good.substring(0, good.length() - 1),                          // cut short
                good.replace("\"kms_url\":\"https://10.0.0.5:8443\",", ""),     // a field missing
                good.replace("wss://", "https://"),                              // wrong scheme
                good.replace("\"Soldier_Alpha\"", "\"Soldier_Bravo\""),          // another device's file
                good.replace("}", ",\"device_token\":\"x\"}"),                   // duplicate field
                good.replace(CA.toString(), "zz"),                               // not a fingerprint
                ""}) {
            Files.writeString(file, bad, StandardCharsets.UTF_8);
            IOException e = assertThrows(IOException.class, () -> DeviceCredentials.load(home, "Soldier_Alpha"), bad);
            assertTrue(e.getMessage().contains("enroll the device again"), e.getMessage());
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        }
    }

    @Test
    void refusesBadValuesAndNeverPrintsTheToken() {
        assertThrows(IllegalArgumentException.class, () -> DeviceCredentials.path(Path.of("/tmp"), "../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> new DeviceCredentials("Soldier_Alpha", " ",
                URI.create("https://h"), URI.create("wss://h"), CA));
        assertThrows(IllegalArgumentException.class, () -> new DeviceCredentials("Soldier_Alpha", TOKEN,
                URI.create("ftp://h"), URI.create("wss://h"), CA));
        assertFalse(alpha().toString().contains(TOKEN));
        assertFalse(alpha().toString().contains(TOKEN.substring(0, 6)));
    }

    @Test
    void keepsEveryRelayOfAClusterAndTheFirstWhereOneRelayWasKept(@TempDir Path home) throws IOException {
        java.util.List<URI> relays = java.util.List.of(URI.create("wss://10.0.0.5:8765"), URI.create("wss://10.0.0.6:8765"));
        DeviceCredentials two = new DeviceCredentials("Soldier_Alpha", TOKEN, URI.create("https://10.0.0.5:8443"), relays, CA);
        Path file = two.save(home);
        String text = Files.readString(file);
        assertTrue(text.contains("\"relay_url\":\"wss://10.0.0.5:8765\""), text);
        assertTrue(text.contains("\"relay_urls\":\"wss://10.0.0.5:8765,wss://10.0.0.6:8765\""), text);
        DeviceCredentials back = DeviceCredentials.load(home, "Soldier_Alpha").orElseThrow();
        assertEquals(relays, back.relayUrls());
        assertEquals(relays.getFirst(), back.relayUrl());
        assertFalse(back.toString().contains(TOKEN), back.toString());
        assertFalse(Files.readString(alpha().save(home)).contains("relay_urls"), "one relay: the file is as before");

        Files.writeString(file, text.replace("\"relay_url\":\"wss://10.0.0.5:8765\"", "\"relay_url\":\"wss://10.0.0.9:8765\""));
        IOException e = assertThrows(IOException.class, () -> DeviceCredentials.load(home, "Soldier_Alpha"));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }
}
