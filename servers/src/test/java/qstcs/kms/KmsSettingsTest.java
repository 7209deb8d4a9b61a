package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import qstcs.server.common.CommandLine;

/** Defaults that depend on other settings: the host and relays enrollment strings name, the silent deadline. */
class KmsSettingsTest {

    private static KmsSettings parse(String... args) {
        return KmsSettings.from(Config.just(ConfigSources.create(Map.of())),
                CommandLine.parse(args, Main.valueFlags(), Main.switches()));
    }

    @Test
    void aKmsBoundToOneAddressNamesThatAddressInEnrollmentStrings() {
        assertEquals(Optional.of("127.0.0.1"), parse("--bind", "127.0.0.1").identity().publicHost());
        assertEquals(Optional.of("10.0.0.5"), parse("--bind", "10.0.0.5").identity().publicHost());
    }

    @Test
    void everyInterfaceLeavesTheChoiceToTheLanAddressesAndTheFlagWins() {
        assertEquals(Optional.empty(), parse().identity().publicHost());
        assertEquals(Optional.empty(), parse("--bind", "0.0.0.0").identity().publicHost());
        assertEquals(Optional.of("kms.lan"), parse("--bind", "127.0.0.1", "--public-host", "kms.lan").identity().publicHost());
    }

    @Test
    void theSilentDeadlineDefaultsToThreeSecondsAndIsBoundedByTheHeadDeadline() {
        assertEquals(java.time.Duration.ofSeconds(3), parse().silentDeadline());
        KmsSettings shorter = KmsSettings.from(Config.just(ConfigSources.create(Map.of("app.silent-deadline", "PT1S"))),
                CommandLine.parse(new String[0], Main.valueFlags(), Main.switches()));
        assertEquals(java.time.Duration.ofSeconds(1), shorter.silentDeadline());
        org.junit.jupiter.api.Assertions.assertThrows(CommandLine.UsageException.class, () -> KmsSettings.from(
                Config.just(ConfigSources.create(Map.of("app.silent-deadline", "PT11S"))),
                CommandLine.parse(new String[0], Main.valueFlags(), Main.switches())));
    }

    @Test
    void theRelayUrlIsOneRelayOrTheRelaysOfAClusterInTheirOrder() {
        List<URI> two = List.of(URI.create("wss://10.0.0.5:8765"), URI.create("wss://10.0.0.6:8765"));
        assertEquals(Optional.empty(), parse().identity().relayUrls());
        assertEquals(Optional.of(List.of(URI.create("wss://kms.lan:8765"))),
                parse("--relay-url", "wss://kms.lan:8765").identity().relayUrls());
        assertEquals(Optional.of(two), parse("--relay-url", "wss://10.0.0.5:8765,wss://10.0.0.6:8765").identity().relayUrls());
        assertEquals(Optional.of(two), parse("--relay-url", " wss://10.0.0.5:8765 , wss://10.0.0.6:8765 ").identity().relayUrls());
        KmsSettings fromFile = KmsSettings.from(Config.just(ConfigSources.create(
                        Map.of("app.relay-url", "wss://10.0.0.5:8765,wss://10.0.0.6:8765"))),
                CommandLine.parse(new String[0], Main.valueFlags(), Main.switches()));
        assertEquals(Optional.of(two), fromFile.identity().relayUrls(), "the relay-url setting takes the same list");
    }

    @Test
    void aFaultyRelayListIsAUsageErrorNamingTheBadEntry() {
        Map<String, String> cases = Map.of(
                "wss://10.0.0.5:8765,https://10.0.0.6:8765", "'https://10.0.0.6:8765'",
                "wss://10.0.0.5:8765,10.0.0.6", "'10.0.0.6'",
                "wss://10.0.0.5:8765,,wss://10.0.0.6:8765", "empty relay URL",
                "wss://10.0.0.5:8765,", "empty relay URL",
                "wss://10.0.0.5:8765,wss://10.0.0.5:8765", "'wss://10.0.0.5:8765' is listed twice",
                "http://kms.lan:8765", "'http://kms.lan:8765'");
        cases.forEach((value, expected) -> {
            CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class, () -> parse("--relay-url", value), value);
            assertTrue(e.getMessage().startsWith("--relay-url ") && e.getMessage().contains(expected), value + " -> " + e.getMessage());
        });
    }
}
