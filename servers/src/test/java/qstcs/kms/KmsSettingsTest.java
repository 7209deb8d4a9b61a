package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import qstcs.server.common.CommandLine;

/** Defaults that depend on other settings: the host enrollment strings name, the silent deadline. */
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
}
